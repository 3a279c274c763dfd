"""Every query of the payments tables. State changes are single conditional updates: they return
whether this caller made the change, which is how concurrent callers agree on one winner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from config.database import changed_rows
from payments.models import PaymentEvent, PaymentFulfilment, PaymentOrder, PaymentOutbox, Refund
from payments.states import (
    REFUNDABLE,
    OrderState,
    OutboxKind,
    Purpose,
    RefundState,
    TradeType,
)

# ------------------------------------------------------------------------------------ orders


async def insert_order(**values: Any) -> PaymentOrder:
    return await PaymentOrder.create(**values)


async def order_by_out_trade_no(out_trade_no: str) -> PaymentOrder | None:
    return await PaymentOrder.get_or_none(out_trade_no=out_trade_no)


async def orders_newest_first(
    *,
    before_id: int | None,
    created_from: datetime | None,
    created_to: datetime | None,
    filters: dict[str, Any],
    limit: int,
    references: Mapping[Purpose, list[str]] | None = None,
) -> list[PaymentOrder]:
    query = PaymentOrder.filter(**filters)
    if references is not None:
        named = Q()
        for purpose, refs in references.items():
            named |= Q(purpose=purpose, reference__in=refs)
        query = query.filter(named)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    if created_from is not None:
        query = query.filter(created_at__gte=created_from)
    if created_to is not None:
        query = query.filter(created_at__lt=created_to)
    return await query.order_by("-id").limit(limit)


async def order_by_id(order_id: int) -> PaymentOrder:
    return await PaymentOrder.get(id=order_id)


async def reusable_order(
    purpose: Purpose,
    reference: str,
    citizen_id: int,
    provider: str,
    trade_type: TradeType,
    valid_after: datetime,
) -> PaymentOrder | None:
    """An open order for the same thing, payer and method that is still payable for a while."""
    return (
        await PaymentOrder.filter(
            purpose=purpose,
            reference=reference,
            citizen_id=citizen_id,
            provider=provider,
            trade_type=trade_type,
            state=OrderState.CREATED,
            expires_at__gt=valid_after,
            client_payload__isnull=False,
        )
        .order_by("-id")
        .first()
    )


async def settled_order_exists(purpose: Purpose, reference: str) -> bool:
    return await PaymentOrder.filter(
        purpose=purpose,
        reference=reference,
        state__in=(OrderState.PAID, OrderState.PARTIALLY_REFUNDED),
    ).exists()


async def transition_order(
    order_id: int, expected: OrderState, new: OrderState, **changes: Any
) -> bool:
    """`UPDATE … SET state = new WHERE id = … AND state = expected`; True when this call won."""
    updated = await PaymentOrder.filter(id=order_id, state=expected).update(state=new, **changes)
    return updated == 1


# The payment transition as ONE statement on PostgreSQL: the conditional update, the event row
# and the outbox entry commit together (a statement is its own transaction) in one round trip.
# It is the hot path of every notification; elsewhere the same three writes run in a transaction.
_RECORD_PAYMENT_SQL = """
WITH moved AS (
    UPDATE payment_order
       SET state = $2, provider_trade_no = COALESCE($3, provider_trade_no), paid_at = $4,
           updated_at = $5
     WHERE state = $1 AND {match}
 RETURNING id, state
), event AS (
    INSERT INTO payment_event (order_id, kind, from_state, to_state, amount_fen, source, detail,
                               created_at)
    SELECT id, $6, $1, $2, $7, $8, $9::jsonb, $5 FROM moved
), entry AS (
    INSERT INTO payment_outbox (kind, order_id, done, dead, attempts, available_at, created_at)
    SELECT $10, id, FALSE, FALSE, 0, $5, $5 FROM moved
)
SELECT count(*) AS moved FROM moved
"""
# Columns an order may be matched on when recording a payment (never user-chosen names).
MATCHABLE = frozenset(
    {"id", "out_trade_no", "provider", "app_id", "merchant_id", "amount_fen", "currency"}
)


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """What recording a payment writes besides the new state."""

    event_kind: str
    source: str
    amount_fen: int | None
    detail: dict[str, object]
    outbox_kind: str
    provider_trade_no: str | None
    paid_at: datetime


async def record_payment(
    match: dict[str, Any],
    expected: OrderState,
    new: OrderState,
    record: PaymentRecord,
    now: datetime,
) -> bool:
    """Moves the order matching every `match` column from `expected` to `new`, with its event
    and outbox entry, atomically; True when this call made the move."""
    if not match or not set(match) <= MATCHABLE:
        raise ValueError(f"cannot match orders on {sorted(match)}")
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        return await _record_payment_in_one_statement(connection, match, expected, new, record, now)
    async with in_transaction():
        found: list[Any] = await PaymentOrder.filter(state=expected, **match).values_list(
            "id", flat=True
        )
        if len(found) != 1:
            return False
        order_id = int(found[0])
        changes: dict[str, Any] = {"paid_at": record.paid_at}
        if record.provider_trade_no:
            changes["provider_trade_no"] = record.provider_trade_no
        if not await transition_order(order_id, expected, new, **changes):
            return False
        await add_event(
            order_id,
            record.event_kind,
            record.source,
            from_state=expected,
            to_state=new,
            amount_fen=record.amount_fen,
            detail=record.detail,
        )
        await add_outbox(record.outbox_kind, order_id, now)
    return True


async def _record_payment_in_one_statement(
    connection: Any,
    match: dict[str, Any],
    expected: OrderState,
    new: OrderState,
    record: PaymentRecord,
    now: datetime,
) -> bool:
    values: list[Any] = [
        expected.value,
        new.value,
        record.provider_trade_no,
        record.paid_at,
        now,
        record.event_kind,
        record.amount_fen,
        record.source,
        orjson.dumps(record.detail).decode(),
        record.outbox_kind,
    ]
    conditions = []
    for column in sorted(match):
        values.append(match[column])
        conditions.append(f"{column} = ${len(values)}")
    sql = _RECORD_PAYMENT_SQL.format(match=" AND ".join(conditions))
    async with connection.acquire_connection() as driver:  # asyncpg itself: the hot path
        moved = await driver.fetchval(sql, *values)
    return int(moved) == 1


# Many payments in ONE statement (PostgreSQL): the notify path's group commit. Each input row
# is one verified report; an order moves when it is unpaid and matches every column the report
# vouches for (NULL: the report does not name it). Of several reports of one order in a batch
# only the first may move it. The positions of the rows that moved come back.
_RECORD_PAYMENTS_SQL = """
WITH input AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::bigint[], $7::text[], $8::text[], $9::timestamptz[], $10::text[],
                         $11::text[])
        AS i(pos, out_trade_no, provider, app_id, merchant_id, amount_fen, currency,
             provider_trade_no, paid_at, source, detail)
), chosen AS (
    SELECT DISTINCT ON (out_trade_no) * FROM input ORDER BY out_trade_no, pos
), moved AS (
    UPDATE payment_order o
       SET state = $13, provider_trade_no = COALESCE(c.provider_trade_no, o.provider_trade_no),
           paid_at = c.paid_at, updated_at = $14
      FROM chosen c
     WHERE o.out_trade_no = c.out_trade_no AND o.state = $12 AND o.provider = c.provider
       AND (c.app_id IS NULL OR o.app_id = c.app_id)
       AND (c.merchant_id IS NULL OR o.merchant_id = c.merchant_id)
       AND o.amount_fen = c.amount_fen AND o.currency = c.currency
 RETURNING o.id, c.pos, c.amount_fen, c.source, c.detail
), event AS (
    INSERT INTO payment_event (order_id, kind, from_state, to_state, amount_fen, source, detail,
                               created_at)
    SELECT id, 'paid', $12, $13, amount_fen, source, detail::jsonb, $14 FROM moved
), entry AS (
    INSERT INTO payment_outbox (kind, order_id, done, dead, attempts, available_at, created_at)
    SELECT $15, id, FALSE, FALSE, 0, $14, $14 FROM moved
)
SELECT pos FROM moved
"""


@dataclass(frozen=True, slots=True)
class ReportedPayment:
    """One verified report of a payment, for the batched transition CREATED → PAID."""

    out_trade_no: str
    provider: str
    app_id: str | None
    merchant_id: str | None
    amount_fen: int
    currency: str
    provider_trade_no: str | None
    paid_at: datetime
    source: str
    detail: dict[str, object]


def batches_payments() -> bool:
    """Whether `record_payments` may be used: outside any transaction (the batch commits on
    its own, so a caller in a unit of work must use `record_payment`)."""
    return not isinstance(connections.get("default"), TransactionalDBClient)


async def record_payments(rows: list[ReportedPayment], now: datetime) -> list[bool]:
    """Moves every unpaid order a row describes to PAID, with its event and outbox entry, all
    or nothing (PostgreSQL: one statement; SQLite: one transaction); per row, whether that row
    made the move."""
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return await _record_payments_in_one_transaction(rows, now)
    columns: list[list[Any]] = [[] for _ in range(11)]
    for position, row in enumerate(rows):
        values = (
            position,
            row.out_trade_no,
            row.provider,
            row.app_id,
            row.merchant_id,
            row.amount_fen,
            row.currency,
            row.provider_trade_no,
            row.paid_at,
            row.source,
            orjson.dumps(row.detail).decode(),
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    async with connection.acquire_connection() as driver:
        moved = await driver.fetch(
            _RECORD_PAYMENTS_SQL,
            *columns,
            OrderState.CREATED.value,
            OrderState.PAID.value,
            now,
            OutboxKind.PAID.value,
        )
    won = {int(record["pos"]) for record in moved}
    return [position in won for position in range(len(rows))]


# One row of `_record_payments_in_one_transaction`: the conditional update, matched on every
# column the report vouches for (NULL: the report does not name it).
_RECORD_ONE_PAYMENT_SQL = """
UPDATE payment_order
   SET state = ?, provider_trade_no = COALESCE(?, provider_trade_no), paid_at = ?, updated_at = ?
 WHERE out_trade_no = ? AND state = ? AND provider = ? AND amount_fen = ? AND currency = ?
   AND (? IS NULL OR app_id = ?) AND (? IS NULL OR merchant_id = ?)
"""


async def _record_payments_in_one_transaction(
    rows: list[ReportedPayment], now: datetime
) -> list[bool]:
    """The same moves for databases without data-modifying CTEs: one conditional update per
    row, then the events and outbox entries of the rows that moved inserted together, and one
    commit for the batch."""
    won: list[bool] = []
    async with in_transaction() as connection:
        for row in rows:
            changed, _ = await connection.execute_query(
                _RECORD_ONE_PAYMENT_SQL,
                [
                    OrderState.PAID.value,
                    row.provider_trade_no,
                    row.paid_at,
                    now,
                    row.out_trade_no,
                    OrderState.CREATED.value,
                    row.provider,
                    row.amount_fen,
                    row.currency,
                    row.app_id,
                    row.app_id,
                    row.merchant_id,
                    row.merchant_id,
                ],
            )
            won.append(changed == 1)
        winners = [row for row, made in zip(rows, won, strict=True) if made]
        ids: dict[str, int] = {}
        if winners:
            found: list[Any] = await PaymentOrder.filter(
                out_trade_no__in=[row.out_trade_no for row in winners]
            ).values_list("out_trade_no", "id")
            ids = {str(number): int(order_id) for number, order_id in found}
        moved = [(ids[row.out_trade_no], row) for row in winners]
        if moved:
            await PaymentEvent.bulk_create(
                [
                    PaymentEvent(
                        order_id=order_id,
                        kind="paid",
                        source=row.source,
                        from_state=OrderState.CREATED.value,
                        to_state=OrderState.PAID.value,
                        amount_fen=row.amount_fen,
                        detail=row.detail,
                    )
                    for order_id, row in moved
                ]
            )
            await PaymentOutbox.bulk_create(
                [
                    PaymentOutbox(kind=OutboxKind.PAID.value, order_id=order_id, available_at=now)
                    for order_id, _ in moved
                ]
            )
    return won


async def save_client_payment(
    order_id: int,
    payload: dict[str, object],
    app_id: str,
    merchant_id: str,
    provider_trade_no: str | None,
) -> None:
    await PaymentOrder.filter(id=order_id).update(
        client_payload=payload,
        app_id=app_id,
        merchant_id=merchant_id,
        provider_trade_no=provider_trade_no,
    )


async def expired_open_orders(now: datetime, limit: int) -> list[PaymentOrder]:
    return (
        await PaymentOrder.filter(state=OrderState.CREATED, expires_at__lte=now)
        .order_by("expires_at")
        .limit(limit)
    )


async def reserve_refund(order_id: int, seen_reserved: int, amount_fen: int) -> bool:
    """Reserves `amount_fen` of the paid amount if no other refund moved the reservation since."""
    updated = await PaymentOrder.filter(
        id=order_id, refund_reserved_fen=seen_reserved, state__in=tuple(REFUNDABLE)
    ).update(refund_reserved_fen=seen_reserved + amount_fen)
    return updated == 1


async def release_refund(order_id: int, amount_fen: int) -> None:
    await PaymentOrder.filter(id=order_id).update(
        refund_reserved_fen=F("refund_reserved_fen") - amount_fen
    )


async def record_refunded(
    order_id: int,
    expected: OrderState,
    new: OrderState,
    seen_refunded: int,
    amount_fen: int,
) -> bool:
    updated = await PaymentOrder.filter(
        id=order_id, state=expected, refunded_fen=seen_refunded
    ).update(state=new, refunded_fen=seen_refunded + amount_fen)
    return updated == 1


# ------------------------------------------------------------------------------------ events


async def add_event(
    order_id: int,
    kind: str,
    source: str,
    *,
    from_state: OrderState | None = None,
    to_state: OrderState | None = None,
    amount_fen: int | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    await PaymentEvent.create(
        order_id=order_id,
        kind=kind,
        source=source,
        from_state=None if from_state is None else from_state.value,
        to_state=None if to_state is None else to_state.value,
        amount_fen=amount_fen,
        detail=detail,
    )


async def events_of(order_id: int) -> list[PaymentEvent]:
    return await PaymentEvent.filter(order_id=order_id).order_by("id")


# ------------------------------------------------------------------------------------ refunds


async def refund_by_no(out_refund_no: str) -> Refund | None:
    return await Refund.get_or_none(out_refund_no=out_refund_no)


async def refund_by_id(refund_id: int) -> Refund:
    return await Refund.get(id=refund_id)


async def insert_refund(**values: Any) -> Refund:
    return await Refund.create(**values)


async def transition_refund(
    refund_id: int, expected: RefundState, new: RefundState, **changes: Any
) -> bool:
    updated = await Refund.filter(id=refund_id, state=expected).update(state=new, **changes)
    return updated == 1


async def note_refund_attempt(
    refund_id: int,
    next_attempt_at: datetime | None,
    error: str | None,
    needs_attention: bool,
    provider_refund_no: str | None = None,
) -> None:
    changes: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "next_attempt_at": next_attempt_at,
        "last_error": None if error is None else error[:255],
        "needs_attention": needs_attention,
    }
    if provider_refund_no:
        changes["provider_refund_no"] = provider_refund_no
    await Refund.filter(id=refund_id, state=RefundState.PENDING).update(**changes)


async def due_refunds(now: datetime, limit: int) -> list[Refund]:
    return (
        await Refund.filter(
            state=RefundState.PENDING, needs_attention=False, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .limit(limit)
    )


# ------------------------------------------------------------------------------------ outbox


async def add_outbox(kind: str, order_id: int, now: datetime, refund_id: int | None = None) -> int:
    entry = await PaymentOutbox.create(
        kind=kind, order_id=order_id, refund_id=refund_id, available_at=now
    )
    return int(entry.id)


async def due_outbox_ids(now: datetime, limit: int) -> list[int]:
    rows: list[Any] = (
        await PaymentOutbox.filter(done=False, dead=False, available_at__lte=now)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    return [int(r) for r in rows]


async def claim_outbox(entry_id: int, token: str, now: datetime, lease_until: datetime) -> bool:
    """Takes the entry for one consumer until `lease_until`, unless another holds a live lease."""
    updated = (
        await PaymentOutbox.filter(id=entry_id, done=False, dead=False, available_at__lte=now)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(lease_token=token, lease_expires_at=lease_until, attempts=F("attempts") + 1)
    )
    return updated == 1


async def outbox_entry(entry_id: int) -> PaymentOutbox:
    return await PaymentOutbox.get(id=entry_id)


async def insert_fulfilment(entry_id: int, kind: str, order_id: int) -> None:
    """Raises IntegrityError when the entry was already fulfilled."""
    await PaymentFulfilment.create(entry_id=entry_id, kind=kind, order_id_ref=order_id)


async def complete_outbox(entry_id: int, token: str, now: datetime) -> bool:
    updated = await PaymentOutbox.filter(id=entry_id, lease_token=token, done=False).update(
        done=True, done_at=now, lease_token=None, lease_expires_at=None, last_error=None
    )
    return updated == 1


async def fail_outbox(
    entry_id: int, token: str, error: str, available_at: datetime, dead: bool
) -> None:
    await PaymentOutbox.filter(id=entry_id, lease_token=token, done=False).update(
        lease_token=None,
        lease_expires_at=None,
        last_error=error[:255],
        available_at=available_at,
        dead=dead,
    )


async def changed_of(citizen_id: int, before: datetime | None, limit: int) -> list[PaymentOrder]:
    """The resident\'s paymentorders for their timeline, the newest first."""
    return await changed_rows(PaymentOrder, citizen_id, before, limit)
