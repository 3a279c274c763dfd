"""Background jobs of the payments module (listed in config/worker.py TASK_MODULES).

`consume_outbox` and `submit_refund` are queued after the commit that creates their work; the
three sweeps carry a `schedule` label (every minute) for a taskiq scheduler and are also safe to
run at any time by hand: the database, not the queue, holds the work.
"""

from __future__ import annotations

from config.jobs import SingleFlight, broker
from payments import outbox
from payments.service import service

EVERY_MINUTE = [{"cron": "* * * * *"}]
_consuming = SingleFlight()


@broker.task(task_name="payments.consume_outbox")
async def consume_outbox() -> int:
    """Fulfils the outbox entries that are due, batch after batch until none is left (one run
    per process at a time)."""
    return await _consuming.run(_drain_outbox)


async def _drain_outbox() -> int:
    total = 0
    while done := await outbox.consume_due():
        total += done
    return total


@broker.task(task_name="payments.sweep_outbox", schedule=EVERY_MINUTE)
async def sweep_outbox() -> int:
    """Picks up entries whose wake-up job was lost or whose consumer died (lease run out)."""
    return await outbox.consume_due(limit=500)


@broker.task(task_name="payments.expire_orders", schedule=EVERY_MINUTE)
async def expire_orders() -> int:
    """Queries unpaid orders past their expiry at the platform, then closes them."""
    return await service.expire_due()


@broker.task(task_name="payments.submit_refund")
async def submit_refund(refund_id: int) -> None:
    await service.submit_refund(refund_id)


@broker.task(task_name="payments.retry_refunds", schedule=EVERY_MINUTE)
async def retry_refunds() -> int:
    """Resubmits refunds whose submission failed or whose outcome is still unknown."""
    return await service.retry_refunds()
