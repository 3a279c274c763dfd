"""When a hall is open: weekly opening hours, national holidays and adjusted working days.

Pure functions over plain values, so the rules are tested without a database. An adjusted
working day (调休上班) on a weekend opens with the hours of the hall's first weekday that has
any, as halls keep weekday hours on such days.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from services.appointments.models import DayKind

HOLIDAY_DATA = Path(__file__).with_name("data") / "holidays_cn.json"


@dataclass(frozen=True, slots=True)
class Session:
    """One opening session, in minutes after local midnight."""

    opens_minute: int
    closes_minute: int

    def contains(self, minute: int) -> bool:
        return self.opens_minute <= minute < self.closes_minute


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    day: date
    kind: DayKind
    name: str


WeeklyHours = Mapping[int, Sequence[Session]]  # weekday (0 is Monday) -> sessions


def sessions_on(day: date, weekly: WeeklyHours, overrides: Mapping[date, DayKind]) -> list[Session]:
    """The hall's sessions on one day, holidays and adjusted working days applied."""
    kind = overrides.get(day)
    if kind is DayKind.HOLIDAY:
        return []
    if kind is DayKind.WORKDAY and day.weekday() >= 5:
        weekday = next((d for d in range(5) if weekly.get(d)), None)
        return [] if weekday is None else list(weekly[weekday])
    return list(weekly.get(day.weekday(), ()))


def is_working_day(day: date, overrides: Mapping[date, DayKind]) -> bool:
    """Monday to Friday, unless the calendar makes it a holiday, and a weekend day worked
    instead (调休上班)."""
    kind = overrides.get(day)
    if kind is not None:
        return kind is DayKind.WORKDAY
    return day.weekday() < 5


def add_working_days(start: date, days: int, overrides: Mapping[date, DayKind]) -> date:
    """The `days`-th working day after `start`, which itself never counts: one working day
    after a Friday is the Monday, or later when holidays follow."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            days -= 1
    return day


def is_open_at(
    moment: datetime, weekly: WeeklyHours, overrides: Mapping[date, DayKind], zone: ZoneInfo
) -> bool:
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    return any(s.contains(minute) for s in sessions_on(local.date(), weekly, overrides))


def local_moment(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """`minute` after local midnight of `day`, in UTC."""
    local = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def slot_times(
    day: date, sessions: Iterable[Session], slot_minutes: int, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every whole slot that fits in the sessions of one day, in UTC."""
    times: list[tuple[datetime, datetime]] = []
    for session in sessions:
        start = session.opens_minute
        while start + slot_minutes <= session.closes_minute:
            times.append(
                (local_moment(day, start, zone), local_moment(day, start + slot_minutes, zone))
            )
            start += slot_minutes
    return times


def local_today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def national_calendar(path: Path = HOLIDAY_DATA) -> list[CalendarEntry]:
    """Public holidays and adjusted working days of the years in the data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entries: list[CalendarEntry] = []
    for year in data["years"].values():
        for first, last, name in year["holidays"]:
            day, end = date.fromisoformat(first), date.fromisoformat(last)
            while day <= end:
                entries.append(CalendarEntry(day, DayKind.HOLIDAY, name))
                day += timedelta(days=1)
        for day_text, name in year["workdays"]:
            entries.append(CalendarEntry(date.fromisoformat(day_text), DayKind.WORKDAY, name))
    return entries


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
