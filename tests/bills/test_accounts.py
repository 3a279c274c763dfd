"""Binding and unbinding account numbers, and querying arrears: each resident sees only theirs."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.bills.conftest import invoke

pytestmark = pytest.mark.usefixtures("db")

WATER = {"kind": "water", "account_no": "SW0010001", "holder_name": "张晓明"}


async def bind(app: FastAPI, citizen_id: int = 7, **params: object) -> dict[str, object]:
    result = await invoke(app, "bills", "bind", {**WATER, **params}, citizen_id)
    assert result.ok, result
    data: dict[str, object] = result.data
    return data


class TestBind:
    @pytest.mark.asyncio
    async def test_binding_keeps_the_masked_holder_and_lists_the_account(
        self, app: FastAPI
    ) -> None:
        account = await bind(app, alias="家里")
        assert account["holder"] == "张*明"
        assert account["company"] == "sandbox-water"
        assert account["alias"] == "家里"
        mine = await invoke(app, "bills", "my-accounts", {})
        assert [a["id"] for a in mine.data["items"]] == [account["id"]]
        assert mine.data["next_cursor"] is None

    @pytest.mark.asyncio
    async def test_binding_needs_proof_that_fits_the_holder(self, app: FastAPI) -> None:
        bare = {"kind": "water", "account_no": "SW0010001"}
        assert (await invoke(app, "bills", "bind", bare)).code == "VALIDATION_FAILED"
        wrong = await invoke(app, "bills", "bind", {**bare, "holder_name": "张三"})
        assert wrong.code == "BILL_HOLDER_MISMATCH"
        assert wrong.status == 400
        by_phone = await invoke(app, "bills", "bind", {**bare, "phone_last4": "8000"})
        assert by_phone.ok, by_phone

    @pytest.mark.asyncio
    async def test_guessing_the_holder_is_stopped_after_five_tries(self, app: FastAPI) -> None:
        guess = {"kind": "gas", "account_no": "SG0030002", "phone_last4": "1111"}
        codes = [(await invoke(app, "bills", "bind", guess, 9)).code for _ in range(6)]
        assert codes == ["BILL_HOLDER_MISMATCH"] * 5 + ["BILL_PROOF_LOCKED"]
        right = {**guess, "phone_last4": "8005"}
        assert (await invoke(app, "bills", "bind", right, 9)).code == "BILL_PROOF_LOCKED"
        assert (await invoke(app, "bills", "bind", right, 10)).ok  # another resident is not locked

    @pytest.mark.asyncio
    async def test_binding_twice_is_refused(self, app: FastAPI) -> None:
        await bind(app)
        again = await invoke(app, "bills", "bind", WATER)
        assert again.code == "BILL_ACCOUNT_ALREADY_BOUND"
        assert again.status == 409

    @pytest.mark.asyncio
    async def test_unknown_account_number_is_refused(self, app: FastAPI) -> None:
        unknown = {"kind": "gas", "account_no": "SG9999999", "phone_last4": "0000"}
        result = await invoke(app, "bills", "bind", unknown)
        assert result.code == "BILL_ACCOUNT_NOT_FOUND"
        assert result.status == 404
        assert (await invoke(app, "bills", "my-accounts", {})).data["items"] == []

    @pytest.mark.asyncio
    async def test_signing_in_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/services/bills/bind", json=WATER)
        assert response.status_code == 401


class TestMyAccounts:
    @pytest.mark.asyncio
    async def test_pages_through_my_accounts_in_the_order_bound(self, app: FastAPI) -> None:
        bound = [
            await bind(app, kind=kind, account_no=account_no)
            for kind, account_no in (
                ("water", "SW0010001"),
                ("electricity", "SE0020001"),
                ("gas", "SG0030001"),
            )
        ]
        await bind(app, citizen_id=8)  # someone else's
        first = await invoke(app, "bills", "my-accounts", {"limit": 2})
        assert len(first.data["items"]) == 2
        assert first.data["next_cursor"] is not None
        params = {"limit": 2, "cursor": first.data["next_cursor"]}
        rest = await invoke(app, "bills", "my-accounts", params)
        assert rest.data["next_cursor"] is None
        seen = [a["id"] for a in first.data["items"] + rest.data["items"]]
        assert seen == [a["id"] for a in bound]

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, app: FastAPI) -> None:
        for cursor in ("bad!", "eyJhZnRlcl9pZCI6IngifQ"):  # the second: {"after_id":"x"}
            result = await invoke(app, "bills", "my-accounts", {"cursor": cursor})
            assert (result.code, result.status) == ("CURSOR_INVALID", 400)


class TestUnbind:
    @pytest.mark.asyncio
    async def test_owner_unbinds(self, app: FastAPI) -> None:
        account = await bind(app)
        result = await invoke(app, "bills", "unbind", {"account_id": account["id"]})
        assert result.ok, result
        assert (await invoke(app, "bills", "my-accounts", {})).data["items"] == []

    @pytest.mark.asyncio
    async def test_another_resident_cannot_unbind_or_see_it(self, app: FastAPI) -> None:
        account = await bind(app, citizen_id=7)
        result = await invoke(app, "bills", "unbind", {"account_id": account["id"]}, 8)
        assert result.code == "BILL_ACCOUNT_NOT_FOUND"
        assert (await invoke(app, "bills", "my-accounts", {}, 8)).data["items"] == []
        assert len((await invoke(app, "bills", "my-accounts", {}, 7)).data["items"]) == 1

    @pytest.mark.asyncio
    async def test_two_residents_bind_the_same_household_separately(self, app: FastAPI) -> None:
        first = await bind(app, citizen_id=7)
        second = await bind(app, citizen_id=8)
        assert first["id"] != second["id"]
        await invoke(app, "bills", "unbind", {"account_id": first["id"]}, 7)
        assert len((await invoke(app, "bills", "my-accounts", {}, 8)).data["items"]) == 1


class TestArrears:
    @pytest.mark.asyncio
    async def test_by_bound_account(self, app: FastAPI) -> None:
        account = await bind(app)
        result = await invoke(app, "bills", "arrears", {"account_id": account["id"]})
        assert result.ok, result
        assert [b["period"] for b in result.data["bills"]] == ["2025-01", "2025-02", "2025-03"]
        assert {b["state"] for b in result.data["bills"]} == {"unpaid"}
        assert result.data["payable_fen"] == 4230 + 3980 + 5120
        assert result.data["holder"] == "张*明"

    @pytest.mark.asyncio
    async def test_by_account_number_directly(self, app: FastAPI) -> None:
        result = await invoke(
            app, "bills", "arrears", {"kind": "electricity", "account_no": "SE0020001"}
        )
        assert result.ok, result
        assert result.data["payable_fen"] == 15680 + 21340 + 18760
        assert all(b["overdue"] for b in result.data["bills"])

    @pytest.mark.asyncio
    async def test_an_account_without_arrears(self, app: FastAPI) -> None:
        result = await invoke(app, "bills", "arrears", {"kind": "water", "account_no": "SW0010004"})
        assert result.data["bills"] == []
        assert result.data["payable_fen"] == 0
        pay = await invoke(app, "bills", "pay", {"kind": "water", "account_no": "SW0010004"})
        assert pay.code == "BILL_NOTHING_TO_PAY"

    @pytest.mark.asyncio
    async def test_another_residents_bound_account_is_not_found(self, app: FastAPI) -> None:
        account = await bind(app, citizen_id=7)
        result = await invoke(app, "bills", "arrears", {"account_id": account["id"]}, 8)
        assert result.code == "BILL_ACCOUNT_NOT_FOUND"
        assert result.data is None

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "params",
        [{}, {"kind": "water"}, {"account_id": 1, "kind": "water", "account_no": "SW0010001"}],
    )
    async def test_exactly_one_way_to_name_the_account(
        self, app: FastAPI, params: dict[str, object]
    ) -> None:
        result = await invoke(app, "bills", "arrears", params)
        assert result.code == "VALIDATION_FAILED"
