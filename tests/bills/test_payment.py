"""Paying bills end to end with the sandboxes: order → cashier → signed notification → bills paid
→ write-off retried at the company until it succeeds → one e-receipt; and the bill lock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from notify.models import Notification
from payments.models import PaymentFulfilment, PaymentOrder
from payments.providers.sandbox import SandboxProvider
from payments.service import service as payments
from payments.service import utcnow
from payments.states import OrderState, Purpose
from services.bills.models import BillState, Receipt, UtilityBill, WriteOff, WriteOffState
from services.bills.service import bills
from tests.as_staff import invoke_as_staff
from tests.bills.conftest import fulfil, invoke, later, settle_jobs

FLAKY = {"kind": "water", "account_no": "SW0010003"}  # the company is busy twice per write-off
STEADY = {"kind": "gas", "account_no": "SG0030001"}


async def pay(app: FastAPI, params: dict[str, Any], citizen_id: int = 7) -> dict[str, Any]:
    result = await invoke(app, "bills", "pay", params, citizen_id)
    assert result.ok, result
    data: dict[str, Any] = result.data
    return data


async def pay_at_cashier(client: httpx.AsyncClient, out_trade_no: str) -> None:
    paid = await client.post(f"/sandbox/cashier/{out_trade_no}/pay")
    assert paid.status_code == 303
    assert "204" in (await client.get(paid.headers["location"])).text


async def states(account_no: str) -> list[BillState]:
    rows = await UtilityBill.filter(account_no=account_no).order_by("period")
    return [row.state for row in rows]


class TestPayEndToEnd:
    @pytest.mark.asyncio
    async def test_paid_bills_are_written_off_after_retries_and_receipted_once(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        started = await pay(app, FLAKY)
        assert started["amount_fen"] == 3310 + 3090 + 2960 + 3550
        out_trade_no = started["payment"]["out_trade_no"]
        assert started["payment"]["pay"]["cashier_url"].endswith(out_trade_no)
        assert set(await states("SW0010003")) == {BillState.PAYING}

        await pay_at_cashier(client, out_trade_no)
        await fulfil()
        order = await PaymentOrder.get(out_trade_no=out_trade_no)
        assert order.state == OrderState.PAID
        assert await PaymentFulfilment.filter(order_id_ref=order.id).count() == 1
        entry = await WriteOff.get(reference=out_trade_no)
        assert set(await states("SW0010003")) == {BillState.PAID}

        hours = 0
        while (await WriteOff.get(id=entry.id)).state == WriteOffState.PENDING:
            assert await Receipt.all().count() == 0
            hours += 1
            assert hours < 10, "the write-off never succeeded"
            await later(hours=hours).write_off_due()
        entry = await WriteOff.get(id=entry.id)
        assert entry.attempts == 3  # busy, busy, done
        assert entry.confirmation_no
        assert not entry.needs_attention
        assert set(await states("SW0010003")) == {BillState.WRITTEN_OFF}

        await later(hours=hours + 1).write_off_due()
        assert await bills.write_off(entry.id) is False
        assert await Receipt.all().count() == 1
        receipt = await Receipt.get(payment_id=entry.payment_id)
        assert receipt.amount_fen == started["amount_fen"]
        assert [i["period"] for i in receipt.items] == ["2024-12", "2025-01", "2025-02", "2025-03"]
        message = await Notification.get(event="bill_written_off", citizen_id=7)
        assert message.params["receipt_no"] == receipt.receipt_no

        after = await invoke(app, "bills", "arrears", FLAKY)
        assert after.data["bills"] == []  # the company settled them

    @pytest.mark.asyncio
    async def test_a_steady_company_writes_off_on_the_first_attempt(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        started = await pay(app, {**STEADY, "bill_ids": ["SG0030001-202501"]})
        assert started["amount_fen"] == 6820
        await pay_at_cashier(client, started["payment"]["out_trade_no"])
        await fulfil()
        await bills.write_off_due()
        await settle_jobs()
        assert await WriteOff.filter(state=WriteOffState.DONE, attempts=1).count() == 1
        left = await invoke(app, "bills", "arrears", STEADY)
        assert [b["bill_id"] for b in left.data["bills"]] == ["SG0030001-202502"]


class TestReceipts:
    @staticmethod
    async def paid_receipt(app: FastAPI, client: httpx.AsyncClient) -> dict[str, Any]:
        started = await pay(app, STEADY)
        await pay_at_cashier(client, started["payment"]["out_trade_no"])
        await fulfil()
        await bills.write_off_due()
        result = await invoke(app, "bills", "receipts", {})
        assert len(result.data["items"]) == 1
        receipt: dict[str, Any] = result.data["items"][0]
        return receipt

    @pytest.mark.asyncio
    async def test_the_payer_reads_it_as_json_and_prints_it(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        receipt = await self.paid_receipt(app, client)
        one = await invoke(app, "bills", "receipt", {"receipt_no": receipt["receipt_no"]})
        assert one.data == receipt
        assert receipt["account_no"] != "SG0030001"
        assert receipt["holder"] == "张*明"
        url = urlsplit(receipt["print_url"])
        page = await client.get(f"{url.path}?{url.query}")
        assert page.status_code == 200
        assert receipt["receipt_no"] in page.text
        assert "142.70" in page.text

    @pytest.mark.asyncio
    async def test_pages_through_my_receipts_newest_first(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        for params in (
            {**STEADY, "bill_ids": ["SG0030001-202501"]},
            {**STEADY, "bill_ids": ["SG0030001-202502"]},
            {"kind": "water", "account_no": "SW0010001"},
        ):
            started = await pay(app, params)
            await pay_at_cashier(client, started["payment"]["out_trade_no"])
            await fulfil()
            await bills.write_off_due()
        oldest, middle, newest = await Receipt.filter(citizen_id=7).order_by("id")
        # The oldest issued at the same instant as the middle one, on the next page: by id.
        await Receipt.filter(id=oldest.id).update(issued_at=middle.issued_at)
        first = await invoke(app, "bills", "receipts", {"limit": 2})
        assert len(first.data["items"]) == 2
        assert first.data["next_cursor"] is not None
        params = {"limit": 2, "cursor": first.data["next_cursor"]}
        rest = await invoke(app, "bills", "receipts", params)
        assert rest.data["next_cursor"] is None
        seen = [r["receipt_no"] for r in first.data["items"] + rest.data["items"]]
        assert seen == [r.receipt_no for r in (newest, middle, oldest)]

    @pytest.mark.asyncio
    async def test_another_resident_never_sees_it(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        receipt = await self.paid_receipt(app, client)
        assert (await invoke(app, "bills", "receipts", {}, 8)).data["items"] == []
        other = await invoke(app, "bills", "receipt", {"receipt_no": receipt["receipt_no"]}, 8)
        assert other.code == "BILL_RECEIPT_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_the_page_needs_the_verification_code(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        receipt = await self.paid_receipt(app, client)
        page = await client.get(f"/bills/receipts/{receipt['receipt_no']}", params={"v": "0" * 20})
        assert page.status_code == 404
        assert page.json()["code"] == "BILL_RECEIPT_NOT_FOUND"


class TestOneBillOneOrder:
    @pytest.mark.asyncio
    async def test_concurrent_payments_of_one_bill_make_one_order(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        await invoke(app, "bills", "arrears", STEADY)  # snapshots exist, as after a query
        results = await asyncio.gather(
            *(invoke(app, "bills", "pay", STEADY, citizen_id) for citizen_id in (7, 8, 9, 10))
        )
        assert sorted(r.code for r in results) == ["BILL_PAYING"] * 3 + ["OK"]
        refused = next(r for r in results if not r.ok)
        assert refused.status == 409
        assert await PaymentOrder.filter(purpose=Purpose.UTILITY_BILL).count() == 1

    @pytest.mark.asyncio
    async def test_the_holder_is_pointed_back_to_the_open_order(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        started = await pay(app, STEADY, citizen_id=7)
        mine = await invoke(app, "bills", "pay", STEADY, 7)
        assert mine.code == "BILL_PAYING"
        assert mine.data == {"out_trade_no": started["payment"]["out_trade_no"]}
        theirs = await invoke(app, "bills", "pay", STEADY, 8)
        assert theirs.code == "BILL_PAYING"
        assert theirs.data is None

    @pytest.mark.asyncio
    async def test_other_bills_of_the_account_stay_payable(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        await pay(app, {**STEADY, "bill_ids": ["SG0030001-202501"]}, 7)
        second = await pay(app, STEADY, 8)
        assert second["bill_ids"] == ["SG0030001-202502"]

    @pytest.mark.asyncio
    async def test_a_settled_bill_cannot_be_paid_again(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        one = {**STEADY, "bill_ids": ["SG0030001-202501"]}
        started = await pay(app, one)
        await pay_at_cashier(client, started["payment"]["out_trade_no"])
        await fulfil()
        again = await invoke(app, "bills", "pay", one)
        assert again.code == "BILL_ALREADY_PAID"  # paid here, write-off pending or not
        await bills.write_off_due()
        again = await invoke(app, "bills", "pay", one)
        assert again.code == "BILL_ALREADY_PAID"  # written off: the company lists it no more
        unknown = await invoke(app, "bills", "pay", {**STEADY, "bill_ids": ["SG0030001-209901"]})
        assert unknown.code == "BILL_NOT_FOUND"


class TestStaffRetry:
    @pytest.mark.asyncio
    async def test_staff_see_a_flagged_write_off_and_retry_it_until_the_company_confirms(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        started = await pay(app, FLAKY)
        out_trade_no = started["payment"]["out_trade_no"]
        await pay_at_cashier(client, out_trade_no)
        await fulfil()
        entry = await WriteOff.get(reference=out_trade_no)
        await WriteOff.filter(id=entry.id).update(needs_attention=True, last_error="busy for long")
        staff = frozenset({"bills.write-offs"})
        stuck = await invoke_as_staff(app, "bills", "stuck-write-offs", {}, staff)
        assert [w["reference"] for w in stuck.data["items"]] == [out_trade_no]
        assert stuck.data["items"][0]["account_no"] == FLAKY["account_no"]
        retry = {"write_off_id": entry.id}
        for _ in range(3):  # the company is busy twice, then confirms
            retried = await invoke_as_staff(app, "bills", "retry-write-off", retry, staff)
            assert retried.ok, retried
            if retried.data["state"] == "done":
                break
        assert retried.data["state"] == "done"
        assert retried.data["attempts"] == 3  # busy, busy, done: each try counted
        assert retried.data["confirmation_no"]
        assert not retried.data["needs_attention"]
        assert await Receipt.all().count() == 1
        again = await invoke_as_staff(app, "bills", "retry-write-off", retry, staff)
        assert again.data["state"] == "done"  # nothing twice
        assert await Receipt.all().count() == 1
        nothing = await invoke_as_staff(app, "bills", "stuck-write-offs", {}, staff)
        assert nothing.data["items"] == []
        refused = await invoke_as_staff(app, "bills", "stuck-write-offs", {}, frozenset())
        assert refused.status == 403
        missing = await invoke_as_staff(
            app, "bills", "retry-write-off", {"write_off_id": 10**9}, staff
        )
        assert missing.code == "BILL_WRITE_OFF_NOT_FOUND"


class TestOrderExpiryReleasesTheBills:
    @pytest.mark.asyncio
    async def test_an_expired_order_gives_the_bills_back(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        first = await pay(app, STEADY)
        assert await payments.expire_due(utcnow() + timedelta(minutes=30)) == 1
        order = await PaymentOrder.get(out_trade_no=first["payment"]["out_trade_no"])
        assert order.state == OrderState.CLOSED

        assert await later(minutes=31).release_over() == 1
        assert set(await states("SG0030001")) == {BillState.UNPAID}
        second = await pay(app, STEADY, citizen_id=8)
        assert second["payment"]["out_trade_no"] != first["payment"]["out_trade_no"]

    @pytest.mark.asyncio
    async def test_payments_tells_bills_the_order_closed_so_no_sweep_is_needed(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        await pay(app, STEADY)
        assert await payments.expire_due(utcnow() + timedelta(minutes=30)) == 1
        assert set(await states("SG0030001")) == {BillState.PAYING}
        await fulfil()  # the outbox hands the "closed" event to the bills' fulfiller
        assert set(await states("SG0030001")) == {BillState.UNPAID}
        assert await later(minutes=31).release_over() == 0

    @pytest.mark.asyncio
    async def test_querying_the_account_releases_them_too(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        await pay(app, STEADY)
        await payments.expire_due(utcnow() + timedelta(minutes=30))
        result = await invoke(app, "bills", "arrears", STEADY)
        assert {b["state"] for b in result.data["bills"]} == {"unpaid"}

    @pytest.mark.asyncio
    async def test_an_open_order_keeps_them(self, app: FastAPI, cashier: SandboxProvider) -> None:
        await pay(app, STEADY)
        assert await later(minutes=5).release_over() == 0
        assert set(await states("SG0030001")) == {BillState.PAYING}
