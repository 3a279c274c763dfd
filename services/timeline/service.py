"""The merge: every source's latest entries, newest first, a page at a time. The cursor is the
(time, kind, reference) of the last entry shown, a total order across the sources."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from gateway.codes import Code
from gateway.errors import GovError
from gateway.paging import Page, PageParams, decode_cursor, encode_cursor
from services.timeline.schemas import EntryKind, TimelineEntry
from services.timeline.sources import KIND_NAMES, SOURCES


def order_key(entry: TimelineEntry) -> tuple[datetime, str, str]:
    return (entry.at, entry.kind.value, entry.reference)


def _position(cursor: str | None) -> tuple[datetime, str, str] | None:
    value = decode_cursor(cursor).get("before")
    if value is None:
        return None
    try:
        at, kind, reference = value
        return datetime.fromisoformat(at), EntryKind(kind).value, str(reference)
    except (TypeError, ValueError):
        raise GovError(Code.CURSOR_INVALID) from None


async def timeline(
    citizen_id: int, params: PageParams, locale: str = "zh-CN"
) -> Page[TimelineEntry]:
    before = _position(params.cursor)
    # Each source may hold the whole next page; ties at the cursor's time are filtered here.
    fetched = await asyncio.gather(
        *(
            source(citizen_id, before[0] if before else None, params.limit + 1)
            for source in SOURCES.values()
        )
    )
    entries = sorted(
        (e for found in fetched for e in found if before is None or order_key(e) < before),
        key=order_key,
        reverse=True,
    )
    page = entries[: params.limit]
    if locale.startswith("en"):
        page = [e.model_copy(update={"kind_name": KIND_NAMES[e.kind][1]}) for e in page]
    more = len(entries) > params.limit
    position: dict[str, Any] = {}
    if more and page:
        last = page[-1]
        position = {"before": [last.at.isoformat(), last.kind.value, last.reference]}
    return Page[TimelineEntry](
        items=page, next_cursor=encode_cursor(position) if position else None
    )
