"""The sandbox utility company: its result codes, and write-offs idempotent by our reference."""

from __future__ import annotations

import pytest

from config.runtime import Runtime
from services.bills.providers import COMPANIES
from services.bills.providers.base import (
    RETRYABLE,
    CompanyError,
    CompanyOutcome,
    UtilityKind,
    WriteOffRequest,
)
from services.bills.providers.sandbox import RESULT_CODES, SandboxCompany, check

pytestmark = pytest.mark.usefixtures("db")


def company(rt: Runtime) -> SandboxCompany:
    return SandboxCompany(UtilityKind.GAS, rt.store)


def request(reference: str, *bill_ids: str, amount_fen: int | None = None) -> WriteOffRequest:
    ids = bill_ids or ("SG0030001-202501",)
    amounts = {"SG0030001-202501": 6820, "SG0030001-202502": 7450}
    total = amount_fen if amount_fen is not None else sum(amounts[b] for b in ids)
    return WriteOffRequest("SG0030001", ids, total, reference)


class TestResultCodes:
    @pytest.mark.parametrize(("code", "outcome"), list(RESULT_CODES.items()))
    def test_every_code_maps_to_its_outcome(self, code: str, outcome: CompanyOutcome) -> None:
        if outcome == CompanyOutcome.OK:
            check(code)
            return
        with pytest.raises(CompanyError) as caught:
            check(code)
        assert caught.value.outcome == outcome
        assert caught.value.retryable == (outcome in RETRYABLE)

    def test_an_unknown_code_is_worth_asking_again(self) -> None:
        with pytest.raises(CompanyError) as caught:
            check("X999")
        assert caught.value.retryable


class TestRegistry:
    def test_every_kind_has_a_company_in_the_sandbox(self) -> None:
        assert {COMPANIES.get(kind).kind for kind in UtilityKind} == set(UtilityKind)  # type: ignore[union-attr]


class TestWriteOff:
    @pytest.mark.asyncio
    async def test_the_same_reference_settles_once_and_answers_the_same(self, rt: Runtime) -> None:
        gas = company(rt)
        first = await gas.write_off(request("GH-1"))
        again = await gas.write_off(request("GH-1"))
        assert first == again
        left = await gas.arrears("SG0030001")
        assert [b.bill_id for b in left.bills] == ["SG0030001-202502"]

    @pytest.mark.asyncio
    async def test_another_reference_for_a_settled_bill_is_refused(self, rt: Runtime) -> None:
        gas = company(rt)
        await gas.write_off(request("GH-1"))
        with pytest.raises(CompanyError) as caught:
            await gas.write_off(request("GH-2"))
        assert caught.value.outcome == CompanyOutcome.ALREADY_SETTLED
        assert not caught.value.retryable

    @pytest.mark.asyncio
    async def test_a_wrong_amount_or_bill_settles_nothing(self, rt: Runtime) -> None:
        gas = company(rt)
        with pytest.raises(CompanyError) as wrong_amount:
            await gas.write_off(request("GH-1", amount_fen=1))
        assert wrong_amount.value.outcome == CompanyOutcome.AMOUNT_MISMATCH
        with pytest.raises(CompanyError) as wrong_bill:
            await gas.write_off(request("GH-2", "SG0030001-209901", amount_fen=1))
        assert wrong_bill.value.outcome == CompanyOutcome.NO_BILL
        assert len((await gas.arrears("SG0030001")).bills) == 2

    @pytest.mark.asyncio
    async def test_unknown_account(self, rt: Runtime) -> None:
        with pytest.raises(CompanyError) as caught:
            await company(rt).arrears("SG0000000")
        assert caught.value.outcome == CompanyOutcome.NO_ACCOUNT
