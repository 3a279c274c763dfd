"""Every query of online applications, their files and the materials library."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from tortoise.expressions import F, Q

from config.database import changed_rows, equal_to
from gateway.schemas import StaffPrincipal
from services.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    ApplicationMaterial,
    LibraryField,
    LibraryMaterial,
    StoredFile,
)
from services.catalog.models import Implementation, Item
from services.catalog.scope import departments_covered as covered
from services.catalog.snapshot import local_term


async def current_form(item_code: str) -> ApplicationForm | None:
    return (
        await ApplicationForm.filter(item_code=item_code, active=True).order_by("-version").first()
    )


async def form_by_id(form_id: int) -> ApplicationForm:
    return await ApplicationForm.get(id=form_id)


async def _handling(item_code: str) -> Implementation | None:
    return await Implementation.filter(item__code=item_code).order_by("id").first()


async def handling_department(item_code: str) -> int | None:
    found = await _handling(item_code)
    return found.department_id if found else None


class Handling(NamedTuple):
    """Where and on what terms an item is handled: the handling implementation's own fee and
    promised days, else the standard item's."""

    department_id: int | None
    fee_fen: int
    promised_days: int


async def handling(item_code: str) -> Handling:
    found = await _handling(item_code)
    item = await Item.get_or_none(code=item_code)
    standard_fee, standard_days = (item.fee_fen, item.promised_days) if item else (0, 20)
    if found is None:
        return Handling(None, standard_fee, standard_days)
    return Handling(
        found.department_id,
        local_term(found.fee_fen, standard_fee),
        local_term(found.promised_days, standard_days),
    )


async def insert_application(**values: Any) -> Application:
    return await Application.create(**values)


async def application_by_no(no: str) -> Application | None:
    return await Application.get_or_none(application_no=no)


async def applications_of(citizen_id: int) -> list[Application]:
    return await Application.filter(citizen_id=citizen_id).order_by("-id").limit(100)


STATISTICS_COLUMNS = (
    "id",
    "form_id",
    "item_code",
    "item_name",
    "state",
    "submitted_at",
    "due_at",
    "decided_at",
)


async def submitted_between(since: datetime, until: datetime) -> list[Application]:
    """Applications submitted in [since, until), holding only what statistics count: never
    the resident, the answers or the phone digits."""
    return await Application.filter(submitted_at__gte=since, submitted_at__lt=until).only(
        *STATISTICS_COLUMNS
    )


async def first_submitted_at() -> datetime | None:
    first = (
        await Application.filter(submitted_at__not_isnull=True)
        .order_by("submitted_at")
        .only("id", "submitted_at")
        .first()
    )
    return None if first is None else first.submitted_at


async def forms_by_id(form_ids: set[int]) -> list[ApplicationForm]:
    return await ApplicationForm.filter(id__in=form_ids)


async def update_application(application_id: int, **changes: Any) -> None:
    await Application.filter(id=application_id).update(**changes)


async def transition(
    application_id: int, from_state: str, held_by: str | None, to_state: str, **changes: Any
) -> bool:
    """Moves the application only if it is still in `from_state`, held by the same payment
    order (or none) as when it was read: a payment starting meanwhile stops a withdrawal."""
    held = {"out_trade_no": held_by} if held_by else {"out_trade_no__isnull": True}
    updated = await Application.filter(id=application_id, state=from_state, **held).update(
        state=to_state, **changes
    )
    return bool(updated)


async def add_event(
    application_id: int,
    move: str,
    from_state: str,
    to_state: str,
    actor_type: str,
    actor_id: int | None,
    reason: str | None,
    at: datetime,
    reference: str | None = None,
) -> int:
    event = await ApplicationEvent.create(
        application_id=application_id,
        move=move,
        from_state=from_state,
        to_state=to_state,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
        reference=reference,
        at=at,
    )
    event_id: int = event.id
    return event_id


async def events_of(application_id: int) -> list[ApplicationEvent]:
    return await ApplicationEvent.filter(application_id=application_id).order_by("id")


async def entered_at(application_id: int, state: str) -> datetime | None:
    """When the application last moved into `state`."""
    event = (
        await ApplicationEvent.filter(application_id=application_id, to_state=state)
        .order_by("-id")
        .first()
    )
    return event.at if event else None


async def event_exists(application_id: int, move: str, reference: str) -> bool:
    return await ApplicationEvent.exists(
        application_id=application_id, move=move, reference=reference
    )


async def hold_for_order(application_id: int, state: str, out_trade_no: str) -> bool:
    """The application waiting in `state` is held by the order, unless one holds it already."""
    updated = await Application.filter(
        id=application_id, state=state, out_trade_no__isnull=True
    ).update(out_trade_no=out_trade_no)
    return bool(updated)


async def release_order(application_id: int, out_trade_no: str) -> bool:
    """The order no longer holds the unpaid application; False when it did not."""
    updated = await Application.filter(
        id=application_id, out_trade_no=out_trade_no, paid_at__isnull=True
    ).update(out_trade_no=None)
    return bool(updated)


async def add_refunded(application_id: int, amount_fen: int) -> None:
    await Application.filter(id=application_id).update(refunded_fen=F("refunded_fen") + amount_fen)


async def fee_application_nos(term: str) -> list[str]:
    """Applications with a fee numbered `term` (a staff search of payment orders)."""
    named = equal_to(Application, term, "application_no")
    if named is None:
        return []
    rows = await Application.filter(named, fee_fen__gt=0).values_list("application_no", flat=True)
    return [str(no) for no in rows]


async def attach(application_id: int, material_code: str, file_id: int, from_library: bool) -> None:
    await ApplicationMaterial.update_or_create(
        defaults={"file_id": file_id, "from_library": from_library},
        application_id=application_id,
        material_code=material_code,
    )


async def attached_codes(application_id: int) -> list[str]:
    rows = await ApplicationMaterial.filter(application_id=application_id)
    return [row.material_code for row in rows]


async def materials_of(application_id: int) -> list[ApplicationMaterial]:
    return await ApplicationMaterial.filter(application_id=application_id).order_by("id")


async def insert_file(**values: Any) -> StoredFile:
    return await StoredFile.create(**values)


async def file_by_id(file_id: int) -> StoredFile | None:
    return await StoredFile.get_or_none(id=file_id)


async def library_materials(citizen_id: int) -> dict[str, LibraryMaterial]:
    rows = await LibraryMaterial.filter(citizen_id=citizen_id)
    return {row.material_code: row for row in rows}


async def library_fields(citizen_id: int, names: list[str]) -> dict[str, LibraryField]:
    rows = await LibraryField.filter(citizen_id=citizen_id, name__in=names)
    return {row.name: row for row in rows}


async def keep_fields(citizen_id: int, no: str, sealed: dict[str, str], now: datetime) -> None:
    for name, value in sealed.items():
        await LibraryField.update_or_create(
            defaults={"value_cipher": value, "source_application_no": no, "updated_at": now},
            citizen_id=citizen_id,
            name=name[:64],
        )


async def keep_material(citizen_id: int, code: str, file_id: int, no: str, now: datetime) -> None:
    await LibraryMaterial.update_or_create(
        defaults={"file_id": file_id, "source_application_no": no, "accepted_at": now},
        citizen_id=citizen_id,
        material_code=code,
    )


async def departments_covered(staff: StaffPrincipal) -> set[int] | None:
    return await covered(staff)


async def inbox(
    departments: set[int] | None,
    state: str | None,
    overdue_at: datetime | None,
    after_id: int,
    limit: int,
) -> list[Application]:
    query = Application.filter(id__gt=after_id).exclude(state="draft")
    if departments is not None:
        query = query.filter(department_id__in=list(departments) or [-1])
    if state:
        query = query.filter(state=state)
    if overdue_at is not None:
        query = query.filter(
            Q(due_at__lt=overdue_at) & Q(state__in=["submitted", "accepted", "in_review"])
        )
    return await query.order_by("id").limit(limit)


async def changed_of(citizen_id: int, before: datetime | None, limit: int) -> list[Application]:
    """The resident\'s applications for their timeline, the newest first."""
    return await changed_rows(Application, citizen_id, before, limit)
