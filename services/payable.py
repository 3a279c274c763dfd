"""What the payable services (utility bills, traffic fines) share about their payment orders.

A bill or fine in an open order is locked; the lock goes when the order can no longer be paid.
Payments has no close hook for business services, so they ask the ledger here whether the order
behind a lock is over (closed on expiry, paid after closing and refunded). After payment both
tell the other side (the company, the traffic police) and retry with the same backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from payments import repository as payments_ledger
from payments.states import OrderState

Clock = Callable[[], datetime]

# States in which an order will never settle its business object (a refunded order counts only
# when it was closed first: money that came late is refunded and never settles anything).
OVER: frozenset[OrderState] = frozenset({OrderState.CLOSED, OrderState.PAID_AFTER_CLOSE})


def utcnow() -> datetime:
    return datetime.now(UTC)


def next_attempt_delay(attempts: int, base_seconds: int, cap_seconds: int) -> int:
    """Seconds to wait after `attempts` failed attempts at the other side: `base_seconds` after
    the first, doubled after each further one, never more than `cap_seconds`."""
    doublings = min(max(attempts - 1, 0), 32)  # past a few doublings the cap rules anyway
    factor: int = 2**doublings
    return min(base_seconds * factor, cap_seconds)


async def order_over(out_trade_no: str | None) -> bool:
    """True when the order cannot settle anything any more, so its lock may go.

    No order at all (the opening transaction rolled back) counts as over."""
    if out_trade_no is None:
        return True
    order = await payments_ledger.order_by_out_trade_no(out_trade_no)
    if order is None:
        return True
    if order.state == OrderState.REFUNDED:
        return order.closed_at is not None
    return order.state in OVER
