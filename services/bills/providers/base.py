"""The contract every utility company (水 / 电 / 气) is reached through.

A provider answers for one company: what an account owes and who holds it (masked), and the
write-off of bills we collected money for. Providers only report what the company said; whether
a bill is paid, locked or written off here is decided in services/bills/service.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class UtilityKind(StrEnum):
    WATER = "water"
    ELECTRICITY = "electricity"
    GAS = "gas"


KIND_NAMES: dict[UtilityKind, tuple[str, str]] = {
    UtilityKind.WATER: ("水费", "Water"),
    UtilityKind.ELECTRICITY: ("电费", "Electricity"),
    UtilityKind.GAS: ("燃气费", "Gas"),
}


class CompanyOutcome(StrEnum):
    """What a company's answer means to us, mapped from its own codes by each provider."""

    OK = "ok"
    BUSY = "busy"  # try again later
    NO_ACCOUNT = "no_account"
    NO_BILL = "no_bill"
    ALREADY_SETTLED = "already_settled"  # settled under another reference
    AMOUNT_MISMATCH = "amount_mismatch"


RETRYABLE: frozenset[CompanyOutcome] = frozenset({CompanyOutcome.BUSY})


@dataclass(frozen=True, slots=True)
class CompanyBill:
    bill_id: str  # the company's own id of the bill
    period: str  # YYYY-MM
    amount_fen: int
    due_date: date


@dataclass(frozen=True, slots=True)
class AccountArrears:
    account_no: str
    holder_masked: str
    bills: tuple[CompanyBill, ...]  # unpaid at the company, oldest first


@dataclass(frozen=True, slots=True)
class HolderProof:
    """What a resident binding an account gives to show it is theirs (one of the two)."""

    name: str | None = None
    phone_last4: str | None = None


@dataclass(frozen=True, slots=True)
class WriteOffRequest:
    account_no: str
    bill_ids: tuple[str, ...]
    amount_fen: int
    reference: str  # ours, unique per payment: the same reference twice settles once


@dataclass(frozen=True, slots=True)
class WriteOffConfirmation:
    confirmation_no: str  # the company's number for the settlement


class CompanyError(Exception):
    """The company refused or could not be reached; `retryable` says whether to try again."""

    def __init__(self, outcome: CompanyOutcome, detail: str = "") -> None:
        super().__init__(f"{outcome.value}: {detail}" if detail else outcome.value)
        self.outcome = outcome

    @property
    def retryable(self) -> bool:
        return self.outcome in RETRYABLE


class UtilityProvider(Protocol):
    """One utility company."""

    kind: UtilityKind
    company: str  # stable code stored with accounts and bills
    name_zh: str
    name_en: str

    async def arrears(self, account_no: str) -> AccountArrears:
        """The account's unpaid bills and its holder's masked name.

        Raises `CompanyError(NO_ACCOUNT)` for an unknown account, `CompanyError(BUSY)` when the
        company cannot answer now."""
        ...

    async def holder_matches(self, account_no: str, proof: HolderProof) -> bool:
        """Whether the proof fits the account's holder as the company knows them: the full
        name, or the last four digits of the holder's phone. GovHub never keeps either."""
        ...

    async def write_off(self, request: WriteOffRequest) -> WriteOffConfirmation:
        """Settles the bills at the company for money we collected.

        Idempotent by `request.reference`: asked again with the same reference, the company
        answers with the same confirmation and settles nothing twice. Raises `CompanyError`."""
        ...
