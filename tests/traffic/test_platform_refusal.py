"""A fine whose payment platform cannot be reached is free to pay again at once."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from channels.identity.models import ChannelAccount, Citizen
from gateway.codes import Code
from gateway.schemas import Channel
from payments.models import PaymentOrder
from payments.states import OrderState
from services.traffic.models import FinePayment, FineState
from tests.bills.conftest import invoke
from tests.payments.conftest import wechat as wechat  # the fake platform, installed
from tests.payments.helpers import WECHAT_MP_APPID, FakeWeChatPay

PAY = {
    "plate": "粤B12345",
    "vin_last6": "184512",
    "decision_no": "440305100001234",
    "provider": "wechatpay",
    "trade_type": "miniprogram",
}


@pytest.mark.asyncio
async def test_the_decision_is_released_when_the_platform_is_down(
    app: FastAPI, wechat: FakeWeChatPay
) -> None:
    citizen = await Citizen.create()
    await ChannelAccount.create(
        citizen=citizen, channel=Channel.WECHAT_MP, app_id=WECHAT_MP_APPID, external_id="oMP_1"
    )
    wechat.down = True
    failed = await invoke(app, "traffic", "pay", PAY, citizen.id)
    assert failed.code == Code.PAYMENT_PROVIDER_UNAVAILABLE
    payment = await FinePayment.get(citizen_id=citizen.id)
    assert (payment.state, payment.lock_key) == (FineState.RELEASED, None)
    order = await PaymentOrder.get(citizen_id=citizen.id)
    assert order.state == OrderState.CLOSED

    wechat.down = False
    again = await invoke(app, "traffic", "pay", PAY, citizen.id)
    assert again.ok, again
    assert wechat.trades[again.data["payment"]["out_trade_no"]]["payer"] == {"openid": "oMP_1"}
