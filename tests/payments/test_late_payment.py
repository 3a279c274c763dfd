"""Money that arrives after the order was closed is recorded and refunded automatically."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from payments.models import PaymentFulfilment, PaymentOrder, Refund
from payments.service import service, utcnow
from payments.states import OrderState, RefundState, TradeType
from tests.payments.conftest import fulfil_all, ledger, open_order, settle_jobs
from tests.payments.helpers import FakeWeChatPay


class TestPaymentAfterClose:
    @pytest.mark.asyncio
    async def test_is_recorded_then_refunded_in_full_without_fulfilment(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay
    ) -> None:
        start = await open_order("wechatpay", TradeType.JSAPI, payer_id="o-openid")
        assert await service.expire_due(utcnow() + timedelta(minutes=16)) == 1
        wechat.refund_status = "SUCCESS"
        headers, body = wechat.notification(wechat.pay(start.out_trade_no))  # money came anyway

        response = await client.post("/payments/notify/wechatpay", content=body, headers=headers)
        assert response.status_code == 204
        assert (await ledger(start.out_trade_no))["state"] == OrderState.PAID_AFTER_CLOSE

        await fulfil_all()
        await service.retry_refunds(utcnow() + timedelta(minutes=1))
        await settle_jobs()

        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.REFUNDED
        assert record["events"] == [
            "created",
            "closed",
            "paid_after_close",
            "refund_requested",
            "refunded",
        ]
        refund = await Refund.get(out_refund_no=f"LATE{start.out_trade_no}")
        assert refund.state == RefundState.SUCCEEDED
        assert refund.amount_fen == 1234
        order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
        kinds = await PaymentFulfilment.filter(order_id_ref=order.id).values_list("kind", flat=True)
        # the business side is told the order closed, never that it was paid
        assert sorted(str(kind) for kind in kinds) == ["closed", "late_payment"]

    @pytest.mark.asyncio
    async def test_duplicate_late_notifications_refund_once(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay
    ) -> None:
        start = await open_order("wechatpay", TradeType.JSAPI, payer_id="o-openid")
        await service.expire_due(utcnow() + timedelta(minutes=16))
        headers, body = wechat.notification(wechat.pay(start.out_trade_no))
        for _ in range(3):
            await client.post("/payments/notify/wechatpay", content=body, headers=headers)
            await fulfil_all()
        assert await Refund.all().count() == 1
        assert len(wechat.refunds) <= 1
