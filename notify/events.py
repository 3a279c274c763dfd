"""The one way other modules tell a resident something: `emit`.

    async with unit_of_work():
        order.state = PAID
        await order.save()
        await emit(
            Event.PAYMENT_SUCCEEDED,
            order.citizen_id,
            {"item": "不动产登记费", "amount_fen": 8000, "order_no": order.out_trade_no},
            channel=order.channel,
            dedupe_key=f"payment:{order.out_trade_no}:paid",
        )

The outbox row is written in the caller's transaction (rolled back with it) and the send job is
queued after commit. The same `dedupe_key` for the same event and resident writes nothing more,
so a retried event never sends twice. Only `notify/` knows providers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from config.database import unit_of_work
from config.jobs import enqueue
from gateway.schemas import Channel
from notify import repository
from notify.models import Notification, NotificationStatus
from notify.routing import route_for
from notify.settings import notify_settings
from notify.tasks import deliver
from notify.templates import MANDATORY_CATEGORIES, Event, render
from notify.timing import quiet_until, utcnow


@dataclass(frozen=True, slots=True)
class Emitted:
    notification_id: int
    status: NotificationStatus
    created: bool  # False: the de-duplication key had been used, nothing new was written


def outbox_key(event: str, citizen_id: int, dedupe_key: str) -> str:
    key = f"{event}:{citizen_id}:{dedupe_key}"
    return key if len(key) <= 255 else f"{event}:{hashlib.sha256(key.encode()).hexdigest()}"


def _storable(params: Mapping[str, object]) -> dict[str, str | int]:
    return {k: v if isinstance(v, str | int) else str(v) for k, v in params.items()}


async def emit(
    event: Event | str,
    citizen_id: int,
    params: Mapping[str, object],
    *,
    channel: Channel | str,
    dedupe_key: str,
    urgent: bool | None = None,
    now: datetime | None = None,
) -> Emitted:
    """Queues one message about `event` for a resident, to the channel they used.

    `params` fill the event's template (no phone or ID numbers: they are stored); an unknown
    event or a missing value raises `NOTIFY_TEMPLATE_UNKNOWN` / `NOTIFY_PARAM_MISSING`. `urgent`
    overrides the template's default (urgent messages ignore quiet hours). A resident who opted
    out of the event's category gets a `suppressed` row and no message.
    """
    template = render(str(event), params).template
    settings = notify_settings()
    now = now or utcnow()
    key = outbox_key(template.event.value, citizen_id, dedupe_key)
    is_urgent = template.urgent if urgent is None else urgent
    async with unit_of_work():
        existing = await repository.notification_by_key(key)
        if existing is not None:
            return Emitted(existing.id, existing.status, created=False)
        suppressed = template.category not in MANDATORY_CATEGORIES and (
            await repository.opted_out(citizen_id, template.category.value)
        )
        quiet = None if is_urgent else quiet_until(now, settings.quiet_hours, settings.timezone)
        row = await repository.insert_once(
            event=template.event.value,
            citizen_id=citizen_id,
            channel=Channel(channel).value,
            dedupe_key=key,
            params=_storable(params),
            urgent=is_urgent,
            route=route_for(Channel(channel), settings),
            status=NotificationStatus.SUPPRESSED if suppressed else NotificationStatus.QUEUED,
            next_attempt_at=quiet or now,
        )
        if row is None:  # the same event was emitted concurrently
            return await _existing(key)
        if row.status == NotificationStatus.QUEUED and quiet is None:
            await enqueue(deliver, row.id)
    return Emitted(row.id, row.status, created=True)


async def _existing(key: str) -> Emitted:
    row: Notification | None = await repository.notification_by_key(key)
    assert row is not None
    return Emitted(row.id, row.status, created=False)


__all__ = ["Emitted", "Event", "emit"]
