"""Time rules of delivery, as pure functions of `now`: quiet hours and the retry schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from notify.settings import parse_window

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def quiet_until(now: datetime, window: str, timezone: str) -> datetime | None:
    """When the quiet hours around `now` end, or None outside them (or with no window)."""
    if not window:
        return None
    start, end = parse_window(window)
    if start == end:
        return None
    local = now.astimezone(ZoneInfo(timezone))
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(UTC)


def retry_delay(attempts: int, base: float, cap: float) -> timedelta:
    """Exponential backoff: `base` after the first failure, doubling, at most `cap`."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))
