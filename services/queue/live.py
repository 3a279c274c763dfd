"""Live updates of one queue number as server-sent events.

Every change to a queue bumps a version counter in the store (`touch`), after its transaction
committed. A stream polls that counter every `GOVHUB_QUEUE_LIVE_POLL_SECONDS` and reads the
number from the database only when the counter moved (and at least every few seconds, in case
the store lost the counter), so any app process sees changes made by any other. It sends a
`ticket` event whenever the number's status, place or window changes, and ends once the number
is finished (done, skipped, cancelled, transferred), after `max_events` events, or after
`GOVHUB_QUEUE_LIVE_MAX_SECONDS`; clients reconnect with EventSource's usual retry.

A browser's EventSource cannot send an Authorization header, so a resident may instead open
the stream with a stream ticket (`?ticket=`): random, single use, valid for
`GOVHUB_QUEUE_STREAM_TICKET_SECONDS`, bound to one resident and one number
(`issue_stream_ticket`, `redeem_stream_ticket`).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import orjson
from pydantic import BaseModel

from config.runtime import runtime
from services.queue.errors import StreamTicketInvalid
from services.queue.models import OPEN_STATUSES
from services.queue.schemas import BoardRead, TicketRead

Shown = TypeVar("Shown", bound=BaseModel)

RELOAD_EVERY = 5.0  # seconds: re-read the database even if the version counter did not move
HEARTBEAT_EVERY = 15.0


def version_key(queue_id: int) -> str:
    return f"queue:version:{queue_id}"


async def touch(queue_id: int) -> None:
    await runtime().store.incr(version_key(queue_id), ttl=2 * 24 * 3600.0)


def stream_ticket_key(ticket: str) -> str:
    """The store key of a stream ticket: named by its SHA-256, so the store never holds the
    ticket itself."""
    return "queue:stream-ticket:" + hashlib.sha256(ticket.encode()).hexdigest()


async def issue_stream_ticket(citizen_id: int, ticket_id: int, ttl: int) -> str:
    """A new random stream ticket for `citizen_id` watching number `ticket_id`, kept `ttl`
    seconds. The caller first checks that the number is the resident's."""
    ticket = secrets.token_urlsafe(24)
    await runtime().store.set(stream_ticket_key(ticket), f"{citizen_id}:{ticket_id}", ttl=ttl)
    return ticket


async def redeem_stream_ticket(ticket: str, ticket_id: int, ttl: int) -> int:
    """Spends a stream ticket presented for number `ticket_id`: the resident it was issued to.

    Raises `StreamTicketInvalid` when the ticket is unknown, expired, already spent or was
    issued for another number. Single use without a get-and-delete in the store: after reading
    the ticket, this claims it with `set_if_absent` on a "used" marker (kept `ttl`
    seconds, at least as long as the ticket could still live). That claim is atomic in both
    stores, so of concurrent requests presenting the same ticket exactly one wins; the ticket
    key is then deleted, so later requests find nothing. A ticket presented for the wrong
    number is spent as well. The ticket's value is never logged or put in an error.
    """
    store = runtime().store
    key = stream_ticket_key(ticket)
    held = await store.get(key)
    if held is None:
        raise StreamTicketInvalid()
    if not await store.set_if_absent(key + ":used", "1", ttl=ttl):
        raise StreamTicketInvalid()
    await store.delete(key)
    citizen, _, number = held.partition(":")
    if number != str(ticket_id):
        raise StreamTicketInvalid()
    return int(citizen)


def sse(event: str, data: bytes, event_id: int | None = None) -> bytes:
    head = b"" if event_id is None else b"id: %d\n" % event_id
    return head + b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"


def _fingerprint(ticket: TicketRead) -> tuple[object, ...]:
    return (ticket.status, ticket.ahead, ticket.window_id, ticket.lane, ticket.queue_id)


def ticket_stream(
    queue_id: int,
    read: Callable[[], Awaitable[TicketRead]],
    *,
    poll: float,
    max_seconds: float,
    max_events: int,
) -> AsyncIterator[bytes]:
    """Server-sent events for one number: the first right away, then one per change, until
    the number is finished."""
    return _watch(
        [queue_id],
        read,
        "ticket",
        changed_by=_fingerprint,
        still_open=lambda ticket: ticket.status in OPEN_STATUSES,
        poll=poll,
        max_seconds=max_seconds,
        max_events=max_events,
    )


def hall_stream(
    queue_ids: list[int],
    read: Callable[[], Awaitable[BoardRead]],
    *,
    poll: float,
    max_seconds: float,
    max_events: int,
) -> AsyncIterator[bytes]:
    """Server-sent events for a hall display board: the board at once, then whenever a number
    of any of its queues is called, recalled or closed (each `board` event is the whole board,
    so a screen that missed one is right after the next)."""
    return _watch(
        queue_ids,
        read,
        "board",
        changed_by=lambda board: board,
        still_open=lambda board: True,
        poll=poll,
        max_seconds=max_seconds,
        max_events=max_events,
    )


async def _watch(
    queue_ids: list[int],
    read: Callable[[], Awaitable[Shown]],
    event: str,
    *,
    changed_by: Callable[[Shown], object],
    still_open: Callable[[Shown], bool],
    poll: float,
    max_seconds: float,
    max_events: int,
) -> AsyncIterator[bytes]:
    """Reads `read()` whenever a version counter of the queues moved (and every few seconds
    anyway) and sends it as `event` when `changed_by` of it changed."""
    store = runtime().store
    keys = [version_key(queue_id) for queue_id in queue_ids]
    started = last_read = last_beat = time.monotonic()
    versions = [await store.get(key) for key in keys]
    shown = await read()
    sent, last = 1, changed_by(shown)
    yield b"retry: 3000\n\n" + sse(event, orjson.dumps(shown.model_dump(mode="json")), sent)
    while sent < max_events and still_open(shown):
        now = time.monotonic()
        if now - started >= max_seconds:
            return
        await asyncio.sleep(poll)
        current = [await store.get(key) for key in keys]
        if current == versions and now - last_read < RELOAD_EVERY:
            if now - last_beat >= HEARTBEAT_EVERY:
                last_beat = now
                yield b": keep-alive\n\n"
            continue
        versions, last_read = current, now
        shown = await read()
        if changed_by(shown) != last:
            sent, last = sent + 1, changed_by(shown)
            yield sse(event, orjson.dumps(shown.model_dump(mode="json")), sent)
