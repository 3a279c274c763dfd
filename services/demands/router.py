"""Fee demands at the edges: the department API (`/api/v1/departments/…`, API key as Bearer) and
the resident gateway service "demands" (my demands, one demand, pay it). Thin: the rules are in
service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path
from pydantic import BaseModel
from starlette.responses import Response

from gateway.http import ok
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from payments.schemas import PaymentStart
from services.demands.models import Department, KeyMode
from services.demands.schemas import DemandCreate, DemandNoParams, DemandRead, NoParams, PayParams
from services.demands.service import demands

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


class DemandList(BaseModel):
    demands: list[DemandRead]


class DemandPayResult(BaseModel):
    demand: DemandRead
    payment: PaymentStart


@service.action(
    identity=IdentityLevel.LOGGED_IN, summary_zh="我的待缴费用", summary_en="My fee demands"
)
async def mine(request: ServiceRequest, params: NoParams) -> DemandList:
    """Open demands that name my phone or ID number, and the ones I paid."""
    return DemandList(demands=await demands.mine(request.require_citizen().citizen_id))


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
