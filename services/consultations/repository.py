"""Every query of consultations, their timeline and the FAQ (and the catalogue look-ups that
address a case to a department)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from config.database import changed_rows
from services.catalog.models import Department, Implementation, Item
from services.consultations.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    FaqEntry,
)


async def department_by_code(code: str) -> Department | None:
    return await Department.get_or_none(code=code)


async def item_department(item_code: str) -> int | None:
    """The department handling an item: its first implementation's, else the first department
    of the item's type. None when there is no such item."""
    item = await Item.get_or_none(code=item_code, active=True)
    if item is None:
        return None
    found = await Implementation.filter(item_id=item.id).order_by("id").first()
    if found is not None:
        return found.department_id
    department = (
        await Department.filter(department_type=item.department_type).order_by("id").first()
    )
    return None if department is None else department.id


async def departments_by_id(ids: Iterable[int]) -> dict[int, Department]:
    rows = await Department.filter(id__in=sorted(set(ids)))
    return {row.id: row for row in rows}


async def insert_case(**values: Any) -> Case:
    return await Case.create(**values)


async def case_by_no(case_no: str) -> Case | None:
    return await Case.get_or_none(case_no=case_no)


async def title_ciphers_of(citizen_id: int) -> list[str]:
    ciphers = await Case.filter(citizen_id=citizen_id).values_list("title_cipher", flat=True)
    return [str(cipher) for cipher in ciphers]


async def cases_of(citizen_id: int, before_id: int | None, limit: int) -> list[Case]:
    query = Case.filter(citizen_id=citizen_id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit)


async def transition(
    case: Case, to_state: CaseState, expected: dict[str, Any], **changes: Any
) -> bool:
    """Moves the case only if nobody moved it (or passed it on) since it was read, and its
    `expected` columns still hold those values."""
    updated = await Case.filter(
        id=case.id, state=case.state, department_id=case.department_id, **expected
    ).update(state=to_state, **changes)
    return bool(updated)


async def answered_before(moment: datetime, limit: int) -> list[Case]:
    """Answered cases whose answer came before `moment`, the oldest answer first."""
    return (
        await Case.filter(state=CaseState.ANSWERED, answered_at__lt=moment)
        .order_by("answered_at", "id")
        .limit(limit)
    )


async def add_event(
    case_id: int,
    move: str,
    from_state: CaseState,
    to_state: CaseState,
    actor_type: str,
    actor_id: int | None,
    department_id: int,
    text_cipher: str | None,
    at: datetime,
) -> int:
    event = await CaseEvent.create(
        case_id=case_id,
        move=move,
        from_state=from_state.value,
        to_state=to_state.value,
        actor_type=actor_type,
        actor_id=actor_id,
        department_id=department_id,
        text_cipher=text_cipher,
        at=at,
    )
    event_id: int = event.id
    return event_id


async def events_of(case_id: int) -> list[CaseEvent]:
    return await CaseEvent.filter(case_id=case_id).order_by("id")


async def inbox(
    departments: set[int] | None,
    state: CaseState | None,
    kind: CaseKind | None,
    overdue_at: datetime | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Case]:
    """Cases of the departments (None: all), the nearest deadline first."""
    query = Case.all()
    if departments is not None:
        query = query.filter(department_id__in=sorted(departments) or [-1])
    if state is not None:
        query = query.filter(state=state)
    if kind is not None:
        query = query.filter(kind=kind)
    if overdue_at is not None:
        query = query.filter(state__in=list(OPEN_STATES), due_at__lt=overdue_at)
    if after is not None:
        due, case_id = after
        query = query.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=case_id))
    return await query.order_by("due_at", "id").limit(limit)


async def publish_faq(case: Case, question: str, answer: str, at: datetime) -> None:
    await FaqEntry.update_or_create(
        defaults={
            "department_id": case.department_id,
            "item_code": case.item_code,
            "question": question,
            "answer": answer,
            "published_at": at,
        },
        case_id=case.id,
    )


async def faq_search(
    text: str | None,
    department_id: int | None,
    item_code: str | None,
    before_id: int | None,
    limit: int,
) -> list[FaqEntry]:
    query = FaqEntry.all()
    if text:
        query = query.filter(Q(question__icontains=text) | Q(answer__icontains=text))
    if department_id is not None:
        query = query.filter(department_id=department_id)
    if item_code is not None:
        query = query.filter(item_code=item_code)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit)


async def faq_by_id(faq_id: int) -> FaqEntry | None:
    return await FaqEntry.get_or_none(id=faq_id)


async def changed_of(citizen_id: int, before: datetime | None, limit: int) -> list[Case]:
    """The resident\'s cases for their timeline, the newest first."""
    return await changed_rows(Case, citizen_id, before, limit)
