"""What the payable services (utility bills, traffic fines) share about their payment orders.

A bill or fine in an open order is locked; the lock goes when the order can no longer be paid.
Payments has no close hook for business services, so they ask the ledger here whether the order
behind a lock is over (closed on expiry, paid after closing and refunded). After payment both
tell the other side (the company, the traffic police) and retry with the same backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tortoise import fields
from tortoise.models import Model

from payments import repository as payments_ledger
from payments.states import OrderState

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a hand-over to the other side is retried: the backoff, and after how many failed
    attempts staff are asked to look (retrying goes on)."""

    base_seconds: int
    cap_seconds: int
    attention_after: int

    def after_failure(self, attempts: int, retryable: bool, now: datetime) -> NextAttempt:
        """What follows the `attempts`-th failure: a refusal for good is never retried by
        itself and goes to staff at once."""
        if not retryable:
            return NextAttempt(None, True)
        wait = next_attempt_delay(attempts, self.base_seconds, self.cap_seconds)
        return NextAttempt(now + timedelta(seconds=wait), attempts >= self.attention_after)


@dataclass(frozen=True, slots=True)
class NextAttempt:
    at: datetime | None  # None: not again by itself
    needs_attention: bool


class HandOver(Model):
    """Telling the other side (a utility company, the traffic police) that a payment was made,
    retried until it confirms. `reference` is the payment order's out_trade_no, which the other
    side keys on to settle once."""

    reference = fields.CharField(max_length=64, unique=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    needs_attention = fields.BooleanField(default=False)
    last_error = fields.CharField(max_length=255, null=True)
    confirmation_no = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True


H = TypeVar("H", bound=HandOver)


async def count_failure(
    hand_over: HandOver,
    pending: str,
    exc: Exception,
    retryable: bool,
    policy: RetryPolicy,
    now: datetime,
) -> NextAttempt:
    """Counts one failed attempt at the other side and plans the next, unless another attempt
    was counted since `hand_over` was read (two sweeps racing); logs it, at error level once
    staff must look."""
    attempts = hand_over.attempts + 1
    step = policy.after_failure(attempts, retryable, now)
    await (
        type(hand_over)
        .filter(pk=hand_over.pk, state=pending, attempts=hand_over.attempts)
        .update(
            attempts=attempts,
            next_attempt_at=step.at,
            needs_attention=step.needs_attention,
            last_error=f"{type(exc).__name__}: {exc}"[:255],
        )
    )
    (logger.error if step.needs_attention else logger.warning)(
        "%s %d failed (attempt %d): %s", type(hand_over).__name__, hand_over.pk, attempts, exc
    )
    return step


async def needing_staff(
    model: type[H], pending: str, after_id: int | None, limit: int, related: str
) -> list[H]:
    """Pending hand-overs flagged for staff (refused, or failing for long), oldest first after
    `after_id`, each with its payment (`related`)."""
    query = model.filter(state=pending, needs_attention=True)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.select_related(related).order_by("id").limit(limit)


async def retry_now(
    model: type[H],
    hand_over_id: int,
    attempt: Callable[[int], Awaitable[bool]],
    missing: Callable[[], Exception],
) -> H:
    """Staff try a hand-over again at once, whatever its backoff: the other side keys on the
    reference, so one that did go through is not settled twice. The hand-over as it then is."""
    if not await model.exists(id=hand_over_id):
        raise missing()
    await attempt(hand_over_id)
    return await model.get(id=hand_over_id)


async def attempt_due(
    model: type[HandOver],
    pending: str,
    now: datetime,
    limit: int,
    attempt: Callable[[int], Awaitable[bool]],
) -> int:
    """A sweep: `attempt` for every pending hand-over whose next attempt is due, the longest
    waiting first; how many it completed."""
    pk = model._meta.pk_attr
    due: list[Any] = (
        await model.filter(state=pending, next_attempt_at__lte=now)
        .order_by("next_attempt_at", pk)
        .limit(limit)
        .values_list(pk, flat=True)
    )
    completed = 0
    for item in due:
        if await attempt(int(item)):
            completed += 1
    return completed


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
