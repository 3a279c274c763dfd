"""Opening days and slot times from weekly hours, holidays and adjusted working days."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from services.appointments.calendar import (
    Session,
    national_calendar,
    sessions_on,
    slot_times,
)
from services.appointments.models import DayKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = {d: [Session(9 * 60, 12 * 60), Session(13 * 60 + 30, 17 * 60)] for d in range(5)}


class TestSessionsOn:
    def test_weekday_has_its_hours(self) -> None:
        assert sessions_on(date(2026, 11, 25), WEEKDAYS, {}) == WEEKDAYS[2]

    def test_weekend_is_closed(self) -> None:
        assert sessions_on(date(2026, 11, 28), WEEKDAYS, {}) == []

    def test_public_holiday_closes_a_weekday(self) -> None:
        national_day = date(2026, 10, 1)  # a Thursday
        assert sessions_on(national_day, WEEKDAYS, {national_day: DayKind.HOLIDAY}) == []

    def test_adjusted_working_day_opens_a_weekend_with_weekday_hours(self) -> None:
        sunday = date(2026, 9, 20)
        assert sessions_on(sunday, WEEKDAYS, {sunday: DayKind.WORKDAY}) == WEEKDAYS[0]


class TestSlotTimes:
    def test_whole_slots_in_each_session_in_utc(self) -> None:
        times = slot_times(date(2026, 11, 25), WEEKDAYS[2], 30, SHANGHAI)
        assert len(times) == 6 + 7
        first_start, first_end = times[0]
        assert first_start.isoformat() == "2026-11-25T01:00:00+00:00"  # 09:00 in Xiamen
        assert (first_end - first_start).total_seconds() == 1800
        assert times[-1][1].isoformat() == "2026-11-25T09:00:00+00:00"  # ends 17:00

    def test_a_slot_that_does_not_fit_is_left_out(self) -> None:
        assert len(slot_times(date(2026, 11, 25), [Session(540, 600)], 45, SHANGHAI)) == 1


class TestNationalCalendar:
    def test_holidays_and_working_days_of_this_and_next_year(self) -> None:
        entries = {e.day: e for e in national_calendar()}
        assert entries[date(2026, 2, 17)].kind is DayKind.HOLIDAY  # Spring Festival
        assert entries[date(2026, 2, 14)].kind is DayKind.WORKDAY
        assert entries[date(2027, 10, 1)].kind is DayKind.HOLIDAY
        assert {e.day.year for e in entries.values()} >= {2026, 2027}

    def test_2026_is_exactly_the_state_councils_notice(self) -> None:
        """国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025): 33 days off in seven
        holidays, and six adjusted working days."""
        entries = [e for e in national_calendar() if e.day.year == 2026]
        days_off = [e.day for e in entries if e.kind is DayKind.HOLIDAY]
        working = sorted(e.day for e in entries if e.kind is DayKind.WORKDAY)
        assert len(days_off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
        assert (min(days_off), max(days_off)) == (date(2026, 1, 1), date(2026, 10, 7))
        assert date(2026, 2, 23) in days_off
        assert date(2026, 5, 5) in days_off
        assert working == [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        ]
