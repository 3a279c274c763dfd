"""Every query of ratings, their rectification cases and appeals (and the catalogue names the
statistics show)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from services.catalog.models import Department, Item
from services.ratings.models import (
    AppealState,
    CaseOutcome,
    CaseState,
    Rating,
    RatingAppeal,
    RectificationCase,
)


async def first_item(item_ids: Sequence[int]) -> Item | None:
    if not item_ids:
        return None
    return await Item.filter(id__in=list(item_ids)).order_by("id").first()


async def item_names(codes: Collection[str]) -> dict[str, str]:
    rows = await Item.filter(code__in=list(codes)).values("code", "name")
    return {row["code"]: row["name"] for row in rows}


async def departments(ids: Collection[int]) -> dict[int, tuple[str, str]]:
    rows = await Department.filter(id__in=list(ids)).values("id", "code", "name")
    return {row["id"]: (row["code"], row["name"]) for row in rows}


# Ratings


async def insert_rating(**values: Any) -> Rating:
    return await Rating.create(**values)


async def rating_of_matter(kind: str, reference: str) -> Rating | None:
    return await Rating.get_or_none(kind=kind, reference=reference)


async def rated_keys(citizen_id: int, references: Collection[str]) -> set[tuple[str, str]]:
    rows = await Rating.filter(citizen_id=citizen_id, reference__in=list(references)).values(
        "kind", "reference"
    )
    return {(row["kind"], row["reference"]) for row in rows}


async def rating_by_no(no: str) -> Rating | None:
    return await Rating.get_or_none(rating_no=no)


async def ratings_of(citizen_id: int, before_id: int | None, limit: int) -> list[Rating]:
    query = Rating.filter(citizen_id=citizen_id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit)


async def ratings_by_id(ids: Collection[int]) -> dict[int, Rating]:
    return {row.id: row for row in await Rating.filter(id__in=list(ids))}


async def exclude_rating(rating_id: int) -> None:
    await Rating.filter(id=rating_id).update(excluded=True)


# Rectification cases


async def insert_case(**values: Any) -> RectificationCase:
    return await RectificationCase.create(**values)


async def case_of(rating_id: int) -> RectificationCase | None:
    return await RectificationCase.get_or_none(rating_id=rating_id)


async def cases_of(rating_ids: Collection[int]) -> dict[int, RectificationCase]:
    rows = await RectificationCase.filter(rating_id__in=list(rating_ids))
    return {row.rating_id: row for row in rows}


async def cases(
    departments: set[int] | None,
    state: CaseState | None,
    overdue_on: date | None,
    after_id: int | None,
    limit: int,
) -> list[RectificationCase]:
    """Cases of the departments (None: all), oldest first; `overdue_on`: only those still open
    whose deadline is before that day."""
    query = RectificationCase.all()
    if departments is not None:
        query = query.filter(department_id__in=list(departments) or [-1])
    if state is not None:
        query = query.filter(state=state)
    if overdue_on is not None:
        query = query.filter(due_on__lt=overdue_on).exclude(state=CaseState.CLOSED)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(limit)


async def update_case(case_id: int, states: Collection[CaseState], **changes: Any) -> bool:
    """Changes a case only while it is in one of `states`; False when another change won."""
    updated = await RectificationCase.filter(id=case_id, state__in=list(states)).update(**changes)
    return bool(updated)


async def case_rows(first_month: str, last_month: str) -> list[dict[str, Any]]:
    """What the on-time rate needs of every counted case of the months."""
    return (
        await RectificationCase.filter(month__gte=first_month, month__lte=last_month)
        .filter(Q(outcome__isnull=True) | ~Q(outcome=CaseOutcome.WITHDRAWN))
        .values("item_code", "department_id", "state", "due_on", "on_time")
    )


# Appeals


async def insert_appeal(**values: Any) -> RatingAppeal:
    return await RatingAppeal.create(**values)


async def appeal_of(rating_id: int) -> RatingAppeal | None:
    return await RatingAppeal.get_or_none(rating_id=rating_id)


async def appeals_of(rating_ids: Collection[int]) -> dict[int, RatingAppeal]:
    rows = await RatingAppeal.filter(rating_id__in=list(rating_ids))
    return {row.rating_id: row for row in rows}


async def appeals(
    departments: set[int] | None, state: AppealState | None, after_id: int | None, limit: int
) -> list[RatingAppeal]:
    query = RatingAppeal.all()
    if departments is not None:
        query = query.filter(department_id__in=list(departments) or [-1])
    if state is not None:
        query = query.filter(state=state)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(limit)


async def decide_appeal(appeal_id: int, state: AppealState, **changes: Any) -> bool:
    updated = await RatingAppeal.filter(id=appeal_id, state=AppealState.PENDING).update(
        state=state, **changes
    )
    return bool(updated)


# Statistics


async def grade_counts(first_month: str, last_month: str, by: str) -> list[dict[str, Any]]:
    """(`by`, level, n) over the counted ratings of the months; `by` is item_code or
    department_id."""
    return (
        await Rating.filter(month__gte=first_month, month__lte=last_month, excluded=False)
        .annotate(n=Count("id"))
        .group_by(by, "level")
        .values(by, "level", "n")
    )
