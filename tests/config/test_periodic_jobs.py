"""Periodic jobs really run: in the embedded default inside the app's own loop, on PostgreSQL +
Redis through `govhub scheduler` sending to `govhub worker` — the same loop either way. An
abandoned order is closed after its expiry and its bills can be paid again; a message waiting
in the outbox is sent by the sweep."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from fastapi import FastAPI

from config import scheduler
from gateway.schemas import Channel
from notify.events import emit
from notify.models import Notification, NotificationStatus
from notify.settings import reload_notify_settings
from payments.models import PaymentOrder
from payments.service import utcnow
from payments.states import OrderState
from services.bills.models import BillPayment, BillState, UtilityBill
from services.catalog.seed import seed_catalog
from services.consultations.models import Case, CaseEvent, CaseState
from services.queue import events as queue_events
from services.queue.models import Ticket
from tests.bills.conftest import invoke
from tests.conftest import BACKEND
from tests.consultations.conftest import as_resident, ok, resident
from tests.consultations.test_consultations import QUESTION, answered
from tests.notify.helpers import FakeClock, make_resident
from tests.notify.test_relays import ticket_for

GAS = {"kind": "gas", "account_no": "SG0030001"}
LOOK = 0.2  # seconds between the scheduler's looks


@asynccontextmanager
async def periodic_jobs_running() -> AsyncIterator[None]:
    """The scheduler as the backend runs it: in process when embedded, else its own process
    beside a worker, both reading this run's database and Redis."""
    if BACKEND != "services":
        async with scheduler.in_process(LOOK):
            yield
        return
    env = {**os.environ, "GOVHUB_SCHEDULER_INTERVAL_SECONDS": str(LOOK)}
    govhub = [sys.executable, "-m", "gateway.cli"]
    processes = [
        subprocess.Popen([*govhub, "worker", "--concurrency", "2"], env=env),
        subprocess.Popen([*govhub, "scheduler"], env=env),
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 90) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "the periodic job never ran"
        await asyncio.sleep(0.1)


@pytest.mark.asyncio
async def test_an_abandoned_order_is_closed_and_its_bills_can_be_paid_again(
    app: FastAPI, db: None
) -> None:
    started = await invoke(app, "bills", "pay", GAS, citizen_id=7)
    assert started.ok, started.message
    out_trade_no = started.data["payment"]["out_trade_no"]
    other = await invoke(app, "bills", "pay", GAS, citizen_id=8)
    assert other.code == "BILL_PAYING"
    # The resident walks away; the order's time runs out.
    await PaymentOrder.filter(out_trade_no=out_trade_no).update(
        expires_at=utcnow() - timedelta(seconds=1)
    )
    await BillPayment.filter(out_trade_no=out_trade_no).update(
        created_at=utcnow() - timedelta(minutes=16)
    )

    async def released() -> bool:
        order = await PaymentOrder.get(out_trade_no=out_trade_no)
        bills = await UtilityBill.filter(account_no=GAS["account_no"])
        return order.state == OrderState.CLOSED and all(b.state == BillState.UNPAID for b in bills)

    async with periodic_jobs_running():
        await eventually(released)
    again = await invoke(app, "bills", "pay", GAS, citizen_id=8)
    assert again.ok, again.message


@pytest.mark.asyncio
async def test_a_waiting_message_is_sent_by_the_sweep(
    app: FastAPI, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = await make_resident()
    night = utcnow().replace(hour=16, minute=0)  # 00:00 in Shanghai: inside the quiet hours
    emitted = await emit(
        "payment_succeeded",
        citizen,
        {"item": "不动产登记费", "amount_fen": 8000, "order_no": "P-SWEEP"},
        channel=Channel.WEB,
        dedupe_key="sweep-test",
        now=night,
    )
    row = await Notification.get(id=emitted.notification_id)
    assert row.status == NotificationStatus.QUEUED  # held for the morning, no job queued
    await Notification.filter(id=row.id).update(next_attempt_at=utcnow() - timedelta(seconds=1))
    monkeypatch.setenv("GOVHUB_NOTIFY_QUIET_HOURS", "")  # morning has come, whatever the hour
    reload_notify_settings()

    async def sent() -> bool:
        found = await Notification.get(id=row.id)
        return found.status == NotificationStatus.SENT

    try:
        async with periodic_jobs_running():
            await eventually(sent)
    finally:
        monkeypatch.undo()
        reload_notify_settings()


@pytest.mark.asyncio
async def test_an_answered_case_closes_by_itself_once_its_reopen_window_has_passed(
    app: FastAPI, db: None
) -> None:
    await seed_catalog(lambda _: None)
    citizen = await resident()
    case = ok(await as_resident(app, "submit", QUESTION, citizen))
    await answered(app, case["case_no"])
    # The resident neither reopens nor confirms; the fifteen days pass.
    await Case.filter(case_no=case["case_no"]).update(answered_at=utcnow() - timedelta(days=16))

    async def closed() -> bool:
        found = await Case.get(case_no=case["case_no"])
        return found.state == CaseState.CLOSED

    async with periodic_jobs_running():
        await eventually(closed)
    assert await CaseEvent.filter(move="auto_close", actor_type="system").count() == 1


class TestDue:
    def test_a_cron_runs_once_in_its_minute_and_every_minute_sweeps_at_every_fast_look(
        self,
    ) -> None:
        nightly = scheduler.PeriodicJob("x", "40 3 * * *")
        sweep = scheduler.PeriodicJob("y", "* * * * *")
        at = utcnow().replace(hour=3, minute=40, second=5, microsecond=0)
        assert scheduler.due(nightly, at, None, fast=True)
        assert not scheduler.due(nightly, at + timedelta(seconds=20), at, fast=True)
        assert not scheduler.due(nightly, at + timedelta(minutes=1), at, fast=True)
        assert scheduler.due(sweep, at, at, fast=True)
        assert not scheduler.due(sweep, at + timedelta(seconds=20), at, fast=False)
        assert scheduler.due(sweep, at + timedelta(minutes=1), at, fast=False)


@pytest.mark.asyncio
async def test_govhub_notify_sweep_relays_queue_events_and_exits_cleanly(
    app: FastAPI, db: None
) -> None:
    """The command once crashed with `Connection closed`: relaying queue events starts send
    jobs in process, which were still running when it closed the runtime, and their messages
    stayed queued."""
    citizen = await make_resident([(Channel.WEB, "govhub-web", "13800138123")])
    ticket = await ticket_for(citizen, FakeClock())
    await Ticket.filter(id=ticket.id).update(channel=Channel.WEB.value)
    ticket.channel = Channel.WEB.value
    for _ in range(3):
        await queue_events.emit(
            queue_events.QueueEventKind.CALLED, ticket, window_name="3号窗口", recall=True
        )
    env = {**os.environ, "GOVHUB_NOTIFY_QUIET_HOURS": ""}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "notify", "sweep"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Connection closed" not in done.stderr
    statuses = [row.status for row in await Notification.all()]
    assert statuses
    assert set(statuses) == {NotificationStatus.SENT}
