"""Background jobs of traffic fines (listed in config/worker.py TASK_MODULES).

`report_payment` is queued after the commit that marks a fine paid. The sweep carries a
`schedule` label (every minute): it retries reports to the traffic police whose backoff has run
out and frees decisions held by orders that closed unpaid. The database, not the queue, holds
the work, so a lost job costs only time and running the sweep twice does no harm.
"""

from __future__ import annotations

from config.jobs import broker
from services.traffic.service import traffic


@broker.task(task_name="traffic.report_payment")
async def report_payment(report_id: int) -> bool:
    """One attempt to tell the traffic police a fine was paid."""
    return await traffic.report(report_id)


@broker.task(task_name="traffic.sweep", schedule=[{"cron": "* * * * *"}])
async def sweep() -> dict[str, int]:
    """Retries due reports of paid fines and frees decisions whose order closed unpaid."""
    return {"reported": await traffic.report_due(), "released": await traffic.release_over()}
