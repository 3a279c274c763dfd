"""WeChat Pay API v3 against a fake platform that checks our signatures and signs its answers."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from payments import providers
from payments.models import PaymentOrder
from payments.providers.wechatpay import WeChatPayProvider
from payments.schemas import PaymentIntent, PaymentStart
from payments.service import service, utcnow
from payments.states import OrderState, Purpose, TradeType
from tests.payments.conftest import fulfil_all, ledger, open_order
from tests.payments.helpers import (
    WECHAT_APP_APPID,
    WECHAT_APPID,
    WECHAT_MCHID,
    WECHAT_MP_APPID,
    FakeWeChatPay,
    KeyPair,
)

NOTIFY = "/payments/notify/wechatpay"


async def jsapi_order(
    amount_fen: int = 1234, trade_type: TradeType = TradeType.JSAPI
) -> PaymentStart:
    return await open_order(
        "wechatpay", trade_type, amount_fen=amount_fen, payer_id="o-openid-of-the-resident"
    )


class TestCreate:
    @pytest.mark.asyncio
    async def test_jsapi_returns_signed_request_payment_parameters(
        self, wechat: FakeWeChatPay
    ) -> None:
        start = await jsapi_order()
        pay = start.pay
        assert set(pay) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
        assert pay["appId"] == WECHAT_APPID
        assert pay["signType"] == "RSA"
        assert pay["package"].startswith("prepay_id=wx")
        message = f"{pay['appId']}\n{pay['timeStamp']}\n{pay['nonceStr']}\n{pay['package']}\n"
        assert wechat.merchant.verify(message, pay["paySign"])
        trade = wechat.trades[start.out_trade_no]
        assert trade["amount"]["total"] == 1234
        assert trade["payer"] == {"openid": "o-openid-of-the-resident"}

    @pytest.mark.asyncio
    async def test_mini_program_and_app_use_their_own_appids(self, wechat: FakeWeChatPay) -> None:
        mini = await jsapi_order(trade_type=TradeType.MINIPROGRAM)
        assert mini.pay["appId"] == WECHAT_MP_APPID
        app = await open_order("wechatpay", TradeType.APP, reference="bill-app")
        assert app.pay["appid"] == WECHAT_APP_APPID
        assert app.pay["partnerid"] == WECHAT_MCHID
        fields = [app.pay[k] for k in ("appid", "timestamp", "noncestr", "prepayid")]
        message = "".join(f"{value}\n" for value in fields)
        assert wechat.merchant.verify(message, app.pay["sign"])

    @pytest.mark.asyncio
    async def test_native_answers_the_code_url_to_show_as_a_qr_code(
        self, wechat: FakeWeChatPay
    ) -> None:
        start = await open_order("wechatpay", TradeType.NATIVE, reference="counter-1")
        assert start.pay["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
        assert wechat.trades[start.out_trade_no]["appid"] == WECHAT_APPID
        assert "payer" not in wechat.trades[start.out_trade_no]

    @pytest.mark.asyncio
    async def test_h5_names_the_payers_address_and_answers_the_mweb_url(
        self, wechat: FakeWeChatPay
    ) -> None:
        start = await service.create_order(
            PaymentIntent(
                purpose=Purpose.FEE,
                reference="phone-browser-1",
                citizen_id=7,
                amount_fen=500,
                description="工本费",
                provider="wechatpay",
                trade_type=TradeType.H5,
                client_ip="203.0.113.9",
            )
        )
        assert start.pay["h5_url"].startswith("https://wx.tenpay.com/")
        assert wechat.calls[-1] == "POST /v3/pay/transactions/h5"

    @pytest.mark.asyncio
    async def test_asking_again_returns_the_open_order(self, wechat: FakeWeChatPay) -> None:
        first = await jsapi_order()
        second = await jsapi_order()
        assert second.out_trade_no == first.out_trade_no
        assert wechat.calls.count("POST /v3/pay/transactions/jsapi") == 1

    @pytest.mark.asyncio
    async def test_jsapi_without_openid_is_refused(self, wechat: FakeWeChatPay) -> None:
        with pytest.raises(Exception, match="PAYMENT_PAYER_REQUIRED"):
            await open_order("wechatpay", TradeType.JSAPI)

    @pytest.mark.asyncio
    async def test_out_trade_numbers_are_not_guessable(self, wechat: FakeWeChatPay) -> None:
        numbers = {(await jsapi_order(amount_fen=100 + i)).out_trade_no for i in range(3)}
        assert len(numbers) == 3
        assert all(len(n) <= 32 and len(n) >= 30 for n in numbers)


class TestNotifications:
    @pytest.mark.asyncio
    async def test_genuine_payment_is_recorded_and_acknowledged_with_204(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay
    ) -> None:
        start = await jsapi_order()
        headers, body = wechat.notification(wechat.pay(start.out_trade_no))
        response = await client.post(NOTIFY, content=body, headers=headers)
        assert response.status_code == 204
        assert response.content == b""
        await fulfil_all()
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.PAID
        assert record["fulfilments"] == 1
        order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
        assert order.provider_trade_no == wechat.trades[start.out_trade_no]["transaction_id"]

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "case",
        [
            "forged_signature",
            "tampered_body",
            "expired_timestamp",
            "wrong_amount",
            "wrong_mchid",
            "wrong_appid",
            "unknown_order",
            "wrong_apiv3_key",
            "unknown_serial",
        ],
    )
    async def test_bad_notification_is_refused_and_changes_nothing(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay, case: str
    ) -> None:
        start = await jsapi_order()
        resource = wechat.pay(start.out_trade_no)
        kwargs: dict[str, object] = {}
        if case == "forged_signature":
            kwargs["signer"] = KeyPair.generate()
        elif case == "expired_timestamp":
            kwargs["timestamp"] = int(time.time()) - 301
        elif case == "wrong_amount":
            resource["amount"] = {"total": 1, "currency": "CNY"}
        elif case == "wrong_mchid":
            resource["mchid"] = "1900000999"
        elif case == "wrong_appid":
            resource["appid"] = "wx-some-other-app"
        elif case == "unknown_order":
            resource["out_trade_no"] = "GH2401010000000000000000000000"
        elif case == "wrong_apiv3_key":
            wechat.apiv3_key = "0" * 32
        headers, body = wechat.notification(resource, **kwargs)  # type: ignore[arg-type]
        if case == "tampered_body":
            data = json.loads(body)
            data["summary"] = "tampered"
            body = json.dumps(data).encode()
        if case == "unknown_serial":
            headers["Wechatpay-Serial"] = "5157F09EFDC096DE15EBE81A47057A72"
        before = await ledger(start.out_trade_no)
        response = await client.post(NOTIFY, content=body, headers=headers)
        assert response.status_code == 400
        assert response.json()["code"] == "FAIL"
        assert await ledger(start.out_trade_no) == before

    @pytest.mark.asyncio
    async def test_other_events_are_acknowledged_and_ignored(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay
    ) -> None:
        start = await jsapi_order()
        resource = wechat.pay(start.out_trade_no)
        headers, body = wechat.notification(resource, event_type="MCHTRANSFER.BILL.FINISHED")
        response = await client.post(NOTIFY, content=body, headers=headers)
        assert response.status_code == 204
        assert (await ledger(start.out_trade_no))["state"] == OrderState.CREATED


class TestQueryAndExpiry:
    @pytest.mark.asyncio
    async def test_expired_unpaid_order_is_closed_at_the_platform_then_here(
        self, wechat: FakeWeChatPay
    ) -> None:
        start = await jsapi_order()
        closed = await service.expire_due(utcnow() + timedelta(minutes=16))
        assert closed == 1
        assert wechat.trades[start.out_trade_no]["trade_state"] == "CLOSED"
        assert (await ledger(start.out_trade_no))["events"] == ["created", "closed"]

    @pytest.mark.asyncio
    async def test_expired_order_paid_without_notification_is_recorded_paid(
        self, wechat: FakeWeChatPay
    ) -> None:
        start = await jsapi_order()
        wechat.pay(start.out_trade_no)
        assert await service.expire_due(utcnow() + timedelta(minutes=16)) == 0
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.PAID
        assert record["events"] == ["created", "paid"]

    @pytest.mark.asyncio
    async def test_orders_not_yet_expired_are_left_alone(self, wechat: FakeWeChatPay) -> None:
        await jsapi_order()
        assert await service.expire_due(utcnow() + timedelta(minutes=5)) == 0
        assert not any("close" in c for c in wechat.calls)

    @pytest.mark.asyncio
    async def test_answer_with_a_wrong_signature_is_not_believed(
        self, wechat: FakeWeChatPay
    ) -> None:
        start = await jsapi_order()
        wechat.pay(start.out_trade_no)
        wechat.platform = KeyPair.generate()  # answers now signed by someone else
        assert await service.expire_due(utcnow() + timedelta(minutes=16)) == 0
        assert (await ledger(start.out_trade_no))["state"] == OrderState.CREATED


def self_signed_certificate(key: KeyPair, serial: int, valid_days: int = 365) -> str:
    """A platform certificate; negative `valid_days` makes one that expired that long ago."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    now = utcnow()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.private.public_key())
        .serial_number(serial)
        .not_valid_before(now - timedelta(days=abs(valid_days) + 1))
        .not_valid_after(now + timedelta(days=valid_days))
        .sign(key.private, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


class TestPlatformCertificateMode:
    @pytest.mark.asyncio
    async def test_notification_signed_under_a_certificate_in_cert_dir(
        self, client: httpx.AsyncClient, wechat: FakeWeChatPay, tmp_path: Path
    ) -> None:
        serial = 0x5157F09EFDC096DE15EBE81A47057A72
        (tmp_path / "platform.pem").write_text(self_signed_certificate(wechat.platform, serial))
        wechat.serial = format(serial, "X")
        provider = WeChatPayProvider(
            wechat.settings(public_key=None, public_key_id=None, cert_dir=str(tmp_path)),
            httpx.AsyncClient(transport=httpx.MockTransport(wechat.handle)),
            "http://govhub.test/payments/notify/wechatpay",
        )
        previous = providers.active().install(provider)
        try:
            start = await jsapi_order()
            headers, body = wechat.notification(wechat.pay(start.out_trade_no))
            response = await client.post(NOTIFY, content=body, headers=headers)
            assert response.status_code == 204
            assert (await ledger(start.out_trade_no))["state"] == OrderState.PAID
        finally:
            assert previous is not None
            providers.active().install(previous)
            await provider.aclose()
