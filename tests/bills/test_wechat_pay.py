"""Paying bills with WeChat Pay from the WeChat channels, against a fake WeChat Pay server.

JSAPI and mini-program payments name the payer by openid, which differs per app: the openid
comes from the resident's channel account in the app WeChat Pay pays for. The platform is
asked only after the bills' lock has committed, and a refusal gives the bills back at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

from channels.identity.models import ChannelAccount, Citizen
from gateway.codes import Code
from gateway.schemas import Channel
from payments.models import PaymentOrder
from payments.states import OrderState
from services.bills.models import BillState, UtilityBill
from tests.bills.conftest import invoke
from tests.payments.conftest import wechat as wechat  # the fake platform, installed
from tests.payments.helpers import WECHAT_APPID, WECHAT_MP_APPID, FakeWeChatPay

ACCOUNT = {"kind": "gas", "account_no": "SG0030001"}
OA_OPENID = "oOA_resident_0001"
MP_OPENID = "oMP_resident_0001"


@pytest_asyncio.fixture
async def resident(db: None) -> AsyncIterator[int]:
    """A resident known to the official account and to the mini-program."""
    citizen = await Citizen.create()
    await ChannelAccount.create(
        citizen=citizen, channel=Channel.WECHAT_OA, app_id=WECHAT_APPID, external_id=OA_OPENID
    )
    await ChannelAccount.create(
        citizen=citizen, channel=Channel.WECHAT_MP, app_id=WECHAT_MP_APPID, external_id=MP_OPENID
    )
    yield citizen.id


def params(**extra: Any) -> dict[str, Any]:
    return {**ACCOUNT, "provider": "wechatpay", **extra}


async def bill_states() -> set[BillState]:
    return {b.state for b in await UtilityBill.filter(account_no=ACCOUNT["account_no"])}


class TestPayer:
    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        ("channel", "trade_type", "app_id", "openid"),
        [
            (Channel.WECHAT_OA, "jsapi", WECHAT_APPID, OA_OPENID),
            (Channel.WECHAT_MP, "miniprogram", WECHAT_MP_APPID, MP_OPENID),
        ],
    )
    async def test_the_payer_is_the_residents_openid_in_the_paying_app(
        self,
        app: FastAPI,
        wechat: FakeWeChatPay,
        resident: int,
        channel: Channel,
        trade_type: str,
        app_id: str,
        openid: str,
    ) -> None:
        result = await invoke(
            app, "bills", "pay", params(trade_type=trade_type), resident, channel=channel
        )
        assert result.ok, result
        start = result.data["payment"]
        assert wechat.trades[start["out_trade_no"]]["payer"] == {"openid": openid}
        pay = start["pay"]
        assert pay["appId"] == app_id
        assert pay["package"].startswith("prepay_id=wx")
        assert set(pay) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}

    @pytest.mark.asyncio
    async def test_a_resident_unknown_to_the_app_is_told_and_nothing_is_locked(
        self, app: FastAPI, wechat: FakeWeChatPay
    ) -> None:
        stranger = await Citizen.create()  # signed in through the app only
        result = await invoke(
            app, "bills", "pay", params(trade_type="jsapi"), stranger.id, Channel.WECHAT_OA
        )
        assert result.code == Code.PAYMENT_PAYER_REQUIRED
        assert wechat.trades == {}
        assert await PaymentOrder.filter(citizen_id=stranger.id).count() == 0
        assert await bill_states() == {BillState.UNPAID}


class TestLockAndPlatform:
    @pytest.mark.asyncio
    async def test_the_platform_is_asked_after_the_lock_committed(
        self, app: FastAPI, wechat: FakeWeChatPay, resident: int
    ) -> None:
        seen: list[object] = []

        async def while_answering(payload: dict[str, Any]) -> None:
            seen.append(isinstance(connections.get("default"), TransactionalDBClient))
            seen.append(await bill_states())

        wechat.on_prepay = while_answering
        result = await invoke(
            app, "bills", "pay", params(trade_type="jsapi"), resident, Channel.WECHAT_OA
        )
        assert result.ok, result
        assert seen == [False, {BillState.PAYING}]

    @pytest.mark.asyncio
    async def test_a_platform_that_cannot_be_reached_gives_the_bills_back_at_once(
        self, app: FastAPI, wechat: FakeWeChatPay, resident: int
    ) -> None:
        wechat.down = True
        failed = await invoke(
            app, "bills", "pay", params(trade_type="jsapi"), resident, Channel.WECHAT_OA
        )
        assert failed.code == Code.PAYMENT_PROVIDER_UNAVAILABLE
        assert await bill_states() == {BillState.UNPAID}
        orders = await PaymentOrder.filter(citizen_id=resident)
        assert [o.state for o in orders] == [OrderState.CLOSED]

        wechat.down = False
        again = await invoke(
            app, "bills", "pay", params(trade_type="jsapi"), resident, Channel.WECHAT_OA
        )
        assert again.ok, again
        assert await bill_states() == {BillState.PAYING}
