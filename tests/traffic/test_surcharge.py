"""The late-payment surcharge rule: nothing for 15 days, then 3% a day, never above the fine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.traffic.surcharge import overdue_days, quote

DECIDED = date(2025, 3, 10)


def on_day(days: int) -> date:
    return DECIDED + timedelta(days=days)


class TestSurcharge:
    @pytest.mark.parametrize(
        ("day", "overdue", "surcharge"),
        [(0, 0, 0), (15, 0, 0), (16, 1, 600), (17, 2, 1200), (48, 33, 19800), (49, 34, 20000)],
    )
    def test_by_day_after_the_decision(self, day: int, overdue: int, surcharge: int) -> None:
        priced = quote(20000, DECIDED, on_day(day))
        assert priced.overdue_days == overdue
        assert priced.surcharge_fen == surcharge
        assert priced.total_fen == 20000 + surcharge

    def test_never_more_than_the_fine(self) -> None:
        assert quote(20000, DECIDED, on_day(400)).surcharge_fen == 20000
        assert quote(5000, DECIDED, on_day(10_000)).total_fen == 10000

    def test_fractions_of_a_fen_favour_the_resident(self) -> None:
        assert quote(1999, DECIDED, on_day(16)).surcharge_fen == 59  # 59.97

    def test_a_date_before_the_decision_is_not_overdue(self) -> None:
        assert overdue_days(DECIDED, DECIDED - timedelta(days=3)) == 0
