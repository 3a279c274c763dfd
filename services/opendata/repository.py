"""Every query of open data: developers' keys and their usage counters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Max, Sum

from services.opendata.models import DeveloperKey, KeyUsage


async def insert_key(**values: Any) -> DeveloperKey:
    return await DeveloperKey.create(**values)


async def key_by_id(key_id: str) -> DeveloperKey | None:
    return await DeveloperKey.get_or_none(key_id=key_id)


async def keys_before(before: int | None, include_revoked: bool, limit: int) -> list[DeveloperKey]:
    """Newest first, the ones older than the row id `before`."""
    query = DeveloperKey.all()
    if before is not None:
        query = query.filter(id__lt=before)
    if not include_revoked:
        query = query.filter(revoked_at=None)
    return await query.order_by("-id").limit(limit)


async def revoke(key_id: str, at: datetime) -> bool:
    return bool(await DeveloperKey.filter(key_id=key_id, revoked_at=None).update(revoked_at=at))


async def count_usage(developer_key_id: int, day: date, dataset: str, rows: int) -> None:
    """One conditional UPDATE on every request but the day's first for the dataset, which
    inserts (a concurrent first insert loses the race and updates instead)."""
    where: dict[str, Any] = {"developer_key_id": developer_key_id, "day": day, "dataset": dataset}
    grow: dict[str, Any] = {"requests": F("requests") + 1, "rows": F("rows") + rows}
    if await KeyUsage.filter(**where).update(**grow):
        return
    try:
        await KeyUsage.create(**where, requests=1, rows=rows)
    except IntegrityError:
        await KeyUsage.filter(**where).update(**grow)


async def usage_totals(developer_key_ids: list[int], today: date) -> dict[int, dict[str, Any]]:
    """By key: requests and rows ever, today's requests, the last day used."""
    totals = (
        await KeyUsage.filter(developer_key_id__in=developer_key_ids)
        .annotate(requests_total=Sum("requests"), rows_total=Sum("rows"), last_used_on=Max("day"))
        .group_by("developer_key_id")
        .values("developer_key_id", "requests_total", "rows_total", "last_used_on")
    )
    todays = (
        await KeyUsage.filter(developer_key_id__in=developer_key_ids, day=today)
        .annotate(requests_today=Sum("requests"))
        .group_by("developer_key_id")
        .values_list("developer_key_id", "requests_today")
    )
    found: dict[int, dict[str, Any]] = {row["developer_key_id"]: row for row in totals}
    for key_id, requests in todays:
        found[key_id]["requests_today"] = requests
    return found


async def usage_of(developer_key_id: int, before: int | None, limit: int) -> list[KeyUsage]:
    """Newest first (a row is made on a day's first request, so ids follow the days)."""
    query = KeyUsage.filter(developer_key_id=developer_key_id)
    if before is not None:
        query = query.filter(id__lt=before)
    return await query.order_by("-id").limit(limit)
