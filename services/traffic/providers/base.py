"""The contract of a source of traffic violations (the traffic police's records).

A source finds a vehicle by its plate and the last 6 characters of its VIN, and answers nothing
about a vehicle whose VIN does not match: a wrong guess and an unknown plate look the same. It
also takes the report of a fine paid through GovHub, idempotently by our reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ViolationRecord:
    record_id: str  # the source's id of the violation
    occurred_at: datetime
    place: str
    code: str  # the national violation code, e.g. 1625
    description: str
    points: int
    fine_fen: int
    decision_no: str | None  # penalty decision; None until the violation is processed
    decided_on: date | None
    paid: bool = False  # the source counts the fine as paid (here or anywhere else)


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    plate: str
    violations: tuple[ViolationRecord, ...]


@dataclass(frozen=True, slots=True)
class FineSettlement:
    """A fine paid through GovHub, as reported to the source."""

    decision_no: str
    plate: str
    amount_fen: int  # fine + surcharge
    fine_fen: int
    surcharge_fen: int
    reference: str  # the payment order's out_trade_no: the same reference twice settles once
    paid_at: datetime


@dataclass(frozen=True, slots=True)
class SettlementConfirmation:
    confirmation_no: str  # the source's number for the settlement


class SourceError(Exception):
    """The source did not take a request; `retryable` says whether asking again may help."""

    retryable = True


class SourceUnavailable(SourceError):
    """The source cannot answer now."""


class Refusal(StrEnum):
    """Why a source refuses a settlement for good, mapped from its own codes by each source."""

    NO_DECISION = "no_decision"  # no such penalty decision (or not of that plate)
    AMOUNT_MISMATCH = "amount_mismatch"
    ALREADY_SETTLED = "already_settled"  # settled under another reference


class SettlementRefused(SourceError):
    """The source refuses the settlement, and will answer the same when asked again."""

    retryable = False

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason


class ViolationSource(Protocol):
    name: str

    async def vehicle(self, plate: str, vin_last6: str) -> VehicleRecord | None:
        """The vehicle and its violations, or None when the plate is unknown or the VIN does
        not match (never saying which). Raises `SourceUnavailable`."""
        ...

    async def report_payment(self, settlement: FineSettlement) -> SettlementConfirmation:
        """Tells the source the fine was paid, so it counts the decision as settled.

        Idempotent by `settlement.reference`: reported again with the same reference, the source
        answers with the same confirmation and settles nothing twice. Raises `SourceUnavailable`
        (try again later) or `SettlementRefused` (do not)."""
        ...
