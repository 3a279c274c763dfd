"""Background jobs on taskiq: a Redis list broker in production, in-process when embedded.

Jobs asked for inside a unit of work wait in a context-local buffer and go out only once the
transaction has committed (a rolled-back request sends nothing).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from taskiq import AsyncBroker, AsyncTaskiqDecoratedTask, InMemoryBroker

from config.settings import get_settings

logger = logging.getLogger(__name__)


def make_broker(redis_url: str | None, prefix: str) -> AsyncBroker:
    if redis_url is None:
        return InMemoryBroker(propagate_exceptions=False)
    from taskiq_redis import ListQueueBroker

    return ListQueueBroker(url=redis_url, queue_name=f"{prefix}jobs")


broker: AsyncBroker = make_broker(get_settings().redis_url, get_settings().redis_prefix)


@dataclass
class PendingJobs:
    items: list[tuple[AsyncTaskiqDecoratedTask[Any, Any], tuple[Any, ...], dict[str, Any]]] = field(
        default_factory=list
    )


_pending: ContextVar[PendingJobs | None] = ContextVar("govhub_pending_jobs", default=None)


@asynccontextmanager
async def buffer() -> AsyncIterator[PendingJobs]:
    outer = _pending.get()
    if outer is not None:  # nested unit of work: the outermost one sends
        yield outer
        return
    pending = PendingJobs()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


async def enqueue(task: AsyncTaskiqDecoratedTask[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Sends now outside a unit of work, after commit inside one."""
    pending = _pending.get()
    if pending is not None:
        pending.items.append((task, args, kwargs))
        return
    await task.kiq(*args, **kwargs)


async def flush(pending: PendingJobs) -> None:
    if _pending.get() is pending:  # still inside an outer unit of work
        return
    items, pending.items = pending.items, []
    for task, args, kwargs in items:
        try:
            await task.kiq(*args, **kwargs)
        except Exception:
            # The database already holds the work (outbox rows); periodic sweeps pick it up.
            logger.exception("job %s could not be queued", task.task_name)


class SingleFlight:
    """At most one run of a drain-everything job per process at a time.

    Wake-ups of a consumer (an outbox, say) arrive faster than a run ends under load. Runs that
    overlap fetch the same due rows and race to claim them, so most of their work is wasted.
    Here a call made while a run is under way only asks that run to look once more before it
    ends, and returns at once; nothing due is left behind, and other processes still compete
    through their leases as before.
    """

    def __init__(self) -> None:
        self._running = False
        self._again = False

    async def run(self, drain: Callable[[], Awaitable[int]]) -> int:
        """`drain()` until no call asked for another pass; the total it returned, or 0 when
        another run in this process took the call over."""
        if self._running:
            self._again = True
            return 0
        self._running = True
        total = 0
        try:
            while True:
                self._again = False
                total += await drain()
                if not self._again:
                    return total
        finally:
            self._running = False


async def drain() -> None:
    """Waits for the jobs the in-process broker is running (embedded); nothing to wait for when
    jobs go to Redis."""
    if isinstance(broker, InMemoryBroker):
        await broker.wait_all()
