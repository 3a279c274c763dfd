"""Every query of the traffic tables; state changes are conditional updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.expressions import F

from config.database import equal_to
from services.payable import needing_staff
from services.traffic.models import FinePayment, FineReport, FineState, ReportState


async def insert_payment(**values: Any) -> FinePayment:
    return await FinePayment.create(**values)


async def set_out_trade_no(payment_id: int, out_trade_no: str) -> None:
    await FinePayment.filter(id=payment_id).update(out_trade_no=out_trade_no)


async def payment_by_id(payment_id: int) -> FinePayment | None:
    return await FinePayment.get_or_none(id=payment_id)


async def live_payments(decision_nos: Sequence[str]) -> dict[str, FinePayment]:
    """The open or paid payment of each decision that has one."""
    rows = await FinePayment.filter(lock_key__in=list(decision_nos))
    return {row.decision_no: row for row in rows}


async def open_payments(created_before: datetime, limit: int) -> list[FinePayment]:
    return (
        await FinePayment.filter(state=FineState.OPEN, created_at__lt=created_before)
        .order_by("id")
        .limit(limit)
    )


async def payments_of(citizen_id: int, before_id: int | None, limit: int) -> list[FinePayment]:
    """The resident's fine payments newest first, before `before_id`."""
    query = FinePayment.filter(citizen_id=citizen_id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit)


async def transition(payment_id: int, expected: FineState, new: FineState, **changes: Any) -> bool:
    updated = await FinePayment.filter(id=payment_id, state=expected).update(state=new, **changes)
    return updated == 1


# ------------------------------------------------------------------------------------ reports


async def insert_report(payment_id: int, reference: str, due: datetime) -> FineReport:
    return await FineReport.create(payment_id=payment_id, reference=reference, next_attempt_at=due)


async def report_by_id(report_id: int) -> FineReport | None:
    return await FineReport.get_or_none(id=report_id)


async def reports_of_payments(payment_ids: Sequence[int]) -> dict[int, FineReport]:
    rows = await FineReport.filter(payment_id__in=list(payment_ids)) if payment_ids else []
    return {row.payment_id: row for row in rows}


async def stuck_reports(after_id: int | None, limit: int) -> list[FineReport]:
    """Pending reports flagged for staff, oldest first after `after_id`, each with its payment."""
    return await needing_staff(FineReport, ReportState.PENDING, after_id, limit, "payment")


async def confirm_report(report_id: int, confirmation_no: str, at: datetime) -> bool:
    changed = await FineReport.filter(id=report_id, state=ReportState.PENDING).update(
        state=ReportState.CONFIRMED,
        confirmation_no=confirmation_no,
        reported_at=at,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        needs_attention=False,
        last_error=None,
    )
    return changed == 1


async def payment_ids_named(term: str, limit: int = 200) -> list[int]:
    """The latest fine payments of a decision number or a plate (a staff search)."""
    named = equal_to(FinePayment, term, "decision_no", "plate")
    if named is None:
        return []
    rows = await FinePayment.filter(named).order_by("-id").limit(limit)
    return [row.id for row in rows]
