"""The counter's one QR code: the app that scans it decides how to pay; the e-receipt's own QR
code tells a genuine receipt from an edited one; clerks see the state through the gateway."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from gateway.schemas import ServiceRequest, ServiceResult, StaffPrincipal
from payments.models import PaymentOrder, SandboxTrade
from payments.states import TradeType
from services.demands.models import DemandState, FeeDemand
from tests.bills.conftest import fulfil
from tests.demands.helpers import PHONE, Receiver, create, demand_body
from tests.payments.helpers import FakeAlipay, FakeWeChatPay

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN"
)
ALIPAY_UA = (
    "Mozilla/5.0 (Linux; U; Android 14; zh-CN; V2302A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/69.0.3497.100 Mobile Safari/537.36 AlipayClient/10.5.96.8000"
)
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
Keys = tuple[str, str, Receiver]


async def scan(client: httpx.AsyncClient, demand_no: str, user_agent: str) -> httpx.Response:
    return await client.get(f"/pay/{demand_no}", headers={"User-Agent": user_agent})


async def new_demand(client: httpx.AsyncClient, key: str, ref: str = "BDC-C1") -> str:
    made = await create(client, key, demand_body(ref))
    assert made.status_code == 200, made.text
    demand_no: str = made.json()["data"]["demand_no"]
    return demand_no


class TestScan:
    @pytest.mark.asyncio
    async def test_a_test_demand_opens_the_sandbox_cashier_in_either_app(
        self, client: httpx.AsyncClient, department: Keys
    ) -> None:
        demand_no = await new_demand(client, department[0])
        for agent in (WECHAT_UA, ALIPAY_UA):
            scanned = await scan(client, demand_no, agent)
            assert scanned.status_code == 303
            assert "/sandbox/cashier/" in scanned.headers["location"]
        order = await PaymentOrder.get()  # the second scan reused the open order
        assert (order.provider, order.trade_type, order.citizen_id) == ("sandbox", "cashier", 0)

    @pytest.mark.asyncio
    async def test_scanned_in_alipay_the_sandbox_plays_alipay(
        self, client: httpx.AsyncClient, department: Keys
    ) -> None:
        demand_no = await new_demand(client, department[0])
        cashier = (await scan(client, demand_no, ALIPAY_UA)).headers["location"]
        out_trade_no = cashier.rsplit("/", 1)[1]
        trade = await SandboxTrade.get(out_trade_no=out_trade_no)
        assert trade.record["platform"] == "alipay"
        assert (await client.post(f"/sandbox/cashier/{out_trade_no}/pay")).status_code == 303
        await fulfil()
        assert (await FeeDemand.get(demand_no=demand_no)).state == DemandState.PAID

    @pytest.mark.asyncio
    async def test_inside_alipay_a_live_demand_goes_to_alipays_phone_cashier(
        self, client: httpx.AsyncClient, department: Keys, alipay: FakeAlipay
    ) -> None:
        demand_no = await new_demand(client, department[1])
        scanned = await scan(client, demand_no, ALIPAY_UA)
        assert scanned.status_code == 303
        target = urlsplit(scanned.headers["location"])
        params = dict(parse_qsl(target.query))
        assert params["method"] == "alipay.trade.wap.pay"
        assert alipay.verify_request(params)
        assert (await FeeDemand.get(demand_no=demand_no)).state == DemandState.PAYING

    @pytest.mark.asyncio
    async def test_any_other_browser_is_told_how_to_pay_and_offered_platform_codes(
        self, client: httpx.AsyncClient, department: Keys, wechat: FakeWeChatPay
    ) -> None:
        demand_no = await new_demand(client, department[1])
        page = await scan(client, demand_no, BROWSER_UA)
        assert page.status_code == 200
        assert "请用微信或支付宝扫描" in page.text
        assert f"/pay/{demand_no}/qr/wechatpay" in page.text
        assert await PaymentOrder.all().count() == 0  # nothing opened before the resident chose
        qr = await client.post(f"/pay/{demand_no}/qr/wechatpay")
        assert qr.status_code == 200
        assert "<svg" in qr.text
        order = await PaymentOrder.get()
        assert (order.provider, order.trade_type) == ("wechatpay", TradeType.NATIVE)

    @pytest.mark.asyncio
    async def test_inside_wechat_without_the_official_account_the_codes_are_offered(
        self, client: httpx.AsyncClient, department: Keys, wechat: FakeWeChatPay
    ) -> None:
        demand_no = await new_demand(client, department[1])
        page = await scan(client, demand_no, WECHAT_UA)
        assert page.status_code == 200  # no sign-in route to JSAPI here: never a dead end
        assert "/qr/wechatpay" in page.text

    @pytest.mark.asyncio
    async def test_an_unknown_number_is_a_page_not_a_stack_trace(
        self, client: httpx.AsyncClient, department: Keys
    ) -> None:
        page = await scan(client, "FD000000NOSUCH", BROWSER_UA)
        assert page.status_code == 404
        assert "未找到该缴费通知" in page.text
        assert "No such fee demand" in page.text


class TestReceipt:
    @pytest.mark.asyncio
    async def test_paid_demand_prints_a_receipt_whose_code_verifies(
        self, app: FastAPI, client: httpx.AsyncClient, department: Keys
    ) -> None:
        demand_no = await new_demand(client, department[0])
        assert (await client.get(f"/pay/{demand_no}/receipt")).status_code == 409
        cashier = (await scan(client, demand_no, WECHAT_UA)).headers["location"]
        out_trade_no = cashier.rsplit("/", 1)[1]
        assert (await client.post(f"/sandbox/cashier/{out_trade_no}/pay")).status_code == 303
        await fulfil()
        receipt = await client.get(f"/pay/{demand_no}/receipt")
        assert receipt.status_code == 200
        code = receipt.text.split("校验码 Verification code: <b>")[1].split("</b>")[0]
        genuine = await client.get(f"/pay/{demand_no}/verify", params={"code": code})
        assert "票据真实有效" in genuine.text
        forged = await client.get(f"/pay/{demand_no}/verify", params={"code": "0" * 20})
        assert "核验未通过" in forged.text
        assert "已缴清" in (await scan(client, demand_no, ALIPAY_UA)).text

        view = await as_clerk(app, {"demand_no": demand_no}, frozenset({"demands.counter"}))
        assert view.ok, view.message
        assert view.data["demand"]["state"] == "paid"
        assert view.data["receipt_url"].endswith(f"/pay/{demand_no}/receipt")
        assert view.data["qr_svg"].startswith("<?xml") or "<svg" in view.data["qr_svg"]
        refused = await as_clerk(app, {"demand_no": demand_no}, frozenset({"queue.call"}))
        assert refused.code == "PERMISSION_DENIED"


class TestCounterView:
    @pytest.mark.asyncio
    async def test_the_clerk_sees_it_open_with_its_code_and_no_receipt_yet(
        self, app: FastAPI, client: httpx.AsyncClient, department: Keys
    ) -> None:
        demand_no = await new_demand(client, department[0])
        view = await as_clerk(app, {"demand_no": demand_no}, frozenset({"demands.counter"}))
        assert view.ok, view.message
        assert view.data["demand"]["state"] == "open"
        assert view.data["demand"]["payer_phone_masked"] != PHONE
        assert view.data["pay_url"].endswith(f"/pay/{demand_no}")
        assert view.data["receipt_url"] is None

    @pytest.mark.asyncio
    async def test_an_unknown_number_is_not_found(self, app: FastAPI, department: Keys) -> None:
        view = await as_clerk(app, {"demand_no": "FD000000NOSUCH"}, frozenset({"demands.counter"}))
        assert view.code == "DEMAND_NOT_FOUND"


async def as_clerk(
    app: FastAPI, params: dict[str, str], permissions: frozenset[str]
) -> ServiceResult:
    principal = StaffPrincipal(3, "clerk", permissions, (), "session")
    request = ServiceRequest(
        "demands", "counter-view", params, principal=principal, client_ip="10.0.0.3"
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result
