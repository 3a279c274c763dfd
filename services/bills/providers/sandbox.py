"""The sandbox utility company: demo accounts from `sandbox_data`, settlements kept in the store.

It behaves like a company's system as far as GovHub can tell: it knows accounts and their unpaid
bills, answers in its own result codes (mapped in `RESULT_CODES`), settles bills idempotently by
our reference, and can be made to answer "busy" to the first write-off attempts of an account
(`write_off_failures`) so the retries are seen working. Never on in production.
"""

from __future__ import annotations

import hashlib
import hmac

import orjson

from config.runtime import runtime
from config.store import Store
from services.bills.providers.base import (
    AccountArrears,
    CompanyError,
    CompanyOutcome,
    HolderProof,
    UtilityKind,
    WriteOffConfirmation,
    WriteOffRequest,
)
from services.bills.providers.sandbox_data import DEMO_ACCOUNTS, DemoAccount

# The sandbox company's result codes and what they mean to us.
RESULT_CODES: dict[str, CompanyOutcome] = {
    "0000": CompanyOutcome.OK,
    "E100": CompanyOutcome.BUSY,
    "E201": CompanyOutcome.NO_ACCOUNT,
    "E202": CompanyOutcome.NO_BILL,
    "E203": CompanyOutcome.ALREADY_SETTLED,
    "E204": CompanyOutcome.AMOUNT_MISMATCH,
}

NAMES: dict[UtilityKind, tuple[str, str]] = {
    UtilityKind.WATER: ("沙箱自来水公司", "Sandbox Water Co."),
    UtilityKind.ELECTRICITY: ("沙箱供电公司", "Sandbox Power Co."),
    UtilityKind.GAS: ("沙箱燃气公司", "Sandbox Gas Co."),
}
_RECORD_TTL = 90 * 24 * 3600


def check(code: str, detail: str = "") -> None:
    """Raises the `CompanyError` a result code stands for; returns on success."""
    outcome = RESULT_CODES.get(code, CompanyOutcome.BUSY)  # an unknown code: ask again later
    if outcome != CompanyOutcome.OK:
        raise CompanyError(outcome, f"{code} {detail}".strip())


class SandboxCompany:
    def __init__(self, kind: UtilityKind, store: Store | None = None) -> None:
        self.kind = kind
        self.company = f"sandbox-{kind.value}"
        self.name_zh, self.name_en = NAMES[kind]
        self._accounts = DEMO_ACCOUNTS[kind]
        self._store = store

    @property
    def store(self) -> Store:
        return self._store or runtime().store

    def _key(self, what: str, name: str) -> str:
        return f"bills:sandbox:{self.company}:{what}:{name}"

    def _account(self, account_no: str) -> DemoAccount:
        account = self._accounts.get(account_no)
        if account is None:
            check("E201", account_no[-4:])
        assert account is not None
        return account

    async def _settlement(self, bill_id: str) -> dict[str, str] | None:
        raw = await self.store.get(self._key("settled", bill_id))
        return None if raw is None else dict(orjson.loads(raw))

    async def arrears(self, account_no: str) -> AccountArrears:
        account = self._account(account_no)
        unpaid = tuple(
            [bill for bill in account.bills if await self._settlement(bill.bill_id) is None]
        )
        return AccountArrears(account.account_no, account.holder_masked, unpaid)

    async def holder_matches(self, account_no: str, proof: HolderProof) -> bool:
        account = self._account(account_no)
        if proof.name is not None:
            return hmac.compare_digest(proof.name.strip().encode(), account.holder_name.encode())
        if proof.phone_last4 is not None:
            return hmac.compare_digest(proof.phone_last4, account.holder_phone[-4:])
        return False

    async def write_off(self, request: WriteOffRequest) -> WriteOffConfirmation:
        account = self._account(request.account_no)
        attempts = await self.store.incr(self._key("attempts", request.reference), ttl=_RECORD_TTL)
        if attempts <= account.write_off_failures:
            check("E100", "system busy")
        bills = {bill.bill_id: bill for bill in account.bills}
        if not request.bill_ids or any(b not in bills for b in request.bill_ids):
            check("E202")
        if sum(bills[b].amount_fen for b in request.bill_ids) != request.amount_fen:
            check("E204")
        confirmation = "SBXWO" + hashlib.sha256(request.reference.encode()).hexdigest()[:16].upper()
        for bill_id in request.bill_ids:
            settled = await self._settlement(bill_id)
            if settled is not None and settled["reference"] != request.reference:
                check("E203", bill_id)
        record = orjson.dumps({"reference": request.reference, "confirmation": confirmation})
        for bill_id in request.bill_ids:
            await self.store.set_if_absent(
                self._key("settled", bill_id), record.decode(), _RECORD_TTL
            )
        return WriteOffConfirmation(confirmation)
