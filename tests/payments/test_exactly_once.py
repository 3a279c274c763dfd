"""Duplicated and concurrent notifications, and consumers that die: every effect happens once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from config.database import unit_of_work
from payments import outbox
from payments import repository as repo
from payments.errors import ReportRejected
from payments.models import PaymentEvent, PaymentFulfilment, PaymentOrder, PaymentOutbox
from payments.providers.base import PaymentReport
from payments.providers.sandbox import SandboxProvider
from payments.service import Applied, service, utcnow
from payments.states import OrderState, PaymentOutcome
from tests.payments.conftest import fulfil_all, ledger, open_order, settle_jobs

COPIES = 200


async def assert_paid_once(out_trade_no: str) -> None:
    order = await PaymentOrder.get(out_trade_no=out_trade_no)
    assert order.state == OrderState.PAID
    assert await PaymentEvent.filter(order_id=order.id, kind="paid").count() == 1
    assert await PaymentOutbox.filter(order_id=order.id).count() == 1
    await fulfil_all()
    assert await PaymentFulfilment.filter(order_id_ref=order.id).count() == 1


class TestConcurrentCopiesOfOneNotification:
    @pytest.mark.asyncio
    async def test_200_copies_through_http_make_one_transition(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        headers, body = await sandbox.settle(start.out_trade_no, succeed=True)
        responses = await asyncio.gather(
            *(
                client.post("/payments/notify/sandbox", content=body, headers=headers)
                for _ in range(COPIES)
            )
        )
        assert [r.status_code for r in responses] == [204] * COPIES
        await assert_paid_once(start.out_trade_no)

    @pytest.mark.asyncio
    async def test_200_concurrent_applies_on_separate_connections_make_one_transition(
        self, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        await sandbox.settle(start.out_trade_no, succeed=True)
        report = await sandbox.query(start.out_trade_no)
        outcomes = await asyncio.gather(
            *(service.apply_payment_report("sandbox", report, "notify") for _ in range(COPIES))
        )
        assert outcomes.count(Applied.CHANGED) == 1
        assert outcomes.count(Applied.DUPLICATE) == COPIES - 1
        await assert_paid_once(start.out_trade_no)

    @pytest.mark.asyncio
    async def test_replayed_notification_later_changes_nothing(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        headers, body = await sandbox.settle(start.out_trade_no, succeed=True)
        first = await client.post("/payments/notify/sandbox", content=body, headers=headers)
        await fulfil_all()
        before = await ledger(start.out_trade_no)
        again = await client.post("/payments/notify/sandbox", content=body, headers=headers)
        await fulfil_all()
        assert first.status_code == again.status_code == 204
        assert await ledger(start.out_trade_no) == before


class TestOutboxConsumers:
    @pytest.mark.asyncio
    async def test_consumer_dying_halfway_is_retried_after_its_lease(
        self, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        await sandbox.settle(start.out_trade_no, succeed=True)
        await service.apply_payment_report(
            "sandbox", await sandbox.query(start.out_trade_no), "notify"
        )
        await settle_jobs()
        entry = await PaymentOutbox.get(order__out_trade_no=start.out_trade_no)
        if entry.done:  # the in-process job runner was quicker: undo to replay the crash
            await PaymentFulfilment.filter(entry_id=entry.id).delete()
            await PaymentOutbox.filter(id=entry.id).update(done=False, done_at=None)
        now = utcnow()
        token = await outbox.claim(entry.id, now)  # a consumer takes it ... and dies
        assert token is not None
        assert await outbox.consume_due(now) == 0  # its lease still holds
        later = now + timedelta(minutes=5)
        assert await outbox.consume_due(later) == 1
        assert await outbox.fulfil(entry.id, token) is False  # the dead one, were it to wake
        assert await PaymentFulfilment.filter(entry_id=entry.id).count() == 1
        assert (await PaymentOutbox.get(id=entry.id)).done

    @pytest.mark.asyncio
    async def test_racing_consumers_fulfil_once(self, sandbox: SandboxProvider) -> None:
        orders = [await open_order(reference=f"bill-{i}") for i in range(5)]
        for start in orders:
            await sandbox.settle(start.out_trade_no, succeed=True)
            await service.apply_payment_report(
                "sandbox", await sandbox.query(start.out_trade_no), "notify"
            )
        results = await asyncio.gather(*(outbox.consume_due() for _ in range(20)))
        await settle_jobs()
        assert sum(results) <= 5
        assert await PaymentFulfilment.all().count() == 5
        assert await PaymentOutbox.filter(done=False).count() == 0

    @pytest.mark.asyncio
    async def test_stale_lease_holder_cannot_complete(self, sandbox: SandboxProvider) -> None:
        start = await open_order()
        order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
        now = utcnow()
        async with unit_of_work():
            await repo.add_outbox("paid", order.id, now)
        entry = await PaymentOutbox.get(order_id=order.id)
        first = await outbox.claim(entry.id, now)
        second = await outbox.claim(entry.id, now + timedelta(minutes=5))  # first's lease ran out
        assert first
        assert second
        assert await outbox.fulfil(entry.id, first) is False
        assert await outbox.fulfil(entry.id, second) is True
        assert await PaymentFulfilment.filter(entry_id=entry.id).count() == 1


class TestReportsRecordedTogether:
    """Concurrent reports are recorded together (a group commit: one statement on PostgreSQL,
    one transaction on SQLite); each must still be judged on its own: a duplicate, a wrong
    amount or a wrong merchant moves nothing."""

    @staticmethod
    async def report(out_trade_no: str, **changes: object) -> PaymentReport:
        order = await PaymentOrder.get(out_trade_no=out_trade_no)
        values: dict[str, Any] = {
            "out_trade_no": out_trade_no,
            "outcome": PaymentOutcome.PAID,
            "amount_fen": order.amount_fen,
            "provider_trade_no": f"T{out_trade_no}",
            "app_id": order.app_id,
            "merchant_id": order.merchant_id,
            "platform_status": "SUCCESS",
        }
        values.update(changes)
        return PaymentReport(**values)

    @pytest.mark.asyncio
    async def test_each_report_of_a_batch_is_judged_alone(self, sandbox: SandboxProvider) -> None:
        numbers = [(await open_order(reference=f"bill-{n}")).out_trade_no for n in range(4)]
        good, twin, wrong_amount, wrong_merchant = numbers
        reports = [
            await self.report(good),
            await self.report(good),
            await self.report(twin),
            await self.report(wrong_amount, amount_fen=1),
            await self.report(wrong_merchant, merchant_id="someone-else"),
        ]
        outcomes = await asyncio.gather(
            *(service.apply_payment_report("sandbox", r, "notify") for r in reports),
            return_exceptions=True,
        )
        assert sorted(str(o) for o in outcomes[:2]) == [Applied.CHANGED, Applied.DUPLICATE]
        assert outcomes[2] == Applied.CHANGED
        assert all(isinstance(o, ReportRejected) for o in outcomes[3:])
        for paid in (good, twin):
            await assert_paid_once(paid)
        for refused in (wrong_amount, wrong_merchant):
            assert (await ledger(refused))["state"] == OrderState.CREATED
            assert (await ledger(refused))["events"] == ["created"]

    @pytest.mark.asyncio
    async def test_one_batch_moves_only_what_its_rows_describe(
        self, sandbox: SandboxProvider
    ) -> None:
        first, second = [(await open_order(reference=f"bill-{n}")).out_trade_no for n in (1, 2)]
        rows = [
            repo.ReportedPayment(
                out_trade_no=number,
                provider="sandbox",
                app_id=None,
                merchant_id=None,
                amount_fen=amount,
                currency="CNY",
                provider_trade_no=f"T{number}",
                paid_at=utcnow(),
                source="notify",
                detail={"n": number},
            )
            for number, amount in ((first, 1234), (first, 1234), (second, 99))
        ]
        assert await repo.record_payments(rows, utcnow()) == [True, False, False]
        await assert_paid_once(first)
        assert (await ledger(second))["state"] == OrderState.CREATED
