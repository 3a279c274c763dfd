"""Staff find the order to refund: payment orders newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI

from gateway.paging import BEIJING
from payments.states import Purpose
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
