"""Background jobs of traffic fines (listed in config/worker.py TASK_MODULES).

The sweep carries a `schedule` label (every minute) and is safe to run at any time.
"""

from __future__ import annotations

from config.jobs import broker
from services.traffic.service import traffic


@broker.task(task_name="traffic.release_closed", schedule=[{"cron": "* * * * *"}])
async def release_closed() -> int:
    """Frees decisions whose payment order closed unpaid."""
    return await traffic.release_over()
