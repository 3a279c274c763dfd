"""The sandbox platform end to end: order → cashier page → signed notification → fulfilment."""

from __future__ import annotations

import dataclasses
import time
from urllib.parse import parse_qsl, urlencode

import httpx
import orjson
import pytest
from fastapi import FastAPI

from gateway.schemas import Channel
from payments.api import Method, choose_method
from payments.models import PaymentOrder
from payments.providers.sandbox import PlatformKeys, SandboxProvider
from payments.providers.wechatpay import decrypt_resource
from payments.states import OrderState, TradeType
from tests.payments.conftest import fulfil_all, invoke_as_citizen, ledger, open_order


class TestSandboxEndToEnd:
    @pytest.mark.asyncio
    async def test_pay_at_the_cashier_fulfils_once(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        cashier_url = start.pay["cashier_url"]
        assert cashier_url.endswith(f"/sandbox/cashier/{start.out_trade_no}")

        page = await client.get(f"/sandbox/cashier/{start.out_trade_no}")
        assert page.status_code == 200
        assert "12.34" in page.text
        assert "/pay" in page.text

        paid = await client.post(f"/sandbox/cashier/{start.out_trade_no}/pay")
        assert paid.status_code == 303
        after = await client.get(paid.headers["location"])
        assert "204" in after.text
        assert "SUCCESS" in after.text

        await fulfil_all()
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.PAID
        assert record["events"] == ["created", "paid"]
        assert record["outbox"] == 1
        assert record["fulfilments"] == 1

    @pytest.mark.asyncio
    async def test_fail_at_the_cashier_leaves_the_order_open(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        failed = await client.post(f"/sandbox/cashier/{start.out_trade_no}/fail")
        assert failed.status_code == 303
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.CREATED
        assert record["events"] == ["created"]

    @pytest.mark.asyncio
    async def test_the_cashier_returns_to_a_page_of_this_site_and_nowhere_else(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        cashier = f"/sandbox/cashier/{start.out_trade_no}"
        for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            page = await client.get(cashier, params={"return_to": elsewhere})
            assert "return_to=" not in page.text
        failed = await client.post(f"{cashier}/fail", params={"return_to": "//evil.example"})
        assert failed.headers["location"].startswith(f"{cashier}?")
        start = await open_order(reference="bill-2")
        cashier = f"/sandbox/cashier/{start.out_trade_no}"
        back = "/h5/pages/payments/detail?order=" + start.out_trade_no
        page = await client.get(cashier, params={"return_to": back})
        assert "return_to=" in page.text
        paid = await client.post(f"{cashier}/pay", params={"return_to": back})
        assert paid.status_code == 303
        assert paid.headers["location"] == back

    @pytest.mark.asyncio
    async def test_demo_page_opens_an_order_and_shows_its_cashier(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        response = await client.get("/sandbox/demo", params={"amount_fen": 250})
        assert response.status_code == 303
        page = await client.get(response.headers["location"])
        assert "2.50" in page.text

    @pytest.mark.asyncio
    async def test_unknown_cashier_is_not_found(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        response = await client.get("/sandbox/cashier/GH000000000000000000000000000")
        assert response.status_code == 404


class TestSandboxNotificationsAreVerified:
    """A forged, tampered, stale or mismatched sandbox notification is refused like a platform's."""

    @staticmethod
    async def _signed(sandbox: SandboxProvider, out_trade_no: str) -> tuple[dict[str, str], bytes]:
        return await sandbox.settle(out_trade_no, succeed=True)

    @pytest.mark.asyncio
    async def test_genuine_notification_is_taken(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        headers, body = await self._signed(sandbox, start.out_trade_no)
        response = await client.post("/payments/notify/sandbox", content=body, headers=headers)
        assert response.status_code == 204
        assert (await ledger(start.out_trade_no))["state"] == OrderState.PAID

    @pytest.mark.asyncio
    async def test_it_is_a_wechat_pay_v3_notification(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        headers, body = await self._signed(sandbox, start.out_trade_no)
        assert {"wechatpay-serial", "wechatpay-signature", "wechatpay-nonce"} <= set(headers)
        data = orjson.loads(body)
        assert data["event_type"] == "TRANSACTION.SUCCESS"
        assert data["resource"]["algorithm"] == "AEAD_AES_256_GCM"
        assert start.out_trade_no.encode() not in body  # the transaction travels sealed
        opened = decrypt_resource(data["resource"], sandbox.keys.apiv3_key)
        assert (opened["out_trade_no"], opened["amount"]["total"]) == (start.out_trade_no, 1234)

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "case",
        [
            "other_key",
            "unknown_serial",
            "tampered_body",
            "tampered_ciphertext",
            "stale",
            "unsigned",
            "wrong_amount",
        ],
    )
    async def test_bad_notification_changes_nothing(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider, settings, case: str
    ) -> None:
        start = await open_order()
        headers, body = await self._signed(sandbox, start.out_trade_no)
        trade = await sandbox.trade(start.out_trade_no)
        assert trade is not None
        if case == "other_key":  # another RSA key claiming the sandbox's serial
            stranger = PlatformKeys.generate()
            keys = dataclasses.replace(sandbox.keys, private_key=stranger.private_key)
            headers = SandboxProvider("http://x", 300, keys).sign(body)
        elif case == "unknown_serial":
            headers = SandboxProvider("http://x", 300, PlatformKeys.generate()).sign(body)
        elif case == "tampered_body":
            body = body.replace(b"TRANSACTION.SUCCESS", b"TRANSACTION.SUCCES_")
        elif case == "tampered_ciphertext":
            data = orjson.loads(body)
            sealed = data["resource"]["ciphertext"]
            data["resource"]["ciphertext"] = ("A" if sealed[0] != "A" else "B") + sealed[1:]
            body = orjson.dumps(data)
            headers = sandbox.sign(body)  # signed, but the resource does not open
        elif case == "stale":
            headers = sandbox.sign(body, timestamp=int(time.time()) - 3600)
        elif case == "unsigned":
            headers = {"content-type": "application/json"}
        elif case == "wrong_amount":
            body = sandbox.transaction_notification(start.out_trade_no, {**trade, "amount_fen": 1})
            headers = sandbox.sign(body)
        before = await ledger(start.out_trade_no)
        response = await client.post("/payments/notify/sandbox", content=body, headers=headers)
        assert response.status_code == 400
        assert response.json()["code"] == "FAIL"
        assert await ledger(start.out_trade_no) == before

    @pytest.mark.asyncio
    async def test_notification_for_an_unknown_order_is_refused(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        await self._signed(sandbox, start.out_trade_no)
        trade = await sandbox.trade(start.out_trade_no)
        assert trade is not None
        body = sandbox.transaction_notification("GH240101" + "0" * 22, trade)
        response = await client.post(
            "/payments/notify/sandbox", content=body, headers=sandbox.sign(body)
        )
        assert response.status_code == 400
        assert await PaymentOrder.filter(state=OrderState.PAID).count() == 0

    @pytest.mark.asyncio
    async def test_unconfigured_provider_has_no_endpoint(self, client: httpx.AsyncClient) -> None:
        for name in ("wechatpay", "alipay", "nosuch"):
            response = await client.post(f"/payments/notify/{name}", content=b"{}")
            assert response.status_code == 404, name


class TestSandboxPlayingAlipay:
    """For a channel that pays with Alipay the sandbox notifies as Alipay does: a form signed
    RSA2, read by the Alipay provider's own code and answered `success`."""

    @pytest.mark.asyncio
    async def test_alipay_channels_get_the_sandbox_playing_alipay(
        self, sandbox: SandboxProvider
    ) -> None:
        assert choose_method(Channel.ALIPAY_MP, None, None) == Method(
            "sandbox", TradeType.CASHIER, "alipay"
        )
        assert choose_method(Channel.WECHAT_OA, None, None).stands_for == "wechatpay"

    @pytest.mark.asyncio
    async def test_paying_at_the_cashier_sends_a_signed_alipay_form(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order(stands_for="alipay")
        headers, body = await sandbox.settle(start.out_trade_no, succeed=True)
        assert headers["content-type"] == "application/x-www-form-urlencoded"
        form = dict(parse_qsl(body.decode()))
        assert form["sign_type"] == "RSA2"
        assert form["sign"]
        assert (form["trade_status"], form["total_amount"]) == ("TRADE_SUCCESS", "12.34")
        response = await client.post("/payments/notify/sandbox", content=body, headers=headers)
        assert (response.status_code, response.text) == (200, "success")
        record = await ledger(start.out_trade_no)
        assert record["state"] == OrderState.PAID
        assert record["events"] == ["created", "paid"]

    @pytest.mark.asyncio
    async def test_the_cashier_delivers_it_through_the_notify_path(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order(stands_for="alipay")
        paid = await client.post(f"/sandbox/cashier/{start.out_trade_no}/pay")
        after = await client.get(paid.headers["location"])
        assert "200" in after.text
        await fulfil_all()
        assert (await ledger(start.out_trade_no))["fulfilments"] == 1

    @pytest.mark.asyncio
    @pytest.mark.parametrize("case", ["other_key", "tampered", "unsigned", "wrong_amount"])
    async def test_bad_alipay_form_changes_nothing(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider, case: str
    ) -> None:
        start = await open_order(stands_for="alipay")
        headers, body = await sandbox.settle(start.out_trade_no, succeed=True)
        form = dict(parse_qsl(body.decode()))
        fields = {k: v for k, v in form.items() if k not in ("sign", "sign_type")}
        if case == "other_key":
            other = PlatformKeys.generate().alipay_key
            stranger = dataclasses.replace(sandbox.keys, alipay_key=other)
            body = SandboxProvider("http://x", 300, stranger).sign_form(fields)
        elif case == "tampered":
            body = urlencode({**form, "total_amount": "0.01"}).encode()
        elif case == "unsigned":
            body = urlencode(fields).encode()
        elif case == "wrong_amount":
            body = sandbox.sign_form({**fields, "total_amount": "0.01"})
        before = await ledger(start.out_trade_no)
        response = await client.post("/payments/notify/sandbox", content=body, headers=headers)
        assert (response.status_code, response.text) == (400, "fail")
        assert await ledger(start.out_trade_no) == before


class TestStatusAction:
    @pytest.mark.asyncio
    async def test_resident_sees_own_order_after_paying(
        self, app: FastAPI, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order(citizen_id=7)
        result = await invoke_as_citizen(app, "status", {"out_trade_no": start.out_trade_no}, 7)
        assert result.ok, result
        assert result.data["state"] == "created"
        assert result.data["paid"] is False
        await client.post(f"/sandbox/cashier/{start.out_trade_no}/pay")
        result = await invoke_as_citizen(app, "status", {"out_trade_no": start.out_trade_no}, 7)
        assert result.data["state"] == "paid"
        assert result.data["paid"] is True

    @pytest.mark.asyncio
    async def test_polling_asks_the_platform_when_the_notification_is_late(
        self, app: FastAPI, sandbox: SandboxProvider
    ) -> None:
        start = await open_order(citizen_id=7)
        await sandbox.settle(start.out_trade_no, succeed=True)  # notification "lost"
        result = await invoke_as_citizen(app, "status", {"out_trade_no": start.out_trade_no}, 7)
        assert result.data["state"] == "paid"
        assert (await ledger(start.out_trade_no))["events"] == ["created", "paid"]

    @pytest.mark.asyncio
    async def test_another_residents_order_is_not_found(
        self, app: FastAPI, sandbox: SandboxProvider
    ) -> None:
        start = await open_order(citizen_id=7)
        result = await invoke_as_citizen(app, "status", {"out_trade_no": start.out_trade_no}, 8)
        assert result.code == "PAYMENT_ORDER_NOT_FOUND"
        assert result.status == 404

    @pytest.mark.asyncio
    async def test_anonymous_callers_must_sign_in(
        self, client: httpx.AsyncClient, sandbox: SandboxProvider
    ) -> None:
        start = await open_order()
        response = await client.post(
            "/api/v1/services/payments/status", json={"out_trade_no": start.out_trade_no}
        )
        assert response.status_code == 401
