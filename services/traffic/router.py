"""Traffic violation (交通违法) actions: thin, the rules are in service.py."""

from __future__ import annotations

from gateway.codes import Code
from gateway.paging import Page
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.traffic.schemas import (
    FinePaymentRead,
    FinePayParams,
    FinePayResult,
    FineReportRead,
    MyPaymentsParams,
    ReportParams,
    StuckReportsParams,
    VehicleParams,
    VehicleRead,
)
from services.traffic.service import traffic

service = Service("traffic", "交通违法", "Traffic violations")

# Few tries a minute: the last 6 characters of a VIN must not be guessable by trying.
GUESS_LIMIT = RateLimit(10)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=GUESS_LIMIT,
    summary_zh="查询交通违法",
    summary_en="Violations of a vehicle",
)
async def query(request: ServiceRequest, params: VehicleParams) -> VehicleRead:
    """Violations of a vehicle by plate number and the last 6 characters of its VIN."""
    return await traffic.query(params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=GUESS_LIMIT,
    mutates=True,
    summary_zh="缴纳罚款",
    summary_en="Pay a fine",
)
async def pay(request: ServiceRequest, params: FinePayParams) -> FinePayResult:
    """Open a payment order for one penalty decision, surcharge of the day included."""
    return await traffic.pay(request, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的罚款缴纳记录",
    summary_en="My fine payments",
)
async def my_payments(request: ServiceRequest, params: MyPaymentsParams) -> Page[FinePaymentRead]:
    """My fine payments newest first, a page at a time."""
    return await traffic.my_payments(request.require_citizen().citizen_id, params)


@service.action(
    permission="traffic.reports",
    summary_zh="待处理的罚款缴纳回传",
    summary_en="Reports of paid fines that need staff",
)
async def stuck_reports(
    request: ServiceRequest, params: StuckReportsParams
) -> Page[FineReportRead]:
    """Reports to the traffic police refused by it or failing for long, oldest first, a page at
    a time."""
    return await traffic.stuck_reports(params)


@service.action(
    permission="traffic.reports",
    mutates=True,
    errors=(Code.FINE_REPORT_NOT_FOUND,),
    summary_zh="重试罚款缴纳回传",
    summary_en="Report a paid fine again now",
)
async def retry_report(request: ServiceRequest, params: ReportParams) -> FineReportRead:
    """One attempt now at the traffic police's system, whatever the backoff; the report as it
    then is."""
    return await traffic.retry_report(params.report_id)
