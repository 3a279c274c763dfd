"""Jobs of consultations (listed in config/worker.py TASK_MODULES): closing the answered cases
whose reopen window has passed, every minute (a sweep: safe to run late, twice, or at once in
two workers)."""

from __future__ import annotations

from config.jobs import broker
from services.consultations.service import consultations


@broker.task(task_name="consultations.close_answered", schedule=[{"cron": "* * * * *"}])
async def close_answered() -> int:
    """Closes answered cases neither reopened nor confirmed within the reopen window."""
    return await consultations.close_answered()
