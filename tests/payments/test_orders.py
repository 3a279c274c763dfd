"""Staff find the order to refund: payment orders newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI

from channels.identity.service import identity
from gateway.paging import BEIJING
from gateway.schemas import Channel
from payments.states import Purpose
from services.bills.models import BillPayment
from services.bills.providers.base import UtilityKind
from services.bills.service import payment_reference
from services.traffic.models import FinePayment
from tests.payments.conftest import invoke_as_staff, open_order

REFUNDER = frozenset({"payments.refund"})


@pytest.mark.usefixtures("sandbox")
class TestOrdersPage:
    @pytest.mark.asyncio
    async def test_pages_follow_next_cursor_to_the_end(self, app: FastAPI) -> None:
        opened = [(await open_order(reference=f"bill-{n}")).out_trade_no for n in range(5)]
        seen: list[str] = []
        cursor = None
        for _ in range(3):
            params = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
            result = await invoke_as_staff(app, "orders", params, REFUNDER)
            assert result.code == "OK", result.data
            seen += [order["out_trade_no"] for order in result.data["items"]]
            cursor = result.data["next_cursor"]
            if cursor is None:
                break
        assert seen == opened[::-1]
        assert cursor is None

    @pytest.mark.asyncio
    async def test_filters_and_time_range(self, app: FastAPI) -> None:
        fine = await open_order(purpose=Purpose.FINE, reference="fine-1")
        await open_order(reference="bill-1")
        params = {"purpose": "fine"}
        result = await invoke_as_staff(app, "orders", params, REFUNDER)
        assert [o["out_trade_no"] for o in result.data["items"]] == [fine.out_trade_no]
        later_day = (datetime.now(BEIJING) + timedelta(days=2)).date()
        later = await invoke_as_staff(app, "orders", {"from": later_day.isoformat()}, REFUNDER)
        assert later.data == {"items": [], "next_cursor": None}

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, app: FastAPI) -> None:
        result = await invoke_as_staff(app, "orders", {"cursor": "not a cursor!"}, REFUNDER)
        assert (result.code, result.status) == ("CURSOR_INVALID", 400)

    @pytest.mark.asyncio
    async def test_from_after_to_is_invalid(self, app: FastAPI) -> None:
        params = {"from": "2026-03-02", "to": "2026-03-01"}
        result = await invoke_as_staff(app, "orders", params, REFUNDER)
        assert result.code == "VALIDATION_FAILED"

    @pytest.mark.asyncio
    async def test_only_staff_who_may_refund(self, app: FastAPI) -> None:
        result = await invoke_as_staff(app, "orders", {}, frozenset({"notify.read"}))
        assert result.code == "PERMISSION_DENIED"


@pytest.mark.usefixtures("sandbox")
class TestSearch:
    """Staff find a resident's order by what the resident at the counter knows."""

    @staticmethod
    async def found(app: FastAPI, **params: str) -> list[str]:
        result = await invoke_as_staff(app, "orders", params, REFUNDER)
        assert result.code == "OK", (result.code, result.data)
        return [order["out_trade_no"] for order in result.data["items"]]

    @pytest.mark.asyncio
    async def test_by_order_number(self, app: FastAPI) -> None:
        wanted = await open_order(reference="bill-1")
        await open_order(reference="bill-2")
        assert await self.found(app, out_trade_no=wanted.out_trade_no) == [wanted.out_trade_no]

    @pytest.mark.asyncio
    async def test_by_the_residents_phone(self, app: FastAPI) -> None:
        phone = "13900001111"
        await identity.sign_in_channel_account(Channel.APP, "app", phone, phone=phone)
        citizen_id = await identity.citizen_id_by_phone("139 0000 1111")
        assert citizen_id is not None
        theirs = await open_order(citizen_id=citizen_id, reference="bill-1")
        await open_order(citizen_id=citizen_id + 1, reference="bill-2")
        assert await self.found(app, phone="13900001111") == [theirs.out_trade_no]
        assert await self.found(app, phone="13900002222") == []
        result = await invoke_as_staff(app, "orders", {"phone": "12345"}, REFUNDER)
        assert result.code == "PHONE_INVALID"

    @pytest.mark.asyncio
    async def test_by_utility_account_or_decision_number(self, app: FastAPI) -> None:
        payment = await BillPayment.create(
            citizen_id=7,
            channel="app",
            kind=UtilityKind.WATER,
            company="xm-water",
            account_no="WA-20001",
            holder_masked="张*",
            amount_fen=1234,
        )
        bill = await open_order(reference=payment_reference(payment.id))
        fine = await FinePayment.create(
            citizen_id=7,
            channel="app",
            decision_no="3502001234567890",
            plate="闽D12345",
            violation_code="1039",
            fine_fen=20000,
            overdue_days=0,
            surcharge_fen=0,
            amount_fen=20000,
        )
        fined = await open_order(purpose=Purpose.FINE, reference=f"fine:{fine.id}")
        await open_order(reference="bills:999999")
        assert await self.found(app, account="WA-20001") == [bill.out_trade_no]
        assert await self.found(app, account="3502001234567890") == [fined.out_trade_no]
        assert await self.found(app, account="闽d12345") == [fined.out_trade_no]
        assert await self.found(app, account="NOTHING-HERE") == []
