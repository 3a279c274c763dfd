"""Events other modules keep in an outbox of their own, turned into messages here.

The queue records `queue.near` and `queue.called` in `services.queue.events` (with the ticket,
whose channel is the one the resident took the number on). Each is emitted and marked consumed
in one transaction; the de-duplication key (the queue event's id) keeps a replay from sending
twice even so.
"""

from __future__ import annotations

import logging
from datetime import datetime

from config.database import unit_of_work
from notify.events import emit
from notify.templates import Event
from services.queue import events as queue_events
from services.queue import repository as queue_repository
from services.queue.models import QueueEvent

logger = logging.getLogger(__name__)

QUEUE_EVENTS: dict[str, Event] = {
    queue_events.QueueEventKind.NEAR.value: Event.QUEUE_NEAR,
    queue_events.QueueEventKind.CALLED.value: Event.QUEUE_CALLED,
}


def _queue_params(event: QueueEvent) -> dict[str, object]:
    payload = event.payload
    params: dict[str, object] = {"label": payload.get("label", "")}
    if "ahead" in payload:
        params["ahead"] = payload["ahead"]
    if "window_name" in payload:
        params["window"] = payload["window_name"]
    return params


async def relay_queue_events(limit: int = 200, now: datetime | None = None) -> int:
    """Emits a message for each pending queue event; how many were relayed."""
    relayed = 0
    for event in await queue_events.pending(limit):
        target = QUEUE_EVENTS.get(event.kind)
        ticket = await queue_repository.ticket_by_id(event.ticket_id)
        async with unit_of_work():
            if target is not None and ticket is not None:
                await emit(
                    target,
                    event.citizen_id,
                    _queue_params(event),
                    channel=ticket.channel,
                    dedupe_key=f"queue-event:{event.id}",
                    now=now,
                )
            else:
                logger.warning("queue event %s (%s) has nothing to send", event.id, event.kind)
            relayed += await queue_events.mark_consumed([event.id])
    return relayed
