"""Errors of residents' identity."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class ChannelAccountNotFound(GovError):
    code = Code.CHANNEL_ACCOUNT_NOT_FOUND


class LastChannelAccount(GovError):
    code = Code.CHANNEL_ACCOUNT_LAST


class RealNameMismatch(GovError):
    code = Code.REAL_NAME_MISMATCH


class RealNameAlreadyVerified(GovError):
    code = Code.REAL_NAME_ALREADY_VERIFIED


class IdNumberTaken(GovError):
    code = Code.ID_NUMBER_TAKEN


class PhoneTaken(GovError):
    code = Code.PHONE_TAKEN


class PhoneAlreadyBound(GovError):
    code = Code.PHONE_ALREADY_BOUND
