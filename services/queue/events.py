"""Resident-facing queue events, handed to the notification worker through an outbox.

`emit` writes a `QueueEvent` row inside the caller's unit of work, so an event exists exactly
when the change that caused it committed. The consumer (notify) reads `pending()` and, once it
has queued the messages, calls `mark_consumed(ids)`; a row is consumed at most once because the
UPDATE only touches rows still pending.

Kinds and payloads (`payload` is JSON; every payload carries `ticket_id`, `label` and
`queue_id`; the row carries `citizen_id`, the resident to tell):
- `queue.near`: `ahead` numbers are still to be called before this one (at most
  `GOVHUB_QUEUE_NEAR_AHEAD`, 3 by default), sent once per number.
- `queue.called`: the number is called to `window_name` (`recall` is true on a repeat call).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from services.queue.models import QueueEvent, Ticket


class QueueEventKind(StrEnum):
    NEAR = "queue.near"
    CALLED = "queue.called"


async def emit(kind: QueueEventKind, ticket: Ticket, **payload: Any) -> QueueEvent | None:
    """Records one event for the ticket's resident; numbers taken anonymously notify no one."""
    if ticket.citizen_id is None:
        return None
    return await QueueEvent.create(
        kind=kind.value,
        citizen_id=ticket.citizen_id,
        ticket_id=ticket.id,
        payload={"ticket_id": ticket.id, "label": ticket.label, "queue_id": ticket.queue_id}
        | payload,
        created_at=datetime.now(UTC),
    )


async def pending(limit: int = 100) -> list[QueueEvent]:
    """Events not consumed yet, oldest first."""
    return await QueueEvent.filter(consumed_at__isnull=True).order_by("id").limit(limit)


async def mark_consumed(event_ids: Sequence[int]) -> int:
    """Marks events consumed; returns how many were still pending."""
    return await QueueEvent.filter(id__in=list(event_ids), consumed_at__isnull=True).update(
        consumed_at=datetime.now(UTC)
    )
