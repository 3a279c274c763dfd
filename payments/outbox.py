"""Fulfilment: business services learn of payments only here, and each entry is acted on once.
The business side of each purpose is the fulfiller its capability registered (payments/api.py).

How once is guaranteed, even when a worker dies halfway:
1. `claim`: a conditional update gives the entry to one consumer with a lease (a token and an
   expiry), committed on its own; a crashed consumer's lease simply runs out.
2. `fulfil`: in ONE transaction the fulfiller runs (its database writes join the transaction),
   a `PaymentFulfilment` row unique per entry is inserted, and the entry is marked done — only
   if our lease token is still on it. A consumer that dies before commit leaves nothing; one
   whose lease was taken over loses on the unique row or the token and rolls back.
So a fulfiller's database effects happen exactly once. A fulfiller that also calls out (a
utility company, say) must make that call idempotent by the order's `out_trade_no`.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from config.database import unit_of_work
from gateway.schemas import Channel
from notify.events import Event, emit
from payments import repository as repo
from payments.api import fulfiller_for
from payments.models import PaymentOrder, PaymentOutbox
from payments.service import service, utcnow
from payments.settings import payment_settings
from payments.states import OutboxKind, TradeType

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another consumer took the entry over; this one must not commit."""


async def consume_due(now: datetime | None = None, limit: int = 50) -> int:
    """Fulfils every entry that is due and not leased; returns how many this call fulfilled."""
    now = now or utcnow()
    done = 0
    for entry_id in await repo.due_outbox_ids(now, limit):
        if await process(entry_id, now):
            done += 1
    return done


async def claim(entry_id: int, now: datetime) -> str | None:
    """Leases the entry to this consumer; the token, or None when another holds it."""
    token = secrets.token_hex(16)
    lease = timedelta(seconds=payment_settings().outbox_lease_seconds)
    return token if await repo.claim_outbox(entry_id, token, now, now + lease) else None


async def process(entry_id: int, now: datetime | None = None) -> bool:
    """Claims and fulfils one entry; True when this call fulfilled it."""
    now = now or utcnow()
    token = await claim(entry_id, now)
    if token is None:
        return False
    return await fulfil(entry_id, token)


async def fulfil(entry_id: int, token: str) -> bool:
    """Runs the entry's action, records the fulfilment and marks the entry done, atomically."""
    entry = await repo.outbox_entry(entry_id)
    try:
        async with unit_of_work():
            await _act(entry)
            await repo.insert_fulfilment(entry.id, entry.kind, entry.order_id)
            if not await repo.complete_outbox(entry.id, token, utcnow()):
                raise LeaseLost()
    except (IntegrityError, LeaseLost):
        logger.info("outbox entry %d was fulfilled by another consumer", entry.id)
        return False
    except Exception as exc:
        await _failed(entry, token, exc)
        return False
    return True


async def _act(entry: PaymentOutbox) -> None:
    order = await repo.order_by_id(entry.order_id)
    kind = OutboxKind(entry.kind)
    if kind == OutboxKind.LATE_PAYMENT:
        await service.refund_late_payment(order)
        return
    fulfiller = fulfiller_for(order.purpose)
    if kind == OutboxKind.CLOSED:
        await fulfiller.closed(order)
    elif kind == OutboxKind.PAID:
        await fulfiller.paid(order)
        await tell_resident(order, Event.PAYMENT_SUCCEEDED, order.amount_fen, "paid")
    elif entry.refund_id is not None:
        refund = await repo.refund_by_id(entry.refund_id)
        await fulfiller.refunded(order, refund)
        await tell_resident(order, Event.PAYMENT_REFUNDED, refund.amount_fen, refund.out_refund_no)


# Where a resident paid, by how: the channel their message goes to.
PAYER_CHANNELS: dict[tuple[str, TradeType], Channel] = {
    ("wechatpay", TradeType.JSAPI): Channel.WECHAT_OA,
    ("wechatpay", TradeType.MINIPROGRAM): Channel.WECHAT_MP,
    ("alipay", TradeType.MINIPROGRAM): Channel.ALIPAY_MP,
    ("wechatpay", TradeType.APP): Channel.APP,
    ("alipay", TradeType.APP): Channel.APP,
}


async def tell_resident(order: PaymentOrder, event: Event, amount_fen: int, what: str) -> None:
    """A message for every payment and refund, whatever its purpose, in the fulfilment's
    transaction (sent once: the key is the order and what happened to it). A payer at the
    counter who did not sign in (citizen 0) has no one to tell."""
    if not order.citizen_id:
        return
    await emit(
        event,
        order.citizen_id,
        {"item": order.description, "amount_fen": amount_fen, "order_no": order.out_trade_no},
        channel=PAYER_CHANNELS.get((order.provider, order.trade_type), Channel.WEB),
        dedupe_key=f"{order.out_trade_no}:{what}",
    )


async def _failed(entry: PaymentOutbox, token: str, exc: Exception) -> None:
    attempts = entry.attempts  # the claim already counted this attempt
    dead = attempts >= payment_settings().outbox_max_attempts
    retry_at = utcnow() + timedelta(seconds=min(5 * 2**attempts, 3600))
    logger.error(
        "outbox entry %d (%s) failed, attempt %d%s",
        entry.id,
        entry.kind,
        attempts,
        ": flagged for staff" if dead else "",
        exc_info=exc,
    )
    await repo.fail_outbox(entry.id, token, f"{type(exc).__name__}: {exc}", retry_at, dead)
