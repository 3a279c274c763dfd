"""Every query of the traffic tables; state changes are conditional updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.traffic.models import FinePayment, FineState


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


async def payments_of(citizen_id: int, limit: int = 100) -> list[FinePayment]:
    return await FinePayment.filter(citizen_id=citizen_id).order_by("-id").limit(limit)


async def transition(payment_id: int, expected: FineState, new: FineState, **changes: Any) -> bool:
    updated = await FinePayment.filter(id=payment_id, state=expected).update(state=new, **changes)
    return updated == 1
