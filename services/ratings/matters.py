"""What can be rated: a registry from each kind of handled matter to the source that resolves it.

A source answers, for a resident and a reference (the matter's public number), the facts a
rating needs: the owner, item, department, hall, and when it was handled (none while it is
not). It reads its capability only through that capability's repository functions; adding a
kind is adding a source and a line in `SOURCES`.

One visit is one rating: a queue number issued when a booking was checked in resolves to the
booking, so the visit is rated once whichever of the two the resident starts from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from services.applications import repository as applications
from services.appointments import repository as appointments
from services.appointments.models import Appointment, AppointmentStatus
from services.queue import repository as queues
from services.queue.models import Ticket, TicketStatus
from services.ratings import repository


class MatterKind(StrEnum):
    APPLICATION = "application"  # an online application, by its application_no
    QUEUE_TICKET = "queue_ticket"  # a queue number, by its id
    APPOINTMENT = "appointment"  # a booking, by its id


@dataclass(frozen=True, slots=True)
class Matter:
    kind: MatterKind
    reference: str
    citizen_id: int
    item_code: str
    item_name: str
    department_id: int | None
    hall_id: int | None
    handled_at: datetime | None  # none while the matter is not handled yet
    state: str

    @property
    def key(self) -> tuple[MatterKind, str]:
        return self.kind, self.reference


class MatterSource(Protocol):
    async def find(self, citizen_id: int, reference: str) -> Matter | None:
        """The resident's matter; none when there is no such matter or it is someone else's."""

    async def handled_of(self, citizen_id: int, since: datetime, limit: int) -> list[Matter]:
        """The resident's matters handled since `since`, the latest first, at most `limit`."""


class ApplicationMatters:
    """Online applications: handled once completed (办结) or rejected."""

    HANDLED = frozenset({"completed", "rejected"})

    async def find(self, citizen_id: int, reference: str) -> Matter | None:
        application = await applications.application_by_no(reference)
        if application is None or application.citizen_id != citizen_id:
            return None
        handled = application.state in self.HANDLED
        return Matter(
            kind=MatterKind.APPLICATION,
            reference=application.application_no,
            citizen_id=application.citizen_id,
            item_code=application.item_code,
            item_name=application.item_name,
            department_id=application.department_id,
            hall_id=None,
            handled_at=application.updated_at if handled else None,
            state=application.state,
        )

    async def handled_of(self, citizen_id: int, since: datetime, limit: int) -> list[Matter]:
        found = []
        for application in await applications.applications_of(citizen_id):
            if application.state in self.HANDLED and application.updated_at >= since:
                matter = await self.find(citizen_id, application.application_no)
                if matter is not None:
                    found.append(matter)
        return found[:limit]


async def _hall_matter(
    kind: MatterKind,
    reference: str,
    citizen_id: int,
    item_ids: Sequence[int],
    hall_id: int,
    handled_at: datetime | None,
    state: str,
) -> Matter:
    """A matter handled at a hall: the first item of `item_ids` and the department handling it."""
    item = await repository.first_item(item_ids)
    item_code, item_name = (item.code, item.name) if item else ("", "")
    return Matter(
        kind=kind,
        reference=reference,
        citizen_id=citizen_id,
        item_code=item_code,
        item_name=item_name,
        department_id=await applications.handling_department(item_code) if item else None,
        hall_id=hall_id,
        handled_at=handled_at,
        state=state,
    )


class AppointmentMatters:
    """Bookings: handled once the resident attended (checked in at the hall)."""

    async def find(self, citizen_id: int, reference: str) -> Matter | None:
        if not reference.isdigit():
            return None
        appointment = await appointments.appointment_of(citizen_id, int(reference))
        return None if appointment is None else await self._matter(appointment)

    async def _matter(self, appointment: Appointment) -> Matter:
        attended = appointment.status is AppointmentStatus.CHECKED_IN
        return await _hall_matter(
            MatterKind.APPOINTMENT,
            str(appointment.id),
            appointment.citizen_id,
            [appointment.item_id],
            appointment.hall_id,
            (appointment.checked_in_at or appointment.updated_at) if attended else None,
            appointment.status.value,
        )

    async def handled_of(self, citizen_id: int, since: datetime, limit: int) -> list[Matter]:
        rows = await appointments.attended_of(citizen_id, since, limit)
        return [await self._matter(appointment) for appointment in rows]


class QueueTicketMatters:
    """Queue numbers: handled once served to the end at a window (not skipped nor cancelled).
    A number issued at a booking's check-in is that booking's visit."""

    def __init__(self, bookings: AppointmentMatters) -> None:
        self.bookings = bookings

    async def find(self, citizen_id: int, reference: str) -> Matter | None:
        if not reference.isdigit():
            return None
        ticket = await queues.ticket_of(citizen_id, int(reference))
        return None if ticket is None else await self._matter(ticket)

    async def _matter(self, ticket: Ticket) -> Matter | None:
        assert ticket.citizen_id is not None
        if ticket.appointment_id is not None:
            return await self.bookings.find(ticket.citizen_id, str(ticket.appointment_id))
        queue = await queues.queue_by_id(ticket.queue_id)
        if queue is None:
            return None
        done = ticket.status is TicketStatus.DONE
        return await _hall_matter(
            MatterKind.QUEUE_TICKET,
            str(ticket.id),
            ticket.citizen_id,
            await queues.item_ids_of_queue(ticket.queue_id),
            queue.hall_id,
            ticket.finished_at if done else None,
            ticket.status.value,
        )

    async def handled_of(self, citizen_id: int, since: datetime, limit: int) -> list[Matter]:
        found = []
        for ticket in await queues.finished_tickets_of(citizen_id, since, limit):
            matter = await self._matter(ticket)
            if matter is not None:
                found.append(matter)
        return found


_BOOKINGS = AppointmentMatters()
SOURCES: dict[MatterKind, MatterSource] = {
    MatterKind.APPLICATION: ApplicationMatters(),
    MatterKind.QUEUE_TICKET: QueueTicketMatters(_BOOKINGS),
    MatterKind.APPOINTMENT: _BOOKINGS,
}
