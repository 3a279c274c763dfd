"""Alipay against a fake gateway that checks our RSA2 signatures and signs its answers."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl

import httpx
import pytest

from payments.service import service, utcnow
from payments.states import OrderState, TradeType
from tests.payments.conftest import fulfil_all, ledger, open_order
from tests.payments.helpers import (
    ALIPAY_APP_ID,
    FakeAlipay,
    KeyPair,
    alipay_sign_content,
    query_of,
)

NOTIFY = "/payments/notify/alipay"


class TestCreate:
    @pytest.mark.asyncio
    async def test_mini_program_gets_the_trade_number(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.MINIPROGRAM, payer_id="2088102177846880")
        assert start.pay == {"tradeNO": alipay.trades[start.out_trade_no]["trade_no"]}
        assert alipay.trades[start.out_trade_no]["total_amount"] == "12.34"

    @pytest.mark.asyncio
    async def test_app_pay_order_string_is_signed_with_our_key(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.APP)
        params = dict(parse_qsl(start.pay["orderStr"]))
        assert params["method"] == "alipay.trade.app.pay"
        assert params["app_id"] == ALIPAY_APP_ID
        assert params["notify_url"].endswith("/payments/notify/alipay")
        assert alipay.verify_request(params)
        assert alipay.calls == []  # app pay needs no server call

    @pytest.mark.asyncio
    async def test_wap_pay_is_a_signed_redirect(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.WAP)
        assert start.pay["url"].startswith("https://alipay.test/gateway.do?")
        params = query_of(start.pay["url"])
        assert params["method"] == "alipay.trade.wap.pay"
        assert '"total_amount":"12.34"' in params["biz_content"]
        assert alipay.verify_request(params)

    @pytest.mark.asyncio
    async def test_precreate_answers_the_qr_code_alipay_opened(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.QR)
        assert start.pay["qr_code"].startswith("https://qr.alipay.com/")
        assert alipay.calls == ["alipay.trade.precreate"]
        assert alipay.trades[start.out_trade_no]["total_amount"] == "12.34"

    @pytest.mark.asyncio
    async def test_page_pay_is_a_signed_redirect_for_desktop_browsers(
        self, alipay: FakeAlipay
    ) -> None:
        start = await open_order("alipay", TradeType.PAGE)
        params = query_of(start.pay["url"])
        assert params["method"] == "alipay.trade.page.pay"
        assert '"product_code":"FAST_INSTANT_TRADE_PAY"' in params["biz_content"]
        assert alipay.verify_request(params)

    @pytest.mark.asyncio
    async def test_gateway_refusal_closes_the_order(self, alipay: FakeAlipay) -> None:
        alipay.app = KeyPair.generate()  # the gateway no longer recognises our signature
        with pytest.raises(Exception, match="PAYMENT_PROVIDER"):
            await open_order("alipay", TradeType.MINIPROGRAM, payer_id="2088102177846880")


class TestNotifications:
    @pytest.mark.asyncio
    async def test_genuine_notification_is_answered_success(
        self, client: httpx.AsyncClient, alipay: FakeAlipay
    ) -> None:
        start = await open_order("alipay", TradeType.APP)
        alipay.pay(start.out_trade_no, "12.34")
        headers, body = alipay.notification(start.out_trade_no, "12.34")
        response = await client.post(NOTIFY, content=body, headers=headers)
        assert response.status_code == 200
        assert response.text == "success"
        await fulfil_all()
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.PAID
        assert record["fulfilments"] == 1

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "case", ["forged", "tampered", "wrong_amount", "wrong_app", "wrong_seller", "unknown_order"]
    )
    async def test_bad_notification_is_answered_fail_and_changes_nothing(
        self, client: httpx.AsyncClient, alipay: FakeAlipay, case: str
    ) -> None:
        start = await open_order("alipay", TradeType.APP)
        alipay.pay(start.out_trade_no, "12.34")
        out_trade_no, amount, extra, signer = start.out_trade_no, "12.34", {}, None
        if case == "forged":
            signer = KeyPair.generate()
        elif case == "wrong_amount":
            amount = "0.01"
        elif case == "wrong_app":
            extra = {"app_id": "2021009999999999"}
        elif case == "wrong_seller":
            extra = {"seller_id": "2088009999999999"}
        elif case == "unknown_order":
            out_trade_no = "GH2401010000000000000000000000"
        headers, body = alipay.notification(out_trade_no, amount, signer=signer, **extra)
        if case == "tampered":
            body = body.replace(b"total_amount=12.34", b"total_amount=0.01")
        before = await ledger(start.out_trade_no)
        response = await client.post(NOTIFY, content=body, headers=headers)
        assert response.text == "fail"
        assert await ledger(start.out_trade_no) == before

    @pytest.mark.asyncio
    async def test_waiting_status_is_taken_without_change(
        self, client: httpx.AsyncClient, alipay: FakeAlipay
    ) -> None:
        start = await open_order("alipay", TradeType.APP)
        headers, body = alipay.notification(
            start.out_trade_no, "12.34", trade_status="WAIT_BUYER_PAY"
        )
        response = await client.post(NOTIFY, content=body, headers=headers)
        assert response.text == "success"
        assert (await ledger(start.out_trade_no))["state"] == OrderState.CREATED


class TestQueryAndExpiry:
    @pytest.mark.asyncio
    async def test_never_opened_trade_is_closed_on_expiry(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.APP)
        assert await service.expire_due(utcnow() + timedelta(minutes=16)) == 1
        assert alipay.calls == ["alipay.trade.query", "alipay.trade.close"]
        assert (await ledger(start.out_trade_no))["state"] == OrderState.CLOSED

    @pytest.mark.asyncio
    async def test_paid_trade_found_by_query_is_recorded(self, alipay: FakeAlipay) -> None:
        start = await open_order("alipay", TradeType.MINIPROGRAM, payer_id="2088102177846880")
        alipay.pay(start.out_trade_no)
        assert await service.expire_due(utcnow() + timedelta(minutes=16)) == 0
        assert (await ledger(start.out_trade_no))["state"] == OrderState.PAID

    def test_sign_content_matches_the_platform_rule(self) -> None:
        assert alipay_sign_content({"b": "2", "a": "1"}) == "a=1&b=2"
