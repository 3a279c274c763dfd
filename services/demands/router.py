"""Fee demands at the edges: the department API (`/api/v1/departments/…`, API key as Bearer) and
the resident gateway service "demands" (my demands, one demand, pay it). Thin: the rules are in
service.py."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gateway.codes import Code
from gateway.errors import GovError
from gateway.http import ok
from gateway.paging import Page, PageParams
from gateway.registry import RateLimit, Service
from gateway.router import client_ip
from gateway.schemas import IdentityLevel, ServiceRequest
from payments.api import Method
from payments.schemas import PaymentStart
from services.demands import counter
from services.demands.models import DemandState, Department, FeeDemand, KeyMode
from services.demands.schemas import DemandCreate, DemandNoParams, DemandRead, PayParams
from services.demands.service import demands
from services.qrcodes import qr_svg

router = APIRouter(prefix="/api/v1/departments", tags=["departments"])
DemandNo = Annotated[str, Path(min_length=6, max_length=24, pattern=r"^[0-9A-Z]+$")]
Authorization = Annotated[str | None, Header(description="Bearer gk_test_… or gk_live_…")]


async def _caller(authorization: str | None) -> tuple[Department, KeyMode]:
    return await demands.authenticate(authorization)


@router.post("/demands", summary="Create a fee demand (idempotent by external_ref)")
async def create_demand(body: DemandCreate, authorization: Authorization = None) -> Response:
    department, mode = await _caller(authorization)
    return ok((await demands.read(await demands.create(department, mode, body))).model_dump())


@router.get("/demands/{demand_no}", summary="One fee demand and its state")
async def get_demand(demand_no: DemandNo, authorization: Authorization = None) -> Response:
    department, mode = await _caller(authorization)
    return ok((await demands.read(await demands.owned(department, mode, demand_no))).model_dump())


@router.post("/demands/{demand_no}/cancel", summary="Cancel an unpaid fee demand")
async def cancel_demand(demand_no: DemandNo, authorization: Authorization = None) -> Response:
    department, mode = await _caller(authorization)
    cancelled = await demands.cancel(await demands.owned(department, mode, demand_no))
    return ok((await demands.read(cancelled)).model_dump())


@router.get("/demands/{demand_no}/webhooks", summary="The demand's webhooks and every attempt")
async def demand_webhooks(demand_no: DemandNo, authorization: Authorization = None) -> Response:
    department, mode = await _caller(authorization)
    deliveries = await demands.deliveries(await demands.owned(department, mode, demand_no))
    return ok([delivery.model_dump() for delivery in deliveries])


# ------------------------------------------------------------------------------ gateway service

service = Service("demands", "缴费通知", "Fee demands")


class DemandPayResult(BaseModel):
    demand: DemandRead
    payment: PaymentStart


@service.action(
    identity=IdentityLevel.LOGGED_IN, summary_zh="我的待缴费用", summary_en="My fee demands"
)
async def mine(request: ServiceRequest, params: PageParams) -> Page[DemandRead]:
    """Open demands that name my phone or ID number, and the ones I paid, newest first."""
    return await demands.mine(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(60),
    summary_zh="缴费通知详情",
    summary_en="One fee demand",
)
async def detail(request: ServiceRequest, params: DemandNoParams) -> DemandRead:
    """A demand by its number (from a payment link or the counter's QR code)."""
    return await demands.read(await demands.find(params.demand_no))


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="缴纳费用",
    summary_en="Pay a fee demand",
)
async def pay(request: ServiceRequest, params: PayParams) -> DemandPayResult:
    demand, start = await demands.pay(request, params.demand_no, params.provider, params.trade_type)
    return DemandPayResult(demand=await demands.read(demand), payment=start)


# ------------------------------------------------------------------------------ counter

counter_router = APIRouter(prefix="/pay", tags=["counter"], include_in_schema=False)


def both(exc: GovError) -> str:
    """A page for anyone who scans shows the error in both languages."""
    return f"{exc.message('zh-CN')} {exc.message('en')}"


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


async def _demand_or_page(demand_no: str) -> FeeDemand | HTMLResponse:
    try:
        return await demands.find(demand_no)
    except GovError as exc:
        return _html(counter.page("缴费 Pay", f"<p>{escape(both(exc))}</p>"), exc.status)


async def _start(demand: FeeDemand, method: Method, request: Request) -> Response:
    """Opens an order for whoever scanned (not signed in) and sends them to pay it."""
    try:
        payable = await demands.payable(demand.demand_no)
        _, start = await demands.open_order(payable, 0, method, client_ip=client_ip(request))
    except GovError as exc:
        return _html(counter.choices_page(demand, both(exc)), exc.status)
    target = start.pay.get("cashier_url") or start.pay.get("url")
    if target:
        return RedirectResponse(str(target), status_code=303)
    content = start.pay.get("code_url") or start.pay.get("qr_code") or ""
    return _html(
        counter.qr_page(demand, "请用手机扫码支付 Scan with your phone to pay", str(content))
    )


@counter_router.get("/{demand_no}")
async def scanned(demand_no: DemandNo, request: Request) -> Response:
    """Where the counter's QR code leads: the app that scanned it decides how to pay."""
    found = await _demand_or_page(demand_no)
    if isinstance(found, HTMLResponse):
        return found
    if found.state not in (DemandState.OPEN, DemandState.PAYING):
        return _html(counter.state_page(found))
    app = counter.payer_app(request.headers.get("user-agent", ""))
    if app is counter.PayerApp.WECHAT and (sign_in := counter.wechat_sign_in_url(found)):
        return RedirectResponse(sign_in, status_code=303)
    method = counter.direct_method(found, app)
    if method is not None:
        return await _start(found, method, request)
    return _html(counter.choices_page(found))


@counter_router.post("/{demand_no}/qr/{provider}")
async def platform_qr(demand_no: DemandNo, provider: str, request: Request) -> Response:
    found = await _demand_or_page(demand_no)
    if isinstance(found, HTMLResponse):
        return found
    offered = {method.provider: method for method, _ in counter.qr_methods(found)}
    if provider not in offered:
        return _html(counter.choices_page(found), 404)
    return await _start(found, offered[provider], request)


@counter_router.get("/{demand_no}/wechat")
async def wechat_jsapi(demand_no: DemandNo) -> Response:
    """The page the official-account sign-in lands on: it pays with WeixinJSBridge."""
    found = await _demand_or_page(demand_no)
    if isinstance(found, HTMLResponse):
        return found
    return _html(
        counter.wechat_page(found) if found.state == DemandState.OPEN else counter.state_page(found)
    )


@counter_router.get("/{demand_no}/qr.svg")
async def counter_qr(demand_no: DemandNo) -> Response:
    """The code shown or printed at the counter."""
    demand = await demands.find(demand_no)
    svg = qr_svg(counter.site(counter.pay_path(demand.demand_no)))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@counter_router.get("/{demand_no}/receipt")
async def receipt(demand_no: DemandNo) -> Response:
    found = await _demand_or_page(demand_no)
    if isinstance(found, HTMLResponse):
        return found
    if found.state not in (DemandState.PAID, DemandState.REFUNDED):
        return _html(counter.state_page(found), 409)
    items = [(i.name, i.quantity, i.amount_fen) for i in await demands.items(found)]
    return _html(counter.receipt_page(found, items))


@counter_router.get("/{demand_no}/verify")
async def verify(demand_no: DemandNo, code: str = "") -> Response:
    found = await _demand_or_page(demand_no)
    demand = None if isinstance(found, HTMLResponse) else found
    return _html(
        counter.verify_page(demand, demand is not None and counter.is_genuine(demand, code))
    )


class CounterView(BaseModel):
    demand: DemandRead
    pay_url: str
    qr_svg: str
    receipt_url: str | None


@service.action(
    permission="demands.counter",
    errors=(Code.DEMAND_NOT_FOUND,),
    summary_zh="窗口查看缴费状态",
    summary_en="A demand at the counter: status, QR code, receipt",
)
async def counter_view(request: ServiceRequest, params: DemandNoParams) -> CounterView:
    """What the counter screen shows and refreshes: the state, the code to scan, the receipt."""
    demand = await demands.find(params.demand_no)
    url = counter.site(counter.pay_path(demand.demand_no))
    paid = demand.state in (DemandState.PAID, DemandState.REFUNDED)
    return CounterView(
        demand=await demands.read(demand),
        pay_url=url,
        qr_svg=qr_svg(url),
        receipt_url=f"{url}/receipt" if paid else None,
    )
