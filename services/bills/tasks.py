"""Background jobs of utility bills (listed in config/worker.py TASK_MODULES).

`write_off` is queued after the commit that marks bills paid. The sweep carries a `schedule`
label (every minute): it retries write-offs whose backoff has run out and releases bills held by
orders that closed unpaid. The database, not the queue, holds the work, so a lost job costs only
time and running the sweep twice does no harm.
"""

from __future__ import annotations

from config.jobs import broker
from services.bills.service import bills


@broker.task(task_name="bills.write_off")
async def write_off(write_off_id: int) -> bool:
    """One attempt to settle a paid payment at the company."""
    return await bills.write_off(write_off_id)


@broker.task(task_name="bills.sweep", schedule=[{"cron": "* * * * *"}])
async def sweep() -> dict[str, int]:
    """Retries due write-offs and releases bills of orders that closed unpaid."""
    return {"written_off": await bills.write_off_due(), "released": await bills.release_over()}
