"""One paging convention for every list action, and one for time ranges.

A list action takes `cursor` (opaque, from the previous page's `next_cursor`; none for the first
page) and `limit`, and answers `{items, next_cursor}`; `next_cursor` is null on the last page.
A time range is `from` / `to`: ISO dates or datetimes, `from` inclusive, `to` exclusive; a bare
date means its midnight in Asia/Shanghai. See docs/api.md.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, Generic, Self, TypeVar
from zoneinfo import ZoneInfo

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.codes import Code
from gateway.errors import GovError

T = TypeVar("T")
BEIJING = ZoneInfo("Asia/Shanghai")


class PageParams(BaseModel):
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the previous page; none: the first"
    )
    limit: int = Field(20, ge=1, le=100)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="null on the last page")

    @classmethod
    def of(cls, rows: Page[Any], read: Callable[[Any], T]) -> Self:
        """This page type holding `read` of each of a page of rows, with the rows' cursor:
        `Page[AccountRead].of(page_of(rows, …), account_read)`."""
        return cls(items=[read(row) for row in rows.items], next_cursor=rows.next_cursor)


class TimeRange(BaseModel):
    """`from` inclusive, `to` exclusive; a date means its midnight in Asia/Shanghai."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date | datetime | None = Field(None, alias="from")
    to: date | datetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        start, end = self.starts(), self.ends()
        if start is not None and end is not None and start > end:
            raise ValueError("`from` is after `to`")
        return self

    def starts(self) -> datetime | None:
        return instant(self.from_)

    def ends(self) -> datetime | None:
        return instant(self.to)


def instant(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=BEIJING)
    return datetime.combine(value, time(), BEIJING)


def encode_cursor(position: dict[str, Any]) -> str:
    """Where the next page starts, opaque to clients (they pass it back unchanged)."""
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    if cursor is None:
        return {}
    try:
        position = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise GovError(Code.CURSOR_INVALID) from None
    if not isinstance(position, dict):
        raise GovError(Code.CURSOR_INVALID)
    return position


def cursor_id(position: dict[str, Any], name: str) -> int | None:
    """The row id a cursor names under `name` (none on the first page)."""
    value = position.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise GovError(Code.CURSOR_INVALID)
    return value


def key_of(moment: datetime, row_id: int) -> list[Any]:
    """A (time, id) sort key for a cursor, the time in UTC like every stored time."""
    return [moment.astimezone(UTC).isoformat(), row_id]


def cursor_key(position: dict[str, Any], name: str) -> tuple[datetime, int] | None:
    """The (time, id) sort key a cursor names under `name`, as `key_of` wrote it."""
    value = position.get(name)
    if value is None:
        return None
    try:
        moment, row_id = value
        at = datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        raise GovError(Code.CURSOR_INVALID) from None
    if at.tzinfo is None or isinstance(row_id, bool) or not isinstance(row_id, int):
        raise GovError(Code.CURSOR_INVALID)
    return at.astimezone(UTC), row_id


def page_of(rows: list[T], limit: int, position_after: Callable[[T], dict[str, Any]]) -> Page[T]:
    """A page of the first `limit` rows; the caller fetched `limit + 1` to know whether more
    follow, and `position_after(last row)` says where the next page starts."""
    items = rows[:limit]
    more = len(rows) > limit and bool(items)
    return Page[T](
        items=items, next_cursor=encode_cursor(position_after(items[-1])) if more else None
    )
