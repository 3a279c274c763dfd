"""Errors of online applications, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class FormNotFound(GovError):
    code = Code.APPLICATION_FORM_NOT_FOUND


class ApplicationNotFound(GovError):
    code = Code.APPLICATION_NOT_FOUND


class MoveNotAllowed(GovError):
    code = Code.APPLICATION_MOVE_NOT_ALLOWED


class ReasonRequired(GovError):
    code = Code.APPLICATION_REASON_REQUIRED


class FormInvalid(GovError):
    code = Code.APPLICATION_INVALID


class MaterialsMissing(GovError):
    code = Code.APPLICATION_MATERIALS_MISSING


class NotPayable(GovError):
    code = Code.APPLICATION_NOT_PAYABLE


class Paying(GovError):
    code = Code.APPLICATION_PAYING


class FeeChanged(GovError):
    code = Code.APPLICATION_FEE_CHANGED


class FileRejected(GovError):
    code = Code.FILE_REJECTED


class FileNotFound(GovError):
    code = Code.FILE_NOT_FOUND


class FileLinkInvalid(GovError):
    code = Code.FILE_LINK_INVALID
