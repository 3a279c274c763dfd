"""Gateway service "reconciliation" (对账), for finance staff: the runs of a date range, the
breaks to work on, resolving one, and running a day again after the platform corrected it."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError
from gateway.registry import Service
from gateway.schemas import ServiceRequest
from payments.reconciliation import repository
from payments.reconciliation import service as reconciliation
from payments.reconciliation.schemas import (
    MAX_RANGE_DAYS,
    BreakPage,
    BreakRead,
    BreaksParams,
    ReconcileParams,
    ResolveParams,
    RunList,
    RunRead,
    RunsParams,
)

READ = "payments.reconcile"
service = Service("reconciliation", "对账", "Reconciliation")


@service.action(permission=READ, summary_zh="对账结果", summary_en="Reconciliation runs by day")
async def runs(request: ServiceRequest, params: RunsParams) -> RunList:
    if params.from_ > params.to or (params.to - params.from_).days >= MAX_RANGE_DAYS:
        raise GovError(Code.RECONCILIATION_RANGE_INVALID, max_days=MAX_RANGE_DAYS)
    found = await repository.runs_between(params.from_, params.to)
    return RunList(runs=[RunRead.model_validate(run) for run in found])


@service.action(permission=READ, summary_zh="对账差错", summary_en="Reconciliation breaks")
async def breaks(request: ServiceRequest, params: BreaksParams) -> BreakPage:
    rows, next_id = await reconciliation.breaks(
        params.status, params.day, int(params.cursor or 0), params.limit
    )
    return BreakPage(
        items=[BreakRead.model_validate(row) for row in rows],
        next_cursor=str(next_id) if next_id is not None else None,
    )


@service.action(
    permission=READ,
    mutates=True,
    summary_zh="处理对账差错",
    summary_en="Resolve a reconciliation break",
)
async def resolve(request: ServiceRequest, params: ResolveParams) -> BreakRead:
    staff = request.staff
    assert staff is not None
    resolved = await reconciliation.resolve(params.break_id, params.resolution, staff.username)
    return BreakRead.model_validate(resolved)


@service.action(
    permission=READ,
    mutates=True,
    summary_zh="重新对账",
    summary_en="Reconcile a day again",
)
async def reconcile(request: ServiceRequest, params: ReconcileParams) -> RunList:
    found = await reconciliation.reconcile(params.day, params.provider)
    return RunList(runs=[RunRead.model_validate(run) for run in found])
