"""Periodic jobs: the tasks in `config.worker.TASK_MODULES` that carry a `schedule` label.

Production runs one `govhub scheduler` process that sends them to the Redis queue for the
workers. The embedded default has no separate processes, so `govhub serve` runs the same
scheduler loop inside the app and the in-process broker executes the jobs there. Every periodic
job is a sweep that is safe to run twice, so a second scheduler never does harm.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from taskiq import TaskiqScheduler
from taskiq.cli.scheduler.run import SchedulerLoop
from taskiq.schedule_sources import LabelScheduleSource

from config.jobs import broker
from config.worker import TASK_MODULES

logger = logging.getLogger(__name__)


def load_task_modules() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


load_task_modules()
scheduler = TaskiqScheduler(broker, sources=[LabelScheduleSource(broker)])


def periodic_jobs() -> dict[str, list[str]]:
    """Task name → its cron expressions, as the scheduler sees them."""
    jobs: dict[str, list[str]] = {}
    for name, task in broker.get_all_tasks().items():
        for entry in task.labels.get("schedule", []):
            if "cron" in entry:
                jobs.setdefault(name, []).append(str(entry["cron"]))
    return jobs


@asynccontextmanager
async def in_process() -> AsyncIterator[None]:
    """Runs the scheduler loop beside the app for as long as the context is open."""

    async def run() -> None:
        try:
            await SchedulerLoop(scheduler).run(skip_first_run=True)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the in-process scheduler stopped")

    task = asyncio.create_task(run(), name="govhub-scheduler")
    logger.info("in-process scheduler started with %d periodic jobs", len(periodic_jobs()))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
