"""Errors of the notify module, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class MessageNotFound(GovError):
    code = Code.NOTIFY_MESSAGE_NOT_FOUND


class CategoryMandatory(GovError):
    code = Code.NOTIFY_CATEGORY_MANDATORY


class NotRetryable(GovError):
    code = Code.NOTIFY_NOT_RETRYABLE
