"""Background jobs of the notify module (listed in config/worker.py TASK_MODULES).

`deliver` is queued after the commit that wrote the message. `sweep` sends whatever is due
(retries, the end of quiet hours, messages whose job was lost with the broker or whose worker
died): the outbox rows are the truth, the queue only wakes workers up. Each `govhub worker`
process (and, without Redis, the app itself) runs the sweep every
`GOVHUB_NOTIFY_SWEEP_INTERVAL` seconds, at most once per interval across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from taskiq import TaskiqEvents, TaskiqState

from config.jobs import broker
from config.runtime import runtime
from notify.delivery import dispatcher
from notify.settings import notify_settings

logger = logging.getLogger(__name__)

EVERY_MINUTE = [{"cron": "* * * * *"}]
SWEEP_KEY = "notify:sweep"


@broker.task(task_name="notify.deliver")
async def deliver(notification_id: int) -> str | None:
    """Sends one message now if it is due and no other worker holds it."""
    status = await dispatcher.deliver(notification_id)
    return None if status is None else status.value


@broker.task(task_name="notify.sweep", schedule=EVERY_MINUTE)
async def sweep() -> int:
    """Sends every message that is due."""
    return await dispatcher.deliver_due()


async def sweep_once(interval: float) -> int:
    """One sweep, unless another process swept within this interval."""
    if not await runtime().store.set_if_absent(SWEEP_KEY, "1", ttl=max(interval * 0.9, 1.0)):
        return 0
    return await dispatcher.deliver_due()


async def sweep_forever(interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await sweep_once(interval)
        except Exception:
            logger.exception("notify sweep failed; the next one will try again")


class Sweeper:
    """The periodic sweep as a background task of a long-lived process."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        interval = notify_settings().sweep_interval
        if interval > 0 and self._task is None:
            self._task = asyncio.create_task(sweep_forever(interval), name="notify-sweep")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


worker_sweeper = Sweeper()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _start_sweeping(state: TaskiqState) -> None:
    worker_sweeper.start()


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _stop_sweeping(state: TaskiqState) -> None:
    await worker_sweeper.stop()
