"""Jobs of the gateway (listed in config/worker.py TASK_MODULES)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from config.jobs import broker
from config.settings import get_settings
from gateway.models import IdempotencyRecord


async def purge_idempotency_records(now: datetime | None = None) -> int:
    """Deletes the keys and answers older than GOVHUB_IDEMPOTENCY_TTL."""
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=get_settings().idempotency_ttl)
    deleted: int = await IdempotencyRecord.filter(created_at__lt=cutoff).delete()
    return deleted


@broker.task(task_name="gateway.purge_idempotency_records", schedule=[{"cron": "*/10 * * * *"}])
async def purge_idempotency() -> int:
    return await purge_idempotency_records()
