"""Jobs of fee demands (listed in config/worker.py TASK_MODULES): webhook delivery, kicked after
the commit that creates an event and swept every minute, and the sweep of expired demands and of
demands whose order is over."""

from __future__ import annotations

from config.jobs import SingleFlight, broker
from services.demands.service import demands

EVERY_MINUTE = [{"cron": "* * * * *"}]
_delivering = SingleFlight()


@broker.task(task_name="demands.deliver_webhooks", schedule=EVERY_MINUTE)
async def deliver_webhooks() -> int:
    """Delivers every webhook that is due (one run per process at a time)."""
    return await _delivering.run(demands.deliver_due)


@broker.task(task_name="demands.sweep", schedule=EVERY_MINUTE)
async def sweep() -> int:
    return await demands.sweep()
