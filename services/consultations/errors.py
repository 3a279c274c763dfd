"""Errors of consultations and complaints, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class CaseNotFound(GovError):
    code = Code.CONSULTATION_NOT_FOUND


class MoveNotAllowed(GovError):
    code = Code.CONSULTATION_MOVE_NOT_ALLOWED

    def __init__(self, state: str, move: str) -> None:
        super().__init__(state=state, move=move)


class NotAnswered(GovError):
    code = Code.CONSULTATION_NOT_ANSWERED


class ReopenUsed(GovError):
    code = Code.CONSULTATION_REOPEN_USED


class ReopenExpired(GovError):
    code = Code.CONSULTATION_REOPEN_EXPIRED

    def __init__(self, days: int) -> None:
        super().__init__(days=days)


class TransferSame(GovError):
    code = Code.CONSULTATION_TRANSFER_SAME


class FaqNotAllowed(GovError):
    code = Code.CONSULTATION_FAQ_NOT_ALLOWED


class FaqPersonalData(GovError):
    code = Code.CONSULTATION_FAQ_PERSONAL_DATA

    def __init__(self, found: str) -> None:
        super().__init__(found=found)


class FaqNotFound(GovError):
    code = Code.CONSULTATION_FAQ_NOT_FOUND
