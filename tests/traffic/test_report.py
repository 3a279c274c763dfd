"""Paid fines are reported to the traffic police (the sandbox source), idempotently by the order's
out_trade_no, retried with backoff while the source is unavailable and flagged for staff when it
refuses for good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from config.runtime import Runtime
from notify.models import Notification
from payments.providers.sandbox import SandboxProvider
from payments.service import utcnow
from services.payable import next_attempt_delay
from services.traffic.models import FinePayment, FineReport, FineState, ReportState
from services.traffic.providers.base import (
    FineSettlement,
    Refusal,
    SettlementRefused,
    SourceUnavailable,
)
from services.traffic.providers.sandbox import SandboxTrafficPolice
from services.traffic.service import TrafficService, traffic
from tests.as_staff import invoke_as_staff as staff_call
from tests.bills.conftest import fulfil, invoke

pytestmark = pytest.mark.usefixtures("db")

CAR = {"plate": "粤B12345", "vin_last6": "184512"}
RED_LIGHT = "440305100001234"  # 200 yuan, long overdue: 400 yuan with the surcharge
PARKING = "440304100005678"  # 150 yuan
FLAKY_CAR = {"plate": "京A88888", "vin_last6": "047788"}  # the source is down twice per report
WRONG_LANE = "110105100004321"  # 100 yuan


def at(moment: datetime) -> TrafficService:
    return TrafficService(clock=lambda: moment)


def settlement(
    reference: str,
    decision_no: str = RED_LIGHT,
    plate: str = "粤B12345",
    fine_fen: int = 20000,
    surcharge_fen: int = 20000,
    amount_fen: int | None = None,
) -> FineSettlement:
    total = fine_fen + surcharge_fen if amount_fen is None else amount_fen
    paid_at = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
    return FineSettlement(decision_no, plate, total, fine_fen, surcharge_fen, reference, paid_at)


async def pay_fine(app: FastAPI, client: httpx.AsyncClient, car: dict[str, str], no: str) -> str:
    """Pays the decision at the sandbox cashier and runs the fulfilment; the order's number."""
    started = await invoke(app, "traffic", "pay", {**car, "decision_no": no})
    assert started.ok, started
    out_trade_no: str = started.data["payment"]["out_trade_no"]
    paid = await client.post(f"/sandbox/cashier/{out_trade_no}/pay")
    assert paid.status_code == 303
    await fulfil()
    return out_trade_no


async def report_of(out_trade_no: str) -> FineReport:
    return await FineReport.get(reference=out_trade_no)


def state_of(vehicle: Any, decision_no: str) -> str:
    row = next(v for v in vehicle.data["violations"] if v["decision_no"] == decision_no)
    return str(row["state"])


class TestBackoff:
    def test_doubles_from_the_base_up_to_the_cap(self) -> None:
        waits = [next_attempt_delay(n, 30, 3600) for n in range(1, 10)]
        assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]

    def test_a_long_outage_stays_at_the_cap(self) -> None:
        assert next_attempt_delay(10_000, 30, 3600) == 3600


class TestSandboxSource:
    @pytest.mark.asyncio
    async def test_the_same_reference_settles_once_and_answers_the_same(self, rt: Runtime) -> None:
        police = SandboxTrafficPolice(rt.store)
        first = await police.report_payment(settlement("GH-1"))
        again = await police.report_payment(settlement("GH-1"))
        assert first == again
        recorded = await police.settlement(RED_LIGHT)
        assert recorded is not None
        assert recorded["reference"] == "GH-1"
        assert recorded["confirmation_no"] == first.confirmation_no
        vehicle = await police.vehicle("粤B12345", "184512")
        assert vehicle is not None
        assert {v.decision_no: v.paid for v in vehicle.violations} == {
            RED_LIGHT: True,
            PARKING: False,
            None: False,
        }

    @pytest.mark.asyncio
    async def test_another_reference_for_a_settled_decision_is_refused(self, rt: Runtime) -> None:
        police = SandboxTrafficPolice(rt.store)
        await police.report_payment(settlement("GH-1"))
        with pytest.raises(SettlementRefused) as caught:
            await police.report_payment(settlement("GH-2"))
        assert caught.value.reason == Refusal.ALREADY_SETTLED
        assert not caught.value.retryable

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        ("wrong", "reason"),
        [
            ({"amount_fen": 39999}, Refusal.AMOUNT_MISMATCH),
            ({"fine_fen": 10000, "surcharge_fen": 0}, Refusal.AMOUNT_MISMATCH),
            ({"surcharge_fen": 20001}, Refusal.AMOUNT_MISMATCH),
            ({"decision_no": "440300999999999"}, Refusal.NO_DECISION),
            ({"plate": "京A88888"}, Refusal.NO_DECISION),
        ],
    )
    async def test_a_report_it_cannot_match_settles_nothing(
        self, rt: Runtime, wrong: dict[str, Any], reason: Refusal
    ) -> None:
        police = SandboxTrafficPolice(rt.store)
        with pytest.raises(SettlementRefused) as caught:
            await police.report_payment(settlement("GH-1", **wrong))
        assert caught.value.reason == reason
        assert not caught.value.retryable
        assert await police.settlement(RED_LIGHT) is None

    @pytest.mark.asyncio
    async def test_an_unavailable_source_is_worth_asking_again(self, rt: Runtime) -> None:
        police = SandboxTrafficPolice(rt.store)
        flaky = settlement("GH-1", WRONG_LANE, "京A88888", 10000, 10000)
        for _ in range(2):
            with pytest.raises(SourceUnavailable) as caught:
                await police.report_payment(flaky)
            assert caught.value.retryable
        assert await police.report_payment(flaky) == await police.report_payment(flaky)


class TestReportAfterPayment:
    @pytest.mark.asyncio
    async def test_a_paid_fine_is_confirmed_at_the_source_with_the_order_number(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider, rt: Runtime
    ) -> None:
        out_trade_no = await pay_fine(app, client, CAR, RED_LIGHT)
        await traffic.report_due()  # the queued job, when the broker is Redis and nobody runs it

        report = await report_of(out_trade_no)
        assert report.state == ReportState.CONFIRMED
        assert report.attempts == 1
        assert report.confirmation_no
        assert report.reported_at is not None
        assert not report.needs_attention
        recorded = await SandboxTrafficPolice(rt.store).settlement(RED_LIGHT)
        assert recorded is not None
        assert recorded["reference"] == out_trade_no
        assert recorded["amount_fen"] == 40000
        assert recorded["confirmation_no"] == report.confirmation_no

        mine = (await invoke(app, "traffic", "my-payments", {})).data["items"]
        assert mine[0]["reported"] is True
        assert mine[0]["confirmation_no"] == report.confirmation_no
        # The payment's own message is the only one: confirming tells the resident nothing new.
        assert await Notification.filter(citizen_id=7).count() == 1
        assert state_of(await invoke(app, "traffic", "query", CAR), RED_LIGHT) == "paid"

    @pytest.mark.asyncio
    async def test_reporting_the_same_reference_again_settles_once(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider, rt: Runtime
    ) -> None:
        out_trade_no = await pay_fine(app, client, CAR, RED_LIGHT)
        await traffic.report_due()
        report = await report_of(out_trade_no)
        assert await traffic.report(report.id) is False  # confirmed: nothing more to do
        assert await at(utcnow() + timedelta(days=1)).report_due() == 0

        police = SandboxTrafficPolice(rt.store)
        repeated = settlement(out_trade_no)  # as an attempt whose answer got lost would send
        assert (await police.report_payment(repeated)).confirmation_no == report.confirmation_no
        recorded = await police.settlement(RED_LIGHT)
        assert recorded is not None
        assert recorded["reference"] == out_trade_no
        assert (await report_of(out_trade_no)).attempts == 1

    @pytest.mark.asyncio
    async def test_an_unavailable_source_is_retried_with_backoff_until_it_confirms(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider, rt: Runtime
    ) -> None:
        out_trade_no = await pay_fine(app, client, FLAKY_CAR, WRONG_LANE)
        moment = utcnow()
        # In-process the queued job has just failed once; with Redis the sweep makes that try.
        assert await at(moment).report_due() == 0
        report = await report_of(out_trade_no)
        assert (report.state, report.attempts) == (ReportState.PENDING, 1)
        assert report.last_error is not None
        assert "SourceUnavailable" in report.last_error
        assert not report.needs_attention
        first_retry = report.next_attempt_at
        assert first_retry is not None
        assert timedelta(seconds=25) < first_retry - moment <= timedelta(seconds=30)

        assert await at(first_retry - timedelta(seconds=1)).report_due() == 0
        assert (await report_of(out_trade_no)).attempts == 1  # not due yet: not tried
        assert await at(first_retry).report_due() == 0  # unavailable again
        report = await report_of(out_trade_no)
        assert report.attempts == 2
        second_retry = report.next_attempt_at
        assert second_retry is not None
        assert second_retry - first_retry == timedelta(seconds=60)  # doubled

        assert await at(second_retry - timedelta(seconds=1)).report_due() == 0
        assert await at(second_retry).report_due() == 1
        report = await report_of(out_trade_no)
        assert report.state == ReportState.CONFIRMED
        assert report.attempts == 3
        assert report.next_attempt_at is None
        assert report.last_error is None
        assert report.reported_at == second_retry

        assert await at(second_retry + timedelta(hours=1)).report_due() == 0
        assert (await report_of(out_trade_no)).attempts == 3
        recorded = await SandboxTrafficPolice(rt.store).settlement(WRONG_LANE)
        assert recorded is not None
        assert recorded["reference"] == out_trade_no
        assert recorded["confirmation_no"] == report.confirmation_no

    @pytest.mark.asyncio
    async def test_a_refusal_is_flagged_for_staff_and_never_retried(
        self, app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider, rt: Runtime
    ) -> None:
        started = await invoke(app, "traffic", "pay", {**CAR, "decision_no": RED_LIGHT})
        assert started.ok, started
        out_trade_no = started.data["payment"]["out_trade_no"]
        # Meanwhile the fine is paid at a bank counter: the source settles it under its reference.
        await SandboxTrafficPolice(rt.store).report_payment(settlement("BANK-0001"))
        paid = await client.post(f"/sandbox/cashier/{out_trade_no}/pay")
        assert paid.status_code == 303
        await fulfil()
        await traffic.report_due()

        report = await report_of(out_trade_no)
        assert report.state == ReportState.PENDING
        assert report.attempts == 1
        assert report.needs_attention
        assert report.next_attempt_at is None
        assert report.last_error is not None
        assert "already_settled" in report.last_error
        assert await at(utcnow() + timedelta(days=30)).report_due() == 0
        assert (await report_of(out_trade_no)).attempts == 1

        mine = (await invoke(app, "traffic", "my-payments", {})).data["items"]
        assert (mine[0]["reported"], mine[0]["confirmation_no"]) == (False, None)
        stuck = await invoke_as_staff(app, "stuck-reports", frozenset({"traffic.reports"}))
        assert stuck.ok, stuck
        assert [(r["reference"], r["decision_no"]) for r in stuck.data["items"]] == [
            (out_trade_no, RED_LIGHT)
        ]
        assert stuck.data["next_cursor"] is None
        refused = await invoke_as_staff(app, "stuck-reports", frozenset({"traffic.other"}))
        assert refused.status == 403

        staff = frozenset({"traffic.reports"})
        retried = await invoke_as_staff(app, "retry-report", staff, {"report_id": report.id})
        assert retried.ok, retried
        assert retried.data["attempts"] == 2  # tried at once, whatever the backoff
        assert retried.data["needs_attention"]  # the source still refuses: still for staff
        missing = await invoke_as_staff(app, "retry-report", staff, {"report_id": 10**9})
        assert missing.code == "FINE_REPORT_NOT_FOUND"


class TestStuckReports:
    @pytest.mark.asyncio
    async def test_pages_through_the_flagged_reports_oldest_first(self, app: FastAPI) -> None:
        flagged = []
        for n in range(4):
            payment = await FinePayment.create(
                citizen_id=7,
                channel="app",
                decision_no=f"44030510000{n}",
                plate="粤B12345",
                violation_code="1625",
                fine_fen=20000,
                overdue_days=0,
                surcharge_fen=0,
                amount_fen=20000,
                state=FineState.PAID,
            )
            report = await FineReport.create(
                payment=payment, reference=f"GH-{n}", needs_attention=n != 1, last_error="refused"
            )
            if n != 1:  # the second is not flagged: not listed
                flagged.append(report.id)
        staff = frozenset({"traffic.reports"})
        first = await invoke_as_staff(app, "stuck-reports", staff, {"limit": 2})
        assert len(first.data["items"]) == 2
        assert first.data["next_cursor"] is not None
        params = {"limit": 2, "cursor": first.data["next_cursor"]}
        rest = await invoke_as_staff(app, "stuck-reports", staff, params)
        assert rest.data["next_cursor"] is None
        assert [r["id"] for r in first.data["items"] + rest.data["items"]] == flagged

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, app: FastAPI) -> None:
        staff = frozenset({"traffic.reports"})
        result = await invoke_as_staff(app, "stuck-reports", staff, {"cursor": "bad!"})
        assert (result.code, result.status) == ("CURSOR_INVALID", 400)


class TestPaidAtTheSource:
    @pytest.mark.asyncio
    async def test_a_fine_the_source_counts_as_paid_shows_paid(
        self, app: FastAPI, rt: Runtime
    ) -> None:
        paid_elsewhere = settlement("BANK-0002", PARKING, fine_fen=15000, surcharge_fen=0)
        await SandboxTrafficPolice(rt.store).report_payment(paid_elsewhere)
        vehicle = await invoke(app, "traffic", "query", CAR)
        row = next(v for v in vehicle.data["violations"] if v["decision_no"] == PARKING)
        assert (row["state"], row["payable"]) == ("paid", False)
        assert state_of(vehicle, RED_LIGHT) == "unpaid"
        again = await invoke(app, "traffic", "pay", {**CAR, "decision_no": PARKING})
        assert again.code == "TRAFFIC_FINE_PAID"


async def invoke_as_staff(
    app: FastAPI, action: str, permissions: frozenset[str], params: dict[str, Any] | None = None
) -> Any:
    return await staff_call(app, "traffic", action, params or {}, permissions)
