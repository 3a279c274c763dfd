"""Payments at the edges: the gateway service, the platforms' notify endpoints, the sandbox cashier.

- Gateway service "payments": `status` (a resident's own order, polled after paying) and the
  staff action `refund`. Business services start a payment from their own actions through
  `payments/api.py`, never through this module.
- `POST /payments/notify/{provider}`: platform notifications. A provider that is not configured
  has no endpoint (404).
- `/sandbox/cashier/{out_trade_no}`: the sandbox platform's cashier page. Its Pay / Fail buttons
  hand the signed notification to the same code path as `POST /payments/notify/sandbox`,
  in-process (no HTTP round trip to ourselves, so it works whatever GOVHUB_PUBLIC_BASE_URL says).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from channels.identity.service import identity
from gateway.clients import is_site_path
from gateway.codes import Code
from gateway.errors import GovError
from gateway.paging import Page
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from payments import providers
from payments.api import orders_named_by
from payments.providers.common import fen_to_yuan
from payments.providers.sandbox import SandboxProvider
from payments.schemas import (
    OrdersParams,
    OrderStatus,
    PaymentIntent,
    RefundRead,
    StatusParams,
)
from payments.service import service as payments
from payments.service import wakeups
from payments.states import Purpose, TradeType

# ------------------------------------------------------------------------------ gateway service

service = Service("payments", "缴费支付", "Payments")


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(60),
    summary_zh="查询支付结果",
    summary_en="Status of one of my payments",
)
async def status(request: ServiceRequest, params: StatusParams) -> OrderStatus:
    """Status of one of my payment orders; clients poll it after paying."""
    assert request.citizen is not None
    return await payments.status(params.out_trade_no, request.citizen.citizen_id)


@service.action(
    permission="payments.refund",
    summary_zh="支付订单列表（工作人员）",
    summary_en="Payment orders, newest first (staff)",
)
async def orders(request: ServiceRequest, params: OrdersParams) -> Page[OrderStatus]:
    """Payment orders newest first, filtered, a page at a time: where a refund starts."""
    citizen_id = params.citizen_id
    if params.phone:
        citizen_id = await identity.citizen_id_by_phone(params.phone)
        if citizen_id is None or citizen_id != (params.citizen_id or citizen_id):
            return Page[OrderStatus](items=[], next_cursor=None)
    named = await orders_named_by(params.account) if params.account else None
    if named == {}:
        return Page[OrderStatus](items=[], next_cursor=None)
    return await payments.orders(params.model_copy(update={"citizen_id": citizen_id}), named)


class RefundParams(BaseModel):
    out_trade_no: str = Field(min_length=1, max_length=32)
    amount_fen: int = Field(gt=0)
    out_refund_no: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_\-|*@]+$")
    reason: str = Field(min_length=1, max_length=80)


@service.action(
    permission="payments.refund",
    mutates=True,
    summary_zh="退款（工作人员）",
    summary_en="Refund a payment (staff)",
)
async def refund(request: ServiceRequest, params: RefundParams) -> RefundRead:
    """Refunds part or all of a paid order; the refund number makes a retry safe."""
    return await payments.refund(
        params.out_trade_no, params.amount_fen, params.out_refund_no, params.reason
    )


# ------------------------------------------------------------------------------ notify endpoints


@asynccontextmanager
async def _close_providers(app: FastAPI) -> AsyncIterator[None]:
    yield
    await payments.drain()
    await wakeups.idle()
    await providers.close_active()


notify_router = APIRouter(prefix="/payments", tags=["payments"], lifespan=_close_providers)


@notify_router.post(
    "/notify/{provider_name}",
    summary="Payment and refund notifications from a platform",
    responses={204: {"description": "taken (WeChat Pay, sandbox); Alipay gets `success`"}},
)
async def notify(request: Request, provider_name: Annotated[str, Path(max_length=16)]) -> Response:
    """Verified before anything else; answered in the platform's own format. A failure of any
    kind changes nothing and asks the platform to send the notification again."""
    provider = providers.active().get(provider_name)
    if provider is None:
        raise GovError(Code.NOT_FOUND)
    ack = await payments.handle_notification(provider, dict(request.headers), await request.body())
    return Response(
        ack.body, status_code=ack.status, media_type=ack.media_type, headers=ack.headers
    )


# ------------------------------------------------------------------------------ sandbox cashier

sandbox_router = APIRouter(prefix="/sandbox", tags=["sandbox"], include_in_schema=False)


def _sandbox() -> SandboxProvider:
    provider = providers.active().get(SandboxProvider.name)
    if not isinstance(provider, SandboxProvider):
        raise GovError(Code.NOT_FOUND)
    return provider


_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>沙箱收银台 Sandbox cashier</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}
.amount{{font-size:2rem}} button{{font-size:1.1rem;padding:.5rem 1.5rem;margin-right:1rem}}
.note{{color:#555}}</style></head><body>
<h1>沙箱收银台 <small>Sandbox cashier</small></h1>
<p>{description}</p><p class="amount">¥{amount}</p>
<p>订单 Order <code>{out_trade_no}</code><br>平台状态 Platform status: <b>{status}</b></p>
{actions}{result}
<p class="note">仅供开发测试，不会产生真实扣款。For development only: no real money moves.</p>
</body></html>"""

_ACTIONS = """<form method="post" style="display:inline" action="/sandbox/cashier/{no}/pay{back}">
<button type="submit">支付 Pay</button></form>
<form method="post" style="display:inline" action="/sandbox/cashier/{no}/fail{back}">
<button type="submit">失败 Fail</button></form>"""


@sandbox_router.get("/cashier/{out_trade_no}", response_class=HTMLResponse)
async def cashier(
    out_trade_no: Annotated[str, Path(max_length=32)],
    result: str | None = None,
    return_to: Annotated[str | None, Query(max_length=512)] = None,
) -> HTMLResponse:
    """`return_to` (a page of this site, e.g. the resident client's payment page) is where the
    resident lands once the trade is settled, as a platform's cashier returns to the merchant."""
    back = f"?return_to={quote(return_to)}" if return_to and is_site_path(return_to) else ""
    trade = await _sandbox().trade(out_trade_no)
    if trade is None:
        raise GovError(Code.PAYMENT_ORDER_NOT_FOUND)
    page = _PAGE.format(
        description=escape(str(trade.get("description", ""))),
        amount=fen_to_yuan(int(trade["amount_fen"])),
        out_trade_no=escape(out_trade_no),
        status=escape(str(trade["status"])),
        actions=(
            _ACTIONS.format(no=escape(out_trade_no), back=escape(back))
            if trade["status"] == "NOTPAY"
            else ""
        ),
        result=(f"<p>{escape(result)}</p>" if result else "") + _refunded(trade),
    )
    return HTMLResponse(page)


def _refunded(trade: dict[str, object]) -> str:
    """What the sandbox platform has refunded of the trade, so a refund is seen to arrive."""
    refunds = trade.get("refunds")
    if not isinstance(refunds, dict) or not refunds:
        return ""
    total = fen_to_yuan(sum(int(amount) for amount in refunds.values()))
    return f'<p id="refunded">已退款 Refunded {total} 元（{len(refunds)} 笔）</p>'


@sandbox_router.post("/cashier/{out_trade_no}/{outcome}")
async def cashier_settle(
    out_trade_no: Annotated[str, Path(max_length=32)],
    outcome: Annotated[str, Path(pattern="^(pay|fail)$")],
    return_to: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    """Settles the sandbox trade and delivers the signed notification to the notify path."""
    provider = _sandbox()
    if await provider.trade(out_trade_no) is None:
        raise GovError(Code.PAYMENT_ORDER_NOT_FOUND)
    headers, body = await provider.settle(out_trade_no, succeed=outcome == "pay")
    ack = await payments.handle_notification(provider, headers, body)
    if return_to and is_site_path(return_to):
        return RedirectResponse(return_to, status_code=303)
    result = f"通知已送达，应答 HTTP {ack.status} · notification delivered, answered {ack.status}"
    return RedirectResponse(
        f"/sandbox/cashier/{quote(out_trade_no)}?result={quote(result)}", status_code=303
    )


class _DemoFee(BaseModel):
    amount_fen: int = Field(1, gt=0, le=100_000)


@sandbox_router.get("/demo")
async def demo(amount_fen: int = 100) -> Response:
    """Opens a demo fee order for demo resident 0 with the sandbox and shows its cashier."""
    fee = _DemoFee(amount_fen=amount_fen)
    _sandbox()
    start = await payments.create_order(
        PaymentIntent(
            purpose=Purpose.FEE,
            reference=f"demo-{secrets.token_hex(4)}",
            citizen_id=0,
            amount_fen=fee.amount_fen,
            description="演示缴费 Demo fee",
            provider=SandboxProvider.name,
            trade_type=TradeType.CASHIER,
        )
    )
    return RedirectResponse(f"/sandbox/cashier/{start.out_trade_no}", status_code=303)
