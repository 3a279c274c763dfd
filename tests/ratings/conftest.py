"""Handled matters to rate (applications, queue numbers, bookings) made as rows in the state
their capability leaves them, residents, the department's and the supervisor's staff, and
calls through the gateway."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest_asyncio
from fastapi import FastAPI

from gateway.schemas import Principal, ServiceResult, StaffPrincipal, StaffScope
from services.applications.models import Application, ApplicationForm
from services.applications.repository import handling_department
from services.appointments.models import Appointment, AppointmentStatus
from services.catalog.models import Item
from services.catalog.seed import seed_catalog
from services.queue.models import Ticket, TicketStatus
from tests.appointments.factories import Place, invoke, make_slot, ok
from tests.notify.helpers import make_resident
from tests.queue.conftest import make_queue

_serial = itertools.count(1)


@pytest_asyncio.fixture
async def catalogue(db: None) -> None:
    await seed_catalog(lambda _: None)


async def resident(phone: str | None = None) -> int:
    return await make_resident(phone=phone or f"137{next(_serial):08d}")


async def application(citizen_id: int, item_code: str = "WS002", state: str = "completed") -> str:
    """An application of the resident in `state`, as the workflow leaves it."""
    item = await Item.get(code=item_code)
    form, _ = await ApplicationForm.get_or_create(
        item_code=item_code,
        version=1,
        defaults={"title": item.name, "schema": {}, "materials": []},
    )
    now = datetime.now(UTC)
    created = await Application.create(
        application_no=f"SQ{now:%y%m%d}T{next(_serial):09d}",
        citizen_id=citizen_id,
        channel="app",
        form_id=form.id,
        item_code=item_code,
        item_name=item.name,
        department_id=await handling_department(item_code),
        state=state,
        promised_days=5,
        submitted_at=now - timedelta(days=3),
        decided_at=now if state in ("completed", "rejected") else None,
    )
    return created.application_no


async def items_of_departments(count: int) -> list[tuple[str, int]]:
    """(item code, handling department id) of `count` items of `count` different departments."""
    found: dict[int, str] = {}
    for item in await Item.all().order_by("id"):
        department = await handling_department(item.code)
        if department is not None:
            found.setdefault(department, item.code)
    assert len(found) >= count
    return [(code, department) for department, code in list(found.items())[:count]]


async def ticket(
    place: Place, citizen_id: int, status: TicketStatus = TicketStatus.DONE, **values: Any
) -> Ticket:
    queue = await make_queue(place, f"Q{next(_serial) % 100}")
    now = datetime.now(UTC)
    number = next(_serial)
    return await Ticket.create(
        queue=queue,
        day=now.date(),
        number=number,
        label=f"{queue.code}{number:03d}",
        citizen_id=citizen_id,
        channel="app",
        status=status,
        queued_at=now - timedelta(minutes=30),
        taken_at=now - timedelta(minutes=30),
        called_at=now - timedelta(minutes=10),
        finished_at=now if status is TicketStatus.DONE else None,
        **values,
    )


async def checked_in(place: Place, citizen_id: int) -> Appointment:
    slot = await make_slot(place, starts_in=timedelta(minutes=-20))
    return await Appointment.create(
        citizen_id=citizen_id,
        slot=slot,
        hall=place.hall,
        item=place.item,
        day=slot.day,
        active_day=slot.day,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=AppointmentStatus.CHECKED_IN,
        check_in_code=f"C{next(_serial):09d}",
        channel="app",
        checked_in_at=slot.starts_at,
    )


def officer(department_id: int | None, *permissions: str, staff_id: int = 21) -> StaffPrincipal:
    """A staff member of one department (None: every department) holding `permissions`."""
    return StaffPrincipal(
        staff_id=staff_id,
        username=f"officer{staff_id}",
        permissions=frozenset(permissions or {"ratings.manage"}),
        scopes=(StaffScope(department_id=department_id),) if department_id else (StaffScope(),),
        session_id=f"staff-session-{staff_id}",
    )


async def call(
    app: FastAPI, action: str, params: dict[str, Any], principal: Principal | None = None
) -> ServiceResult:
    return await invoke(app, "ratings", action, params, principal)


__all__ = ["ok"]
