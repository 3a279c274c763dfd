"""Errors of ratings, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class MatterNotFound(GovError):
    code = Code.RATING_MATTER_NOT_FOUND


class NotHandled(GovError):
    code = Code.RATING_NOT_HANDLED


class AlreadyRated(GovError):
    code = Code.RATING_ALREADY_GIVEN


class ReasonInvalid(GovError):
    code = Code.RATING_REASON_INVALID


class RatingNotFound(GovError):
    code = Code.RATING_NOT_FOUND


class CaseNotFound(GovError):
    code = Code.RATING_CASE_NOT_FOUND


class CaseClosed(GovError):
    code = Code.RATING_CASE_CLOSED


class CallbackRequired(GovError):
    code = Code.RATING_CALLBACK_REQUIRED


class AppealExists(GovError):
    code = Code.RATING_APPEAL_EXISTS


class AppealNotFound(GovError):
    code = Code.RATING_APPEAL_NOT_FOUND


class AppealDecided(GovError):
    code = Code.RATING_APPEAL_DECIDED
