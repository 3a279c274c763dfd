"""The daily reconciliation (listed in config/worker.py TASK_MODULES). The platforms publish a
day's statement from 09:00 China time and advise fetching it after 10:00: 10:30 China time is
02:30 UTC."""

from __future__ import annotations

from config.jobs import broker
from payments.reconciliation import service

DAILY = [{"cron": "30 2 * * *"}]


@broker.task(task_name="payments.reconcile_yesterday", schedule=DAILY)
async def reconcile_yesterday() -> int:
    """Reconciles yesterday (China time) for every provider; the number of open breaks."""
    runs = await service.reconcile(service.yesterday_in_china())
    return sum(run.open_breaks for run in runs)
