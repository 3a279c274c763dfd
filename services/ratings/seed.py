"""Demo ratings so `ratings.stats` and `ratings.ranking` show something on `make run`: a spread
of grades over this month and the last for the first catalogue items that have a handling
department, with the 差评 rectification cases they open (some already closed). They belong to
no resident (citizen 0) and name demo references that no real matter carries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from channels.identity.crypto import seal_text
from config.database import unit_of_work
from services.catalog.models import Implementation
from services.ratings import repository as repo
from services.ratings.grades import CASE_LEVELS
from services.ratings.matters import MatterKind
from services.ratings.models import RESIDENT_SAID, CaseOutcome, CaseState
from services.ratings.service import month_of, ratings

DEMO_CITIZEN = 0
# Levels given per item, item by item: the first items fare best, so the ranking has an order.
LEVELS = (
    (5, 5, 5, 4, 5, 4, 5, 5, 3, 5, 4, 5),
    (5, 4, 4, 5, 3, 5, 4, 2, 5, 4, 5, 4),
    (4, 3, 5, 4, 2, 4, 5, 3, 4, 1, 4, 5),
    (3, 4, 2, 5, 3, 4, 1, 4, 3, 5, 2, 4),
)
REASONS = {
    5: ["efficient"],
    4: ["attitude_good"],
    3: ["long_wait"],
    2: ["slow"],
    1: ["extra_trips"],
}


async def seed_ratings(say: Callable[[str], object] = print) -> int:
    implementations = (
        await Implementation.all().select_related("item").order_by("id").limit(len(LEVELS) * 4)
    )
    seen: dict[str, Implementation] = {}
    for implementation in implementations:
        seen.setdefault(implementation.item.code, implementation)
    now = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    created = 0
    for position, (implementation, levels) in enumerate(zip(seen.values(), LEVELS, strict=False)):
        for n, level in enumerate(levels):
            reference = f"DEMO{position:02d}{n:04d}"
            if await repo.rating_of_matter(MatterKind.APPLICATION, reference) is not None:
                continue
            rated_at = now - timedelta(days=3 * n)
            await _rating(implementation, reference, level, rated_at, closed=n % 2 == 0)
            created += 1
    say(f"ratings: {created} demo ratings")
    return created


async def _rating(
    implementation: Implementation, reference: str, level: int, at: datetime, closed: bool
) -> None:
    async with unit_of_work():
        rating = await repo.insert_rating(
            rating_no=f"PJ{reference}",
            kind=MatterKind.APPLICATION.value,
            reference=reference,
            citizen_id=DEMO_CITIZEN,
            channel="web",
            level=level,
            reasons=REASONS[level],
            item_code=implementation.item.code,
            item_name=implementation.item.name,
            department_id=implementation.department_id,
            handled_at=at - timedelta(hours=1),
            rated_at=at,
            month=month_of(at),
        )
        if level not in CASE_LEVELS:
            return
        due_on = await ratings.deadline(at.date())
        case = await repo.insert_case(
            rating_id=rating.id,
            department_id=implementation.department_id,
            item_code=implementation.item.code,
            month=rating.month,
            opened_at=at,
            due_on=due_on,
        )
        if closed:
            await repo.update_case(
                case.id,
                (CaseState.OPEN,),
                state=CaseState.CLOSED,
                callback_at=at + timedelta(days=1),
                resident_said_cipher=seal_text("已电话回访，情况属实", RESIDENT_SAID),
                outcome=CaseOutcome.RECTIFIED,
                outcome_note="已加强窗口人员培训",
                closed_at=at + timedelta(days=2),
                on_time=True,
            )
