"""Periodic jobs: the tasks in `config.worker.TASK_MODULES` that carry a `schedule` label.

One loop, `run_periodic_jobs`, kicks every job whose cron expression names the current minute:
production runs it in one `govhub scheduler` process, which sends the jobs to the Redis queue
for the workers; the embedded default has no separate processes, so `govhub serve` runs the same
loop inside the app and the in-process broker executes the jobs there. Every periodic job is a
sweep that is safe to run twice, so a second scheduler never does harm.

`GOVHUB_SCHEDULER_INTERVAL_SECONDS` (60 by default) is how often the loop looks; with a shorter
interval the every-minute sweeps run at every look (a test or a demo need not wait a minute).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from taskiq.cli.scheduler.run import is_cron_task_now
from taskiq.exceptions import TaskiqError

from config.jobs import broker
from config.worker import TASK_MODULES

logger = logging.getLogger(__name__)
EVERY_MINUTE = "* * * * *"


def load_task_modules() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


load_task_modules()


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    cron: str
    offset: str | None = None  # a time zone for the cron expression, UTC when unset


def scheduled() -> list[PeriodicJob]:
    """Every (task, cron) pair the schedule labels declare."""
    found = []
    for name, task in sorted(broker.get_all_tasks().items()):
        for entry in task.labels.get("schedule", []):
            if "cron" in entry:
                found.append(PeriodicJob(name, str(entry["cron"]), entry.get("cron_offset")))
    return found


def periodic_jobs() -> dict[str, list[str]]:
    """Task name → its cron expressions, as the loop sees them."""
    jobs: dict[str, list[str]] = {}
    for job in scheduled():
        jobs.setdefault(job.name, []).append(job.cron)
    return jobs


def due(job: PeriodicJob, now: datetime, last_run: datetime | None, fast: bool) -> bool:
    """Whether `job` runs at this look: its cron names this minute and it has not run in it, or
    (with a loop faster than a minute) it is an every-minute sweep."""
    if fast and job.cron == EVERY_MINUTE:
        return True
    minute = now.replace(second=0, microsecond=0)
    if last_run is not None and last_run >= minute:
        return False
    return is_cron_task_now(job.cron, minute, job.offset)


async def run_periodic_jobs(
    interval: float = 60.0, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> None:
    """Looks every `interval` seconds (at least every 30) and kicks the jobs that are due, until
    cancelled. A job that cannot be sent is logged and tried at its next time."""
    jobs = scheduled()
    tasks = broker.get_all_tasks()
    last_run: dict[PeriodicJob, datetime] = {}
    fast = interval < 60
    logger.info("scheduler: %d periodic jobs, looking every %.1f s", len(jobs), interval)
    while True:
        now = clock()
        for job in jobs:
            if not due(job, now, last_run.get(job), fast):
                continue
            last_run[job] = now
            try:
                await tasks[job.name].kiq()
            except (TaskiqError, OSError, ConnectionError) as exc:
                logger.warning("scheduler: %s not sent: %s", job.name, exc)
        await asyncio.sleep(min(interval, 30.0))


@asynccontextmanager
async def in_process(interval: float = 60.0) -> AsyncIterator[None]:
    """Runs the loop beside the app for as long as the context is open."""

    async def run() -> None:
        try:
            await run_periodic_jobs(interval)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the in-process scheduler stopped")

    task = asyncio.create_task(run(), name="govhub-scheduler")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def run_standalone(interval: float) -> None:
    """`govhub scheduler`: the loop with the broker (Redis) open, until interrupted."""
    await broker.startup()
    try:
        await run_periodic_jobs(interval)
    finally:
        await broker.shutdown()


__all__: list[Any] = ["in_process", "periodic_jobs", "run_periodic_jobs", "run_standalone"]
