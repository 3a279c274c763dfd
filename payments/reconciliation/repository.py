"""The ledger as reconciliation reads it (orders and refunds, read only) and the runs and breaks
it writes. The only module of reconciliation that queries tables."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from tortoise.expressions import Q

from payments.models import PaymentOrder, Refund
from payments.reconciliation.matching import Break, Key, LedgerEntry
from payments.reconciliation.models import (
    BreakStatus,
    ReconciliationBreak,
    ReconciliationRun,
)
from payments.reconciliation.statements import LineKind
from payments.states import OrderState, RefundState

MONEY_IN = frozenset(
    {
        OrderState.PAID,
        OrderState.PARTIALLY_REFUNDED,
        OrderState.REFUNDED,
        OrderState.PAID_AFTER_CLOSE,
    }
)


def _payment(order: PaymentOrder) -> LedgerEntry:
    return LedgerEntry(
        kind=LineKind.PAYMENT,
        out_trade_no=order.out_trade_no,
        amount_fen=order.amount_fen,
        state=order.state.value,
        settled=order.state in MONEY_IN,
    )


def _refund(refund: Refund, out_trade_no: str) -> LedgerEntry:
    return LedgerEntry(
        kind=LineKind.REFUND,
        out_trade_no=out_trade_no,
        out_refund_no=refund.out_refund_no,
        amount_fen=refund.amount_fen,
        state=refund.state.value,
        settled=refund.state is RefundState.SUCCEEDED,
    )


async def entries_settled_between(
    provider: str, start: datetime, end: datetime
) -> list[LedgerEntry]:
    """Payments and refunds of `provider` whose money moved in [start, end)."""
    orders = await PaymentOrder.filter(provider=provider, paid_at__gte=start, paid_at__lt=end)
    refunds = await Refund.filter(
        order__provider=provider, succeeded_at__gte=start, succeeded_at__lt=end
    ).select_related("order")
    return [_payment(order) for order in orders] + [
        _refund(refund, refund.order.out_trade_no) for refund in refunds
    ]


async def entries_for(provider: str, keys: Iterable[Key]) -> dict[Key, LedgerEntry]:
    """Our entries for the statement's keys, whatever day they settled on."""
    keys = list(keys)
    trade_nos = {no for kind, no, _ in keys if kind is LineKind.PAYMENT}
    refund_nos = {refund_no for kind, _, refund_no in keys if kind is LineKind.REFUND}
    found: dict[Key, LedgerEntry] = {}
    if trade_nos:
        for order in await PaymentOrder.filter(provider=provider, out_trade_no__in=trade_nos):
            entry = _payment(order)
            found[entry.key] = entry
    if refund_nos:
        refunds = await Refund.filter(
            order__provider=provider, out_refund_no__in=refund_nos
        ).select_related("order")
        for refund in refunds:
            entry = _refund(refund, refund.order.out_trade_no)
            found[entry.key] = entry
    return found


async def save_run(provider: str, day: date, **values: object) -> ReconciliationRun:
    run, _ = await ReconciliationRun.update_or_create(defaults=values, provider=provider, day=day)
    return run


async def record_breaks(provider: str, day: date, breaks: list[Break], now: datetime) -> int:
    """Opens the breaks not seen before, keeps the ones seen again, clears the open ones no
    longer found; the number of open breaks of the day afterwards."""
    existing = {
        (row.kind.value, row.out_trade_no, row.out_refund_no): row
        for row in await ReconciliationBreak.filter(provider=provider, day=day)
    }
    found = {item.key: item for item in breaks}
    for key, item in found.items():
        row = existing.get(key)
        if row is None:
            await ReconciliationBreak.create(
                provider=provider,
                day=day,
                kind=item.kind,
                out_trade_no=item.out_trade_no,
                out_refund_no=item.out_refund_no,
                ours_fen=item.ours_fen,
                theirs_fen=item.theirs_fen,
                our_state=item.our_state,
                their_state=item.their_state,
            )
        elif row.status is BreakStatus.CLEARED:
            row.status = BreakStatus.OPEN
            await row.save(update_fields=["status", "updated_at"])
    for key, row in existing.items():
        if key not in found and row.status is BreakStatus.OPEN:
            row.status = BreakStatus.CLEARED
            row.resolved_at = now
            await row.save(update_fields=["status", "resolved_at", "updated_at"])
    return await ReconciliationBreak.filter(
        provider=provider, day=day, status=BreakStatus.OPEN
    ).count()


async def runs_between(start: date, end: date) -> list[ReconciliationRun]:
    return await ReconciliationRun.filter(day__gte=start, day__lte=end).order_by("-day", "provider")


async def breaks_page(
    status: BreakStatus | None, day: date | None, after_id: int, limit: int
) -> list[ReconciliationBreak]:
    query = ReconciliationBreak.filter(id__gt=after_id)
    if status is not None:
        query = query.filter(status=status)
    if day is not None:
        query = query.filter(day=day)
    return await query.order_by("id").limit(limit)


async def break_by_id(break_id: int) -> ReconciliationBreak | None:
    return await ReconciliationBreak.get_or_none(id=break_id)


async def resolve_break(
    break_id: int, resolution: str, staff: str, now: datetime
) -> ReconciliationBreak | None:
    """Marks an open break resolved; None when it is not open (resolved twice, or cleared)."""
    updated = await ReconciliationBreak.filter(Q(id=break_id) & Q(status=BreakStatus.OPEN)).update(
        status=BreakStatus.RESOLVED, resolution=resolution, resolved_by=staff, resolved_at=now
    )
    if not updated:
        return None
    resolved = await ReconciliationBreak.get(id=break_id)
    still_open = await ReconciliationBreak.filter(
        provider=resolved.provider, day=resolved.day, status=BreakStatus.OPEN
    ).count()
    await ReconciliationRun.filter(provider=resolved.provider, day=resolved.day).update(
        open_breaks=still_open
    )
    return resolved
