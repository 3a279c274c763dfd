"""Looking up violations by plate and VIN tail, and paying a fine end to end at the sandbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel, ServiceRequest
from notify.models import Notification
from payments.models import PaymentOrder
from payments.providers.sandbox import SandboxProvider
from payments.service import service as payments
from payments.service import utcnow
from payments.states import OrderState, Purpose
from services.traffic.models import FinePayment, FineState
from services.traffic.schemas import FinePayParams, VehicleParams
from services.traffic.service import TrafficService
from tests.bills.conftest import fulfil, invoke

pytestmark = pytest.mark.usefixtures("db")

CAR = {"plate": "粤B12345", "vin_last6": "184512"}
RED_LIGHT = "440305100001234"  # 200 yuan, decided 2025-03-10
# Noon in Beijing, `days` after the red-light decision.
DECIDED = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)


def on_day(days: int) -> TrafficService:
    moment = DECIDED + timedelta(days=days)
    return TrafficService(clock=lambda: moment)


def as_resident(citizen_id: int = 7) -> ServiceRequest:
    principal = CitizenPrincipal(citizen_id, IdentityLevel.LOGGED_IN, "s", Channel.WECHAT_MP)
    return ServiceRequest(
        "traffic", "pay", {}, channel=Channel.WECHAT_MP, principal=principal, client_ip="10.0.0.1"
    )


def red_light(result: Any) -> dict[str, Any]:
    rows = result.data["violations"] if hasattr(result, "data") else result
    found: dict[str, Any] = next(v for v in rows if v["decision_no"] == RED_LIGHT)
    return found


async def fine_payment(citizen_id: int, decision_no: str) -> FinePayment:
    return await FinePayment.create(
        citizen_id=citizen_id,
        channel="app",
        decision_no=decision_no,
        plate="粤B12345",
        violation_code="1625",
        fine_fen=20000,
        overdue_days=0,
        surcharge_fen=0,
        amount_fen=20000,
        state=FineState.RELEASED,
    )


class TestMyPayments:
    @pytest.mark.asyncio
    async def test_pages_through_my_payments_newest_first(self, app: FastAPI) -> None:
        mine = [await fine_payment(7, f"44030510000{n}") for n in range(3)]
        await fine_payment(8, "440305100009")  # someone else's
        first = await invoke(app, "traffic", "my-payments", {"limit": 2})
        assert len(first.data["items"]) == 2
        assert first.data["next_cursor"] is not None
        params = {"limit": 2, "cursor": first.data["next_cursor"]}
        rest = await invoke(app, "traffic", "my-payments", params)
        assert rest.data["next_cursor"] is None
        seen = [p["id"] for p in first.data["items"] + rest.data["items"]]
        assert seen == [p.id for p in reversed(mine)]

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, app: FastAPI) -> None:
        result = await invoke(app, "traffic", "my-payments", {"cursor": "bad!"})
        assert (result.code, result.status) == ("CURSOR_INVALID", 400)


class TestQuery:
    @pytest.mark.asyncio
    async def test_plate_and_vin_tail_show_the_violations(self, app: FastAPI) -> None:
        result = await invoke(
            app, "traffic", "query", {"plate": "粤b 12345", "vin_last6": "184512"}
        )
        assert result.ok, result
        assert result.data["plate"] == "粤B12345"
        states = {v["record_id"]: v["state"] for v in result.data["violations"]}
        assert states == {
            "V440300001": "unpaid",
            "V440300002": "unpaid",
            "V440300003": "unprocessed",
        }

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "params",
        [
            {"plate": "粤B12345", "vin_last6": "184513"},  # wrong VIN
            {"plate": "粤B99999", "vin_last6": "184512"},  # unknown plate
            {"plate": "京A88888", "vin_last6": "184512"},  # another car's VIN
        ],
    )
    async def test_a_wrong_vin_tells_nothing(self, app: FastAPI, params: dict[str, str]) -> None:
        result = await invoke(app, "traffic", "query", params)
        assert result.code == "TRAFFIC_VEHICLE_NOT_FOUND"
        assert result.status == 404
        assert result.data is None
        assert "粤B12345" not in result.message

    @pytest.mark.asyncio
    async def test_the_same_refusal_for_paying(self, app: FastAPI) -> None:
        params = {"plate": "粤B12345", "vin_last6": "000000", "decision_no": RED_LIGHT}
        result = await invoke(app, "traffic", "pay", params)
        assert result.code == "TRAFFIC_VEHICLE_NOT_FOUND"
        assert await PaymentOrder.all().count() == 0

    @pytest.mark.asyncio
    async def test_guessing_is_rate_limited(self, app: FastAPI) -> None:
        guesses = [f"{n:06d}" for n in range(11)]
        codes = [
            (await invoke(app, "traffic", "query", {**CAR, "vin_last6": g})).code for g in guesses
        ]
        assert codes == ["TRAFFIC_VEHICLE_NOT_FOUND"] * 10 + ["RATE_LIMITED"]

    @pytest.mark.asyncio
    async def test_signing_in_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/services/traffic/query", json=CAR)
        assert response.status_code == 401


class TestSurchargeAtQueryAndOrderTime:
    @pytest.mark.asyncio
    @pytest.mark.parametrize(("day", "surcharge"), [(15, 0), (16, 600), (49, 20000), (300, 20000)])
    async def test_the_query_prices_the_day(self, day: int, surcharge: int) -> None:
        vehicle = await on_day(day).query(VehicleParams(**CAR))
        row = red_light([v.model_dump(mode="json") for v in vehicle.violations])
        assert row["surcharge_fen"] == surcharge
        assert row["total_fen"] == 20000 + surcharge

    @pytest.mark.asyncio
    async def test_the_order_keeps_the_amount_of_its_day(
        self, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        params = FinePayParams(**CAR, decision_no=RED_LIGHT)
        started = await on_day(16).pay(as_resident(), params)
        assert (started.fine_fen, started.surcharge_fen, started.amount_fen) == (20000, 600, 20600)
        later = await on_day(20).query(VehicleParams(**CAR))
        row = red_light([v.model_dump(mode="json") for v in later.violations])
        assert row["state"] == "paying"
        assert row["surcharge_fen"] == 3000
        await client.post(f"/sandbox/cashier/{started.payment.out_trade_no}/pay")
        order = await PaymentOrder.get(out_trade_no=started.payment.out_trade_no)
        assert order.amount_fen == 20600
        assert order.state == OrderState.PAID


class TestPayEndToEnd:
    @pytest.mark.asyncio
    async def test_pay_at_the_cashier_settles_the_fine_and_tells_the_resident(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider
    ) -> None:
        result = await invoke(app, "traffic", "pay", {**CAR, "decision_no": RED_LIGHT})
        assert result.ok, result
        out_trade_no = result.data["payment"]["out_trade_no"]
        assert result.data["amount_fen"] == 40000  # long overdue: the surcharge equals the fine
        paid = await client.post(f"/sandbox/cashier/{out_trade_no}/pay")
        assert paid.status_code == 303
        await fulfil()

        payment = await FinePayment.get(out_trade_no=out_trade_no)
        assert payment.state == FineState.PAID
        message = await Notification.get(event="payment_succeeded", citizen_id=7)
        assert message.params["order_no"] == out_trade_no
        assert message.params["amount_fen"] == 40000

        after = await invoke(app, "traffic", "query", CAR)
        assert red_light(after)["state"] == "paid"
        again = await invoke(app, "traffic", "pay", {**CAR, "decision_no": RED_LIGHT})
        assert again.code == "TRAFFIC_FINE_PAID"

        mine = await invoke(app, "traffic", "my-payments", {})
        assert [p["out_trade_no"] for p in mine.data["items"]] == [out_trade_no]
        assert mine.data["items"][0]["state"] == "paid"
        assert mine.data["next_cursor"] is None
        nothing = await invoke(app, "traffic", "my-payments", {}, 8)
        assert nothing.data == {"items": [], "next_cursor": None}

    @pytest.mark.asyncio
    async def test_an_unprocessed_violation_cannot_be_paid(self, app: FastAPI) -> None:
        vehicle = await invoke(app, "traffic", "query", CAR)
        assert not any(v["payable"] for v in vehicle.data["violations"] if not v["decision_no"])
        missing = await invoke(app, "traffic", "pay", {**CAR, "decision_no": "440300999999999"})
        assert missing.code == "TRAFFIC_VIOLATION_NOT_FOUND"


class TestOneDecisionOneOrder:
    @pytest.mark.asyncio
    async def test_concurrent_payments_make_one_order(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        params = {**CAR, "decision_no": RED_LIGHT}
        results = await asyncio.gather(
            *(invoke(app, "traffic", "pay", params, c) for c in (7, 8, 9))
        )
        assert sorted(r.code for r in results) == [
            "OK",
            "TRAFFIC_FINE_PAYING",
            "TRAFFIC_FINE_PAYING",
        ]
        assert await PaymentOrder.filter(purpose=Purpose.FINE).count() == 1

    @pytest.mark.asyncio
    async def test_an_expired_order_frees_the_decision(
        self, app: FastAPI, cashier: SandboxProvider
    ) -> None:
        params = {**CAR, "decision_no": RED_LIGHT}
        first = await invoke(app, "traffic", "pay", params, 7)
        mine = await invoke(app, "traffic", "pay", params, 7)
        assert mine.code == "TRAFFIC_FINE_PAYING"
        assert mine.data == {"out_trade_no": first.data["payment"]["out_trade_no"]}
        assert await payments.expire_due(utcnow() + timedelta(minutes=30)) == 1
        moment = utcnow() + timedelta(minutes=31)
        assert await TrafficService(clock=lambda: moment).release_over() == 1
        second = await invoke(app, "traffic", "pay", params, 8)
        assert second.ok, second
        assert second.data["payment"]["out_trade_no"] != first.data["payment"]["out_trade_no"]
