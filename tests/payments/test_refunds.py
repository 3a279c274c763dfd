"""Refunds: idempotent by refund number, never more than was paid, notifications applied once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from gateway.errors import GovError
from payments.models import PaymentOrder, Refund
from payments.providers.sandbox import SandboxProvider
from payments.service import service, utcnow
from payments.states import OrderState, RefundState, TradeType
from tests.payments.conftest import fulfil_all, invoke_as_staff, ledger, open_order
from tests.payments.helpers import FakeAlipay, FakeWeChatPay


async def paid_sandbox_order(sandbox: SandboxProvider, amount_fen: int = 1000) -> str:
    start = await open_order(amount_fen=amount_fen)
    await sandbox.settle(start.out_trade_no, succeed=True)
    await service.apply_payment_report("sandbox", await sandbox.query(start.out_trade_no), "notify")
    return start.out_trade_no


class TestRefundRules:
    @pytest.mark.asyncio
    async def test_partial_then_rest_leaves_the_order_refunded(
        self, sandbox: SandboxProvider
    ) -> None:
        no = await paid_sandbox_order(sandbox)
        first = await service.refund(no, 300, "R1", "overcharge")
        assert first.state == RefundState.SUCCEEDED
        assert (await ledger(no))["state"] == OrderState.PARTIALLY_REFUNDED
        await service.refund(no, 700, "R2", "cancelled")
        await fulfil_all()
        record = await ledger(no)
        assert record["state"] == OrderState.REFUNDED
        assert record["refunded_fen"] == 1000
        assert record["events"].count("refunded") == 2
        assert record["fulfilments"] == 3  # paid + two refunds, each told once

    @pytest.mark.asyncio
    async def test_same_refund_number_is_the_same_refund(self, sandbox: SandboxProvider) -> None:
        no = await paid_sandbox_order(sandbox)
        first = await service.refund(no, 300, "R1", "overcharge")
        again = await service.refund(no, 300, "R1", "overcharge")
        assert again == first
        assert await Refund.all().count() == 1
        assert (await ledger(no))["refunded_fen"] == 300

    @pytest.mark.asyncio
    async def test_same_refund_number_for_another_amount_is_a_conflict(
        self, sandbox: SandboxProvider
    ) -> None:
        no = await paid_sandbox_order(sandbox)
        await service.refund(no, 300, "R1", "overcharge")
        with pytest.raises(GovError) as caught:
            await service.refund(no, 400, "R1", "overcharge")
        assert caught.value.code == "REFUND_CONFLICT"

    @pytest.mark.asyncio
    async def test_refund_beyond_what_was_paid_is_refused(self, sandbox: SandboxProvider) -> None:
        no = await paid_sandbox_order(sandbox)
        await service.refund(no, 600, "R1", "part")
        with pytest.raises(GovError) as caught:
            await service.refund(no, 401, "R2", "too much")
        assert caught.value.code == "REFUND_EXCEEDS_PAID"
        assert caught.value.status == 409
        assert (await ledger(no))["refunded_fen"] == 600

    @pytest.mark.asyncio
    async def test_concurrent_refunds_never_exceed_the_paid_amount(
        self, sandbox: SandboxProvider
    ) -> None:
        no = await paid_sandbox_order(sandbox)
        results = await asyncio.gather(
            *(service.refund(no, 300, f"R{i}", "race", submit=False) for i in range(10)),
            return_exceptions=True,
        )
        accepted = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, GovError)]
        assert len(accepted) == 3
        assert len(refused) == 7
        order = await PaymentOrder.get(out_trade_no=no)
        assert order.refund_reserved_fen == 900

    @pytest.mark.asyncio
    async def test_unpaid_order_cannot_be_refunded(self, sandbox: SandboxProvider) -> None:
        start = await open_order()
        with pytest.raises(GovError) as caught:
            await service.refund(start.out_trade_no, 100, "R1", "nothing paid")
        assert caught.value.code == "PAYMENT_STATE_CONFLICT"


class TestStaffRefundAction:
    @pytest.mark.asyncio
    async def test_needs_the_refund_permission(
        self, app: FastAPI, sandbox: SandboxProvider
    ) -> None:
        no = await paid_sandbox_order(sandbox)
        params = {"out_trade_no": no, "amount_fen": 100, "out_refund_no": "R1", "reason": "x"}
        denied = await invoke_as_staff(app, "refund", params, frozenset())
        assert denied.code == "PERMISSION_DENIED"
        done = await invoke_as_staff(app, "refund", params, frozenset({"payments.refund"}))
        assert done.ok, done
        assert done.data["state"] == "succeeded"


class TestWeChatRefunds:
    @pytest.mark.asyncio
    async def test_processing_refund_completes_on_its_notification_once(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay
    ) -> None:
        start = await open_order("wechatpay", TradeType.JSAPI, payer_id="o-openid")
        headers, body = wechat.notification(wechat.pay(start.out_trade_no))
        assert (
            await client.post("/payments/notify/wechatpay", content=body, headers=headers)
        ).status_code == 204
        refund = await service.refund(start.out_trade_no, 234, "RW1", "partial")
        assert refund.state == RefundState.PENDING
        resource = {
            "mchid": wechat.settings().mchid,
            "out_trade_no": start.out_trade_no,
            "out_refund_no": "RW1",
            "refund_id": wechat.refunds["RW1"]["refund_id"],
            "refund_status": "SUCCESS",
            "amount": {"total": 1234, "refund": 234, "payer_total": 1234, "payer_refund": 234},
        }
        headers, body = wechat.notification(resource, event_type="REFUND.SUCCESS")
        for _ in range(3):  # duplicates are normal
            response = await client.post(
                "/payments/notify/wechatpay", content=body, headers=headers
            )
            assert response.status_code == 204
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.PARTIALLY_REFUNDED
        assert record["refunded_fen"] == 234
        assert record["events"].count("refunded") == 1

    @pytest.mark.asyncio
    async def test_refund_notification_with_another_amount_is_refused(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay
    ) -> None:
        start = await open_order("wechatpay", TradeType.JSAPI, payer_id="o-openid")
        wechat.pay(start.out_trade_no)
        await service.expire_due(utcnow() + timedelta(minutes=16))  # found paid by query
        await service.refund(start.out_trade_no, 234, "RW1", "partial")
        resource = {
            "mchid": wechat.settings().mchid,
            "out_trade_no": start.out_trade_no,
            "out_refund_no": "RW1",
            "refund_status": "SUCCESS",
            "amount": {"total": 1234, "refund": 1000},
        }
        headers, body = wechat.notification(resource, event_type="REFUND.SUCCESS")
        response = await client.post("/payments/notify/wechatpay", content=body, headers=headers)
        assert response.status_code == 400
        assert (await ledger(start.out_trade_no))["refunded_fen"] == 0


class TestAlipayRefunds:
    @pytest.mark.asyncio
    async def test_refund_is_synchronous(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.MINIPROGRAM, payer_id="2088102177846880")
        alipay.pay(start.out_trade_no)
        await service.expire_due(utcnow() + timedelta(minutes=16))
        refund = await service.refund(start.out_trade_no, 1234, "RA1", "cancelled")
        assert refund.state == RefundState.SUCCEEDED
        assert alipay.refunds == {"RA1": "12.34"}
        assert (await ledger(start.out_trade_no))["state"] == OrderState.REFUNDED

    @pytest.mark.asyncio
    async def test_platform_refusal_releases_the_amount_and_flags_staff(
        self, alipay: FakeAlipay
    ) -> None:
        start = await open_order("alipay", TradeType.MINIPROGRAM, payer_id="2088102177846880")
        alipay.pay(start.out_trade_no)
        await service.expire_due(utcnow() + timedelta(minutes=16))
        alipay.trades[start.out_trade_no]["trade_status"] = "TRADE_CLOSED"  # refused from now on
        refund = await service.refund(start.out_trade_no, 500, "RA1", "x")
        assert refund.state == RefundState.FAILED
        assert refund.needs_attention
        order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
        assert order.refund_reserved_fen == 0
        assert order.state == OrderState.PAID


class TestUnreachablePlatform:
    @pytest.mark.asyncio
    async def test_refund_stays_pending_and_is_retried(self, wechat: FakeWeChatPay) -> None:
        start = await open_order("wechatpay", TradeType.JSAPI, payer_id="o-openid")
        wechat.pay(start.out_trade_no)
        await service.expire_due(utcnow() + timedelta(minutes=16))
        wechat.down = True
        refund = await service.refund(start.out_trade_no, 100, "RW9", "x")
        assert refund.state == RefundState.PENDING
        assert not refund.needs_attention
        wechat.down = False
        wechat.refund_status = "SUCCESS"
        assert await service.retry_refunds(utcnow() + timedelta(hours=1)) == 1
        assert (await Refund.get(out_refund_no="RW9")).state == RefundState.SUCCEEDED
