"""Live updates of one queue number as server-sent events.

After a change to a queue has committed, `touch` publishes the queue's id on one store channel
(Redis pub/sub, or the in-process store's). Each app process holds one subscription to it,
opened while any of its streams is open (`Changes`), and wakes exactly the streams of that
queue. Woken streams share their reads: the first one loads the queue's open numbers (one
query) and the others read their own number's place from the same rows (`Changes.shared`), so
a call costs the database one query however many residents watch. Messages are not durable,
so every stream also re-reads at least every `RELOAD_EVERY` seconds (again shared).

A stream sends a `ticket` event whenever the number's status, place or window changes, and ends
once the number is finished (done, skipped, cancelled, transferred), after `max_events` events,
or after `GOVHUB_QUEUE_LIVE_MAX_SECONDS`; clients reconnect with EventSource's usual retry.

A browser's EventSource cannot send an Authorization header, so a resident may instead open
the stream with a stream ticket (`?ticket=`): random, single use, valid for
`GOVHUB_QUEUE_STREAM_TICKET_SECONDS`, bound to one resident and one number
(`issue_stream_ticket`, `redeem_stream_ticket`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

from config.runtime import runtime
from config.store import Store
from services.queue.errors import StreamTicketInvalid
from services.queue.models import OPEN_STATUSES
from services.queue.schemas import BoardRead, TicketRead

Shown = TypeVar("Shown", bound=BaseModel)
T = TypeVar("T")

RELOAD_EVERY = 5.0  # seconds: re-read the database even if no change was announced
HEARTBEAT_EVERY = 15.0
CHANNEL = "queue:changed"
_EXTRA = "queue.live.changes"

logger = logging.getLogger(__name__)


async def touch(queue_id: int) -> None:
    """Announces a committed change of the queue to every process's streams. A lost
    announcement only delays them until their next re-read, so it never fails the change."""
    try:
        await runtime().store.publish(CHANNEL, str(queue_id))
    except Exception:
        logger.exception("queue change not announced; live streams catch up on re-read")


@dataclass(slots=True)
class _Shared:
    stamp: tuple[int, ...]
    loaded_at: float
    result: asyncio.Future[Any]


class Changes:
    """The streams of one process and their one subscription to the queues' change channel."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._watchers: dict[int, set[asyncio.Event]] = defaultdict(set)
        self._generations: dict[int, int] = defaultdict(int)  # announcements seen per queue
        self._shared: dict[Hashable, _Shared] = {}
        self._listener: asyncio.Task[None] | None = None
        self.loop = asyncio.get_running_loop()
        self.subscribed = asyncio.Event()  # set while the subscription is open

    @contextlib.contextmanager
    def watching(self, queue_ids: Sequence[int]) -> Iterator[asyncio.Event]:
        """An event set whenever a change of one of the queues is announced (clear it before
        reading); the subscription is open while any stream of the process watches."""
        woken = asyncio.Event()
        self._listen()
        for queue_id in queue_ids:
            self._watchers[queue_id].add(woken)
        try:
            yield woken
        finally:
            for queue_id in queue_ids:
                watchers = self._watchers.get(queue_id)
                if watchers is not None:
                    watchers.discard(woken)
                    if not watchers:
                        del self._watchers[queue_id]
            if not self._watchers:
                self._stop()

    async def shared(
        self, key: Hashable, queue_ids: Sequence[int], load: Callable[[], Awaitable[T]]
    ) -> T:
        """`load()`'s result, shared by every caller with the same `key` until a change of one
        of the queues is announced or `RELOAD_EVERY` seconds have passed."""
        stamp = tuple(self._generations[queue_id] for queue_id in queue_ids)
        now = time.monotonic()
        entry = self._shared.get(key)
        if entry is None or entry.stamp != stamp or now - entry.loaded_at >= RELOAD_EVERY:
            if len(self._shared) > 10_000:
                self._shared.clear()
            entry = _Shared(stamp, now, asyncio.ensure_future(load()))
            entry.result.add_done_callback(lambda done: self._forget_failed(key, done))
            self._shared[key] = entry
        result: T = await asyncio.shield(entry.result)
        return result

    def _forget_failed(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        if done.cancelled() or done.exception() is not None:
            entry = self._shared.get(key)
            if entry is not None and entry.result is done:
                del self._shared[key]

    def announced(self, queue_id: int) -> None:
        self._generations[queue_id] += 1
        for woken in self._watchers.get(queue_id, ()):
            woken.set()

    def _wake_all(self) -> None:
        """After (re)subscribing: an announcement may have been missed meanwhile."""
        for queue_id in list(self._watchers):
            self.announced(queue_id)

    def _listen(self) -> None:
        if self._listener is not None and not self._listener.done():
            return
        self._listener = asyncio.get_running_loop().create_task(self._listen_forever())

    def _stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
        self._shared.clear()
        self._generations.clear()

    async def _listen_forever(self) -> None:
        while True:
            try:
                subscription = await self._store.subscribe(CHANNEL)
            except Exception:
                logger.exception("cannot subscribe to queue changes; retrying")
                await asyncio.sleep(1.0)
                continue
            try:
                self.subscribed.set()
                self._wake_all()
                async for message in subscription:
                    with contextlib.suppress(ValueError):
                        self.announced(int(message))
            except Exception:
                logger.exception("queue change subscription lost; resubscribing")
                await asyncio.sleep(1.0)
            finally:
                self.subscribed.clear()
                await subscription.close()


def changes() -> Changes:
    """This runtime's `Changes` (one per process and event loop), made on first use."""
    rt = runtime()
    found = rt.extras.get(_EXTRA)
    if not isinstance(found, Changes) or found.loop is not asyncio.get_running_loop():
        found = Changes(rt.store)
        rt.extras[_EXTRA] = found
    return found


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
    max_seconds: float,
    max_events: int,
) -> AsyncIterator[bytes]:
    """Server-sent events for one number: the first right away, then one per change, until
    the number is finished. `read` should take the number from `Changes.shared` rows."""
    return _watch(
        [queue_id],
        read,
        "ticket",
        changed_by=_fingerprint,
        still_open=lambda ticket: ticket.status in OPEN_STATUSES,
        max_seconds=max_seconds,
        max_events=max_events,
    )


def hall_stream(
    hall_id: int,
    queue_ids: list[int],
    read: Callable[[], Awaitable[BoardRead]],
    *,
    max_seconds: float,
    max_events: int,
) -> AsyncIterator[bytes]:
    """Server-sent events for a hall display board: the board at once, then whenever a number
    of any of its queues is called, recalled or closed (each `board` event is the whole board,
    so a screen that missed one is right after the next). Screens of one hall share reads."""

    async def shared_read() -> BoardRead:
        return await changes().shared(("board", hall_id), queue_ids, read)

    return _watch(
        queue_ids,
        shared_read,
        "board",
        changed_by=lambda board: board,
        still_open=lambda board: True,
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
    max_seconds: float,
    max_events: int,
) -> AsyncIterator[bytes]:
    """Reads `read()` whenever a change of the queues is announced (and every `RELOAD_EVERY`
    seconds anyway) and sends it as `event` when `changed_by` of it changed."""
    with changes().watching(queue_ids) as woken:
        started = last_beat = time.monotonic()
        shown = await read()
        sent, last = 1, changed_by(shown)
        yield b"retry: 3000\n\n" + sse(event, orjson.dumps(shown.model_dump(mode="json")), sent)
        while sent < max_events and still_open(shown):
            left = max_seconds - (time.monotonic() - started)
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), min(RELOAD_EVERY, left))
            woken.clear()
            now = time.monotonic()
            if now - last_beat >= HEARTBEAT_EVERY:
                last_beat = now
                yield b": keep-alive\n\n"
            shown = await read()
            if changed_by(shown) != last:
                sent, last = sent + 1, changed_by(shown)
                yield sse(event, orjson.dumps(shown.model_dump(mode="json")), sent)
