"""The late-payment surcharge (加处罚款) on traffic fines.

Road Traffic Safety Law art. 109 (and Administrative Compulsion Law art. 45): a fine not paid
within 15 days of the penalty decision earns 3% of the fine for every further day, and the
surcharge never exceeds the fine itself. Whole fen, rounded down in the resident's favour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

GRACE_DAYS = 15
PERCENT_PER_DAY = 3


@dataclass(frozen=True, slots=True)
class Quote:
    fine_fen: int
    overdue_days: int
    surcharge_fen: int

    @property
    def total_fen(self) -> int:
        return self.fine_fen + self.surcharge_fen


def overdue_days(decided_on: date, today: date) -> int:
    """Days past the 15 days the decision allows: day 15 is on time, day 16 is one day late."""
    return max(0, (today - decided_on).days - GRACE_DAYS)


def quote(fine_fen: int, decided_on: date, today: date) -> Quote:
    days = overdue_days(decided_on, today)
    surcharge = min(fine_fen * PERCENT_PER_DAY * days // 100, fine_fen)
    return Quote(fine_fen, days, surcharge)
