"""Queue numbers: taking one (remotely or on site), checking in a booking, the holder's place
and estimated wait, and what a clerk does at a window.

Serving order: checked-in appointments, then fast-lane groups, then everyone else; within a
lane, by the time the number joined the queue. Every state change is one conditional UPDATE
from the expected state, so two windows never call the same number.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from channels.identity.service import fast_lane_groups
from config.cache import Expiring
from config.database import unit_of_work
from config.group_commit import GroupCommit
from gateway.audit import Row as AuditRow
from gateway.audit import carried_audit, insert_rows
from gateway.paging import Page, cursor_key, decode_cursor, key_of, page_of
from gateway.schemas import StaffPrincipal
from services.appointments import service as halls
from services.appointments.calendar import WeeklyHours, is_open_at, local_today
from services.appointments.errors import AppointmentNotFound, HallNotFound
from services.appointments.models import DayKind, Window
from services.appointments.scope import region_codes, require_hall, scope_covers
from services.appointments.service import AppointmentService, appointments
from services.appointments.settings import appointment_settings
from services.catalog.models import Hall
from services.queue import live, numbering, repository
from services.queue.errors import (
    QueueClosed,
    QueueEmpty,
    QueueNotFound,
    TicketActive,
    TicketNotFound,
    TicketState,
    WindowBusy,
    WindowNotFound,
    WindowNotSignedIn,
    WindowTaken,
)
from services.queue.events import QueueEventKind, emit
from services.queue.models import (
    FastLaneGroup,
    Lane,
    Queue,
    Ticket,
    TicketStatus,
)
from services.queue.repository import TicketRow
from services.queue.schemas import (
    BoardCallRead,
    BoardRead,
    DeskRead,
    MyTicketsParams,
    QueueRead,
    TicketRead,
    WaitingRead,
    WindowChoiceRead,
    WindowRead,
    WindowSessionRead,
)
from services.queue.settings import QueueSettings, queue_settings

Clock = Callable[[], datetime]
ISSUE_ATTEMPTS = 8
DESK_WAITING_SHOWN = 50  # numbers a window's waiting list shows
BOARD_CALLS_SHOWN = 8  # numbers the hall board shows
# Groups the verified identity can prove, in the order they are preferred.
_PROVABLE_GROUPS = (FastLaneGroup.ELDERLY, FastLaneGroup.DISABLED, FastLaneGroup.MILITARY)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class WaitBasis:
    """What the estimated wait is computed from, cached briefly per queue."""

    service_seconds: float
    windows: int


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A number about to be written. `queued_at` None: it joins now, at the back of its lane."""

    lane: Lane
    channel: str
    citizen_id: int | None = None
    fast_lane_group: FastLaneGroup | None = None
    queued_at: datetime | None = None
    appointment_id: int | None = None


@dataclass(frozen=True, slots=True)
class OpenNumbers:
    """A queue's open numbers today, each waiting one with how many wait before it: the rows
    every live stream of the queue reads its own number from (one query for all of them)."""

    tickets: dict[int, tuple[Ticket, int | None]]


@dataclass(frozen=True, slots=True)
class Desk:
    """Where a clerk works now: the window they are signed in at, and its hall."""

    staff_id: int
    window: Window
    hall: Hall


class QueueService:
    """`settings`, `clock` and the appointment service default to the configured ones."""

    def __init__(
        self,
        settings: QueueSettings | None = None,
        clock: Clock = utcnow,
        bookings: AppointmentService = appointments,
    ) -> None:
        self._settings = settings
        self.clock = clock
        self.bookings = bookings
        self._queues: Expiring[int, Queue | None] = Expiring(30)
        self._halls: Expiring[int, Hall | None] = Expiring(30)
        self._hours: Expiring[tuple[int, date], tuple[WeeklyHours, dict[date, DayKind]]] = Expiring(
            30
        )
        self._wait_basis: Expiring[int, WaitBasis] = Expiring(10)
        # Numbers joining at the back of a queue, written together by concurrent requests,
        # each with the audit row of its request.
        self._appended: GroupCommit[tuple[TicketRow, AuditRow | None], int] = GroupCommit(
            self._write_appended, max_rows=64, name="queue-numbers"
        )

    @property
    def settings(self) -> QueueSettings:
        return self._settings or queue_settings()

    async def drain(self) -> None:
        """Waits until every number handed to the group commit is written (shutdown)."""
        await self._appended.drain()

    def forget_cached(self) -> None:
        """Drops every cached row, so changes made behind this process's back show at once."""
        for cache in (self._queues, self._halls, self._hours, self._wait_basis):
            cache.clear()

    def today(self, now: datetime) -> date:
        return local_today(now, appointment_settings().zone)

    # Lookups (cached for seconds: they are read on every number taken)

    async def _queue(self, queue_id: int) -> Queue:
        queue = await self._queues.get(queue_id, lambda: repository.queue_by_id(queue_id))
        if queue is None:
            raise QueueNotFound()
        return queue

    async def _hall(self, hall_id: int) -> Hall:
        hall = await self._halls.get(hall_id, lambda: halls.hall(hall_id))
        if hall is None:
            raise HallNotFound()
        return hall

    async def _ensure_open(self, hall_id: int, now: datetime) -> None:
        if not self.settings.enforce_opening_hours:
            return
        day = self.today(now)
        weekly, overrides = await self._hours.get(
            (hall_id, day), lambda: halls.opening(hall_id, day)
        )
        if not is_open_at(now, weekly, overrides, appointment_settings().zone):
            raise QueueClosed()

    async def _basis(self, queue: Queue) -> WaitBasis:
        async def load() -> WaitBasis:
            since = self.clock() - timedelta(days=self.settings.recent_days)
            durations = await repository.recent_service_seconds(
                queue.id, since, self.settings.recent_services
            )
            windows = await halls.windows_for_items(
                queue.hall_id, await repository.item_ids_of_queue(queue.id)
            )
            average = sum(durations) / len(durations) if durations else None
            return WaitBasis(
                service_seconds=average or float(queue.default_service_seconds),
                windows=max(1, await repository.count_open_windows(windows)),
            )

        return await self._wait_basis.get(queue.id, load)

    # Reading a number

    async def read(self, ticket: Ticket | TicketRow, ahead: int | None = None) -> TicketRead:
        """The number with its place and estimated wait (both only while it waits)."""
        queue = await self._queue(ticket.queue_id)
        wait: int | None = None
        if ticket.status is TicketStatus.WAITING:
            if ahead is None:
                ahead = await repository.count_ahead(ticket)
            basis = await self._basis(queue)
            wait = math.ceil(ahead * basis.service_seconds / basis.windows)
        elif ticket.status is TicketStatus.CALLED:
            ahead = 0
        else:
            ahead = None
        window = None if ticket.window_id is None else await halls.window(ticket.window_id)
        return TicketRead(
            id=ticket.id,
            label=ticket.label,
            queue_id=ticket.queue_id,
            hall_id=queue.hall_id,
            status=ticket.status,
            lane=ticket.lane,
            fast_lane_group=ticket.fast_lane_group,
            ahead=ahead,
            estimated_wait_seconds=wait,
            window_id=ticket.window_id,
            window_name=None if window is None else window.name,
            taken_at=ticket.taken_at,
            called_at=ticket.called_at,
            finished_at=ticket.finished_at,
            transferred_to_id=ticket.transferred_to_id,
        )

    async def queues(self, hall_id: int) -> list[QueueRead]:
        await self._hall(hall_id)
        rows = await repository.queues_of_hall(hall_id)
        counts = await repository.waiting_counts([q.id for q in rows], self.today(self.clock()))
        return [
            QueueRead(
                id=q.id,
                hall_id=q.hall_id,
                code=q.code,
                name=q.name,
                name_en=q.name_en,
                waiting=counts.get(q.id, 0),
            )
            for q in rows
        ]

    # Issuing numbers

    async def _issue(
        self,
        queue: Queue,
        now: datetime,
        new: NewTicket,
        prepare: Callable[[], Awaitable[object]] | None = None,
    ) -> tuple[Ticket | TicketRow, int]:
        """Writes a new number of the queue (with `prepare` in the same transaction, if any);
        returns it with how many wait before it.

        A number that collides with the record (the store lost its counter while numbers were
        being written) fails its insert; the counter is repaired and a new number taken.

        A number joining at the back of the queue is written together with those of concurrent
        requests (one INSERT for all, `_write_appended`). When that INSERT fails, every request
        of it comes here and tries again on its own, so one bad row cannot fail a batch twice:
        the resident who already holds a number is told so, a number found in the record is
        replaced, and any other keeps its number (nothing of the batch was stored).
        """
        day = self.today(now)
        grouped = prepare is None and new.queued_at is None and new.lane is Lane.REGULAR
        number: int | None = None  # kept for the next attempt when its batch failed
        ticket: Ticket | TicketRow
        for _ in range(ISSUE_ATTEMPTS):
            try:
                if grouped:
                    number = await numbering.next_number(queue.id, day)
                    ticket = TicketRow(**self._values(queue, day, now, new, number))
                    carried = carried_audit()
                    audit = None if carried is None else carried.take()
                    ahead = await self._appended.submit((ticket, audit))
                    if carried is not None and audit is not None:
                        carried.stored = True
                elif prepare is None:  # one INSERT: no transaction to pay for
                    ticket, ahead = await self._write(queue, day, now, new, number)
                else:
                    async with unit_of_work():
                        await prepare()
                        ticket, ahead = await self._write(queue, day, now, new)
            except IntegrityError:
                if new.citizen_id is not None:
                    held = await repository.open_ticket_of(new.citizen_id, queue.id, day)
                    if held is not None:
                        raise TicketActive(label=held.label) from None
                if (
                    not grouped
                    or number is None
                    or await repository.number_taken(queue.id, day, number)
                ):
                    number = None
                    await numbering.repair(queue.id, day)
                grouped = False
                continue
            if new.queued_at is not None or new.lane is not Lane.REGULAR:
                await live.touch(queue.id)  # it may go before numbers already waiting
            return ticket, ahead
        raise RuntimeError(f"no free number in queue {queue.id} after {ISSUE_ATTEMPTS} attempts")

    @staticmethod
    def _values(
        queue: Queue, day: date, now: datetime, new: NewTicket, number: int
    ) -> dict[str, Any]:
        return {
            "queue_id": queue.id,
            "day": day,
            "number": number,
            "label": numbering.label(queue.code, number),
            "citizen_id": new.citizen_id,
            "active_citizen_id": new.citizen_id,
            "channel": new.channel,
            "lane": new.lane,
            "fast_lane_group": new.fast_lane_group,
            "appointment_id": new.appointment_id,
            "queued_at": new.queued_at or now,
            "taken_at": now,
        }

    async def _write(
        self, queue: Queue, day: date, now: datetime, new: NewTicket, number: int | None = None
    ) -> tuple[Ticket, int]:
        """One number on its own, with its own count of the numbers before it: one that may go
        before numbers already waiting (a faster lane, a transfer keeping its time), or one
        tried again after its batch failed (`number` then is the one it had)."""
        ahead = await repository.count_waiting_before(queue.id, day, new.lane, new.queued_at or now)
        if number is None:
            number = await numbering.next_number(queue.id, day)
        ticket = await repository.create_ticket(
            **self._values(queue, day, now, new, number),
            near_notified=ahead <= self.settings.near_ahead,  # already near: no message
        )
        return ticket, ahead

    async def _write_appended(self, batch: list[tuple[TicketRow, AuditRow | None]]) -> list[int]:
        """Writes numbers joining at the back of their queues in one INSERT, and the audit
        rows their requests carried, in one transaction. They join the queue when written:
        all at this moment, in the batch's order (their ids), after every earlier batch. So
        each is told exactly how many wait before it: those waiting in its queue, then the
        batch's earlier numbers of that queue."""
        tickets = [ticket for ticket, _ in batch]
        audit_rows = [row for _, row in batch if row is not None]
        async with in_transaction():
            joined = self.clock()
            waiting: dict[tuple[int, date], int] = {}
            for day in {ticket.day for ticket in tickets}:
                queue_ids = sorted({t.queue_id for t in tickets if t.day == day})
                counts = await repository.waiting_counts(queue_ids, day)
                waiting.update({(q, day): counts.get(q, 0) for q in queue_ids})
            near = self.settings.near_ahead
            places: list[int] = []
            for ticket in tickets:
                ahead = waiting[(ticket.queue_id, ticket.day)]
                waiting[(ticket.queue_id, ticket.day)] = ahead + 1
                ticket.queued_at = max(ticket.queued_at, joined)
                ticket.near_notified = ahead <= near  # already near: no message
                places.append(ahead)
            await repository.insert_tickets(tickets)
            if audit_rows:
                await insert_rows(audit_rows)
        return places

    async def take(self, citizen_id: int, queue_id: int, channel: str) -> TicketRead:
        """A resident takes a number, remotely or on site; age 65+ from the verified identity
        puts it in the fast lane."""
        queue = await self._queue(queue_id)
        now = self.clock()
        await self._ensure_open(queue.hall_id, now)
        held = await repository.open_ticket_of(citizen_id, queue.id, self.today(now))
        if held is not None:
            raise TicketActive(label=held.label)
        groups = await fast_lane_groups(citizen_id)
        group = next((g for g in _PROVABLE_GROUPS if g.value in groups), None)
        new = NewTicket(
            lane=Lane.REGULAR if group is None else Lane.FAST,
            channel=channel,
            citizen_id=citizen_id,
            fast_lane_group=group,
        )
        ticket, ahead = await self._issue(queue, now, new)
        return await self.read(ticket, ahead)

    async def issue(
        self,
        staff: StaffPrincipal,
        queue_id: int,
        fast_lane_group: FastLaneGroup | None,
        channel: str,
    ) -> TicketRead:
        """A number handed out on site by a kiosk or reception, fast lane as staff checked."""
        queue = await self._queue(queue_id)
        require_hall(staff, await self._hall(queue.hall_id))
        now = self.clock()
        await self._ensure_open(queue.hall_id, now)
        new = NewTicket(
            lane=Lane.REGULAR if fast_lane_group is None else Lane.FAST,
            channel=channel,
            fast_lane_group=fast_lane_group,
        )
        ticket, ahead = await self._issue(queue, now, new)
        return await self.read(ticket, ahead)

    async def check_in(self, staff: StaffPrincipal, code: str, channel: str) -> TicketRead:
        """Scanning a booking's check-in code at the hall: the booking becomes a number in the
        appointment lane, first to be served."""
        appointment = await halls.appointment_by_code(code)
        if appointment is None:
            raise AppointmentNotFound()
        require_hall(staff, await self._hall(appointment.hall_id))
        queue = await repository.queue_for_item(appointment.hall_id, appointment.item_id)
        if queue is None:
            raise QueueNotFound()
        new = NewTicket(
            lane=Lane.APPOINTMENT,
            channel=channel,
            citizen_id=appointment.citizen_id,
            appointment_id=appointment.id,
        )
        ticket, ahead = await self._issue(
            queue, self.clock(), new, prepare=lambda: self.bookings.check_in(code)
        )
        return await self.read(ticket, ahead)

    async def mark_fast_lane(
        self, staff: StaffPrincipal, ticket_id: int, group: FastLaneGroup
    ) -> TicketRead:
        """Staff moves a waiting number to the fast lane after checking the group's proof."""
        ticket = await self._staff_ticket(staff, ticket_id)
        lane = min(ticket.lane, Lane.FAST)
        if not await repository.move(
            ticket.id, [TicketStatus.WAITING], lane=lane, fast_lane_group=group
        ):
            raise TicketState(label=ticket.label, status=ticket.status.value)
        await live.touch(ticket.queue_id)
        return await self._reread(ticket.id)

    async def _staff_ticket(self, staff: StaffPrincipal, ticket_id: int) -> Ticket:
        ticket = await repository.ticket_by_id(ticket_id)
        if ticket is None:
            raise TicketNotFound()
        queue = await self._queue(ticket.queue_id)
        require_hall(staff, await self._hall(queue.hall_id))
        return ticket

    async def _reread(self, ticket_id: int) -> TicketRead:
        ticket = await repository.ticket_by_id(ticket_id)
        if ticket is None:
            raise TicketNotFound()
        return await self.read(ticket)

    # The resident's own numbers

    async def _own(self, citizen_id: int, ticket_id: int) -> Ticket:
        """The resident's number; someone else's is answered exactly like a missing one."""
        ticket = await repository.ticket_of(citizen_id, ticket_id)
        if ticket is None:
            raise TicketNotFound()
        return ticket

    async def my_ticket(self, citizen_id: int, ticket_id: int) -> TicketRead:
        return await self.read(await self._own(citizen_id, ticket_id))

    async def open_numbers(self, queue_id: int) -> OpenNumbers:
        rows = await repository.open_tickets(queue_id, self.today(self.clock()))
        tickets: dict[int, tuple[Ticket, int | None]] = {}
        waiting = 0
        for ticket in rows:  # serving order, so a waiting number's place is its rank
            if ticket.status is TicketStatus.WAITING:
                tickets[ticket.id] = (ticket, waiting)
                waiting += 1
            else:
                tickets[ticket.id] = (ticket, None)
        if waiting:
            await self._basis(await self._queue(queue_id))  # warmed once for every reader
        return OpenNumbers(tickets)

    async def my_ticket_in(
        self, numbers: OpenNumbers, citizen_id: int, ticket_id: int
    ) -> TicketRead:
        """`my_ticket` read from a queue's open numbers; one not among them (finished, or of
        another day) is read on its own."""
        found = numbers.tickets.get(ticket_id)
        if found is None or found[0].citizen_id != citizen_id:
            return await self.my_ticket(citizen_id, ticket_id)
        return await self.read(*found)

    async def my_tickets(self, citizen_id: int, params: MyTicketsParams) -> Page[TicketRead]:
        """The resident's numbers today in the order taken, a page at a time."""
        after = cursor_key(decode_cursor(params.cursor), "after")
        today = self.today(self.clock())
        rows = await repository.tickets_of(citizen_id, today, after, params.limit + 1)
        page = page_of(rows, params.limit, lambda t: {"after": key_of(t.taken_at, t.id)})
        return Page[TicketRead](
            items=[await self.read(ticket) for ticket in page.items], next_cursor=page.next_cursor
        )

    async def cancel(self, citizen_id: int, ticket_id: int) -> TicketRead:
        ticket = await self._own(citizen_id, ticket_id)
        now = self.clock()
        async with unit_of_work():
            if not await repository.move(
                ticket.id,
                [TicketStatus.WAITING],
                status=TicketStatus.CANCELLED,
                finished_at=now,
                active_citizen_id=None,
            ):
                raise TicketState(label=ticket.label, status=ticket.status.value)
            await repository.log(ticket.id, "cancel", now)
            await self._announce_near(ticket.queue_id, ticket.day)
        await live.touch(ticket.queue_id)
        return await self._reread(ticket.id)

    # Windows

    async def sign_in(self, staff: StaffPrincipal, window_id: int) -> WindowSessionRead:
        """A clerk signs in at a window (leaving any other window they were at)."""
        window = await halls.window(window_id)
        if window is None:
            raise WindowNotFound()
        hall = await self._hall(window.hall_id)
        require_hall(staff, hall)
        now = self.clock()
        try:
            async with unit_of_work():
                mine = await repository.open_session_of(staff.staff_id)
                if mine is not None and mine.window_id == window.id:
                    return self._session_read(window, mine.started_at)
                if mine is not None:
                    await repository.close_session(mine.id, now)
                session = await repository.open_session(window.id, staff.staff_id, now)
        except IntegrityError:
            raise WindowTaken() from None
        self._wait_basis.clear()
        return self._session_read(window, session.started_at)

    async def windows(self, staff: StaffPrincipal, hall_id: int) -> list[WindowRead]:
        """The active windows of a hall the staff member may act at, to sign in at one."""
        require_hall(staff, await self._hall(hall_id))
        windows = await halls.windows_of_hall(hall_id)
        open_ids = await repository.open_window_ids([w.id for w in windows])
        return [
            WindowRead(
                id=w.id, code=w.code, name=w.name, hall_id=w.hall_id, signed_in=w.id in open_ids
            )
            for w in windows
        ]

    @staticmethod
    def _session_read(window: Window, started_at: datetime) -> WindowSessionRead:
        return WindowSessionRead(
            window_id=window.id,
            window_name=window.name,
            hall_id=window.hall_id,
            started_at=started_at,
        )

    async def sign_out(self, staff: StaffPrincipal) -> None:
        session = await repository.open_session_of(staff.staff_id)
        if session is not None:
            await repository.close_session(session.id, self.clock())
            self._wait_basis.clear()

    async def _desk(self, staff: StaffPrincipal) -> Desk:
        session = await repository.open_session_of(staff.staff_id)
        if session is None:
            raise WindowNotSignedIn()
        window = await halls.window(session.window_id)
        if window is None:
            raise WindowNotFound()
        hall = await self._hall(window.hall_id)
        require_hall(staff, hall)  # scopes may have shrunk since sign-in
        return Desk(staff.staff_id, window, hall)

    async def windows_of(self, staff: StaffPrincipal) -> list[WindowChoiceRead]:
        """The active windows of every hall the staff member's scopes cover."""
        return [
            WindowChoiceRead(
                id=w.id, code=w.code, name=w.name, hall_id=w.hall_id, hall_name=w.hall.name
            )
            for w in await halls.windows_with_halls()
            if any(scope_covers(s, w.hall_id, region_codes(w.hall)) for s in staff.scopes)
        ]

    async def desk(self, staff: StaffPrincipal) -> DeskRead:
        """The clerk's window: the number being served and the numbers waiting for it, in
        serving order."""
        session = await repository.open_session_of(staff.staff_id)
        if session is None:
            return DeskRead(session=None, current=None, waiting=[], queues=[])
        desk = await self._desk(staff)
        current = await repository.called_at_window(desk.window.id)
        queue_ids = await repository.queue_ids_with_items(
            desk.hall.id, await halls.window_item_ids(desk.window.id)
        )
        day = self.today(self.clock())
        waiting = await repository.first_waiting(queue_ids, day, limit=DESK_WAITING_SHOWN)
        return DeskRead(
            session=self._session_read(desk.window, session.started_at),
            current=None if current is None else await self.read(current),
            waiting=[WaitingRead.model_validate(t) for t in waiting],
            queues=await self.queues(desk.hall.id),
        )

    async def board(self, hall_id: int) -> BoardRead:
        """What the hall's display board shows: the numbers being called, newest first."""
        hall = await self._hall(hall_id)
        queue_ids = [q.id for q in await repository.queues_of_hall(hall_id)]
        day = self.today(self.clock())
        calls = await repository.called_in(queue_ids, day, limit=BOARD_CALLS_SHOWN)
        names = {w.id: w.name for w in await halls.windows_of_hall(hall_id)}
        return BoardRead(
            hall_id=hall.id,
            hall_name=hall.name,
            calling=[
                BoardCallRead(
                    ticket_id=t.id,
                    label=t.label,
                    window_name=names.get(t.window_id or 0, ""),
                    called_at=t.called_at or t.taken_at,
                    recalls=t.recalls,
                )
                for t in calls
            ],
            waiting=sum((await repository.waiting_counts(queue_ids, day)).values()),
        )

    async def board_queue_ids(self, hall_id: int) -> list[int]:
        await self._hall(hall_id)
        return [q.id for q in await repository.queues_of_hall(hall_id)]

    async def _current(self, desk: Desk) -> Ticket:
        ticket = await repository.called_at_window(desk.window.id)
        if ticket is None:
            raise TicketNotFound()
        return ticket

    async def call_next(self, staff: StaffPrincipal) -> TicketRead:
        """Calls the first waiting number among the queues this window serves."""
        desk = await self._desk(staff)
        current = await repository.called_at_window(desk.window.id)
        if current is not None:
            raise WindowBusy(label=current.label)
        queue_ids = await repository.queue_ids_with_items(
            desk.hall.id, await halls.window_item_ids(desk.window.id)
        )
        now = self.clock()
        day = self.today(now)
        while True:
            candidates = await repository.first_waiting(queue_ids, day, limit=5)
            if not candidates:
                raise QueueEmpty()
            for ticket in candidates:
                if await self._call(ticket, desk, now):
                    return await self._reread(ticket.id)

    async def _call(self, ticket: Ticket, desk: Desk, now: datetime) -> bool:
        async with unit_of_work():
            if not await repository.move(
                ticket.id,
                [TicketStatus.WAITING],
                status=TicketStatus.CALLED,
                called_at=now,
                window_id=desk.window.id,
                staff_id=desk.staff_id,
            ):
                return False  # another window called it first
            await repository.log(
                ticket.id, "call", now, staff_id=desk.staff_id, window_id=desk.window.id
            )
            await emit(QueueEventKind.CALLED, ticket, window_name=desk.window.name, recall=False)
            await self._announce_near(ticket.queue_id, ticket.day)
        await live.touch(ticket.queue_id)
        return True

    async def recall(self, staff: StaffPrincipal) -> TicketRead:
        desk = await self._desk(staff)
        ticket = await self._current(desk)
        now = self.clock()
        async with unit_of_work():
            if not await repository.move(
                ticket.id, [TicketStatus.CALLED], recalls=ticket.recalls + 1
            ):
                raise TicketState(label=ticket.label, status=ticket.status.value)
            await repository.log(
                ticket.id, "recall", now, staff_id=desk.staff_id, window_id=desk.window.id
            )
            await emit(QueueEventKind.CALLED, ticket, window_name=desk.window.name, recall=True)
        await live.touch(ticket.queue_id)  # the hall board reads the number out again
        return await self._reread(ticket.id)

    async def finish(self, staff: StaffPrincipal) -> TicketRead:
        """The number at the window was served."""
        return await self._close(staff, TicketStatus.DONE, "finish")

    async def skip(self, staff: StaffPrincipal) -> TicketRead:
        """The number at the window did not come (过号)."""
        return await self._close(staff, TicketStatus.SKIPPED, "skip")

    async def _close(self, staff: StaffPrincipal, status: TicketStatus, action: str) -> TicketRead:
        desk = await self._desk(staff)
        ticket = await self._current(desk)
        now = self.clock()
        async with unit_of_work():
            if not await repository.move(
                ticket.id,
                [TicketStatus.CALLED],
                status=status,
                finished_at=now,
                active_citizen_id=None,
            ):
                raise TicketState(label=ticket.label, status=ticket.status.value)
            await repository.log(
                ticket.id, action, now, staff_id=desk.staff_id, window_id=desk.window.id
            )
        await live.touch(ticket.queue_id)
        return await self._reread(ticket.id)

    async def transfer(self, staff: StaffPrincipal, queue_id: int) -> TicketRead:
        """Sends the number at the window to another queue of the hall: it gets a number there
        and keeps its lane and its place in time, so it is not sent to the back."""
        desk = await self._desk(staff)
        ticket = await self._current(desk)
        target = await self._queue(queue_id)
        if target.hall_id != desk.hall.id or target.id == ticket.queue_id:
            raise QueueNotFound()
        now = self.clock()

        async def close_original() -> None:
            if not await repository.move(
                ticket.id,
                [TicketStatus.CALLED],
                status=TicketStatus.TRANSFERRED,
                finished_at=now,
                active_citizen_id=None,
            ):
                raise TicketState(label=ticket.label, status=ticket.status.value)
            await repository.log(
                ticket.id,
                "transfer",
                now,
                staff_id=desk.staff_id,
                window_id=desk.window.id,
                detail={"queue_id": target.id},
            )

        new = NewTicket(
            lane=ticket.lane,
            channel=ticket.channel,
            citizen_id=ticket.citizen_id,
            fast_lane_group=ticket.fast_lane_group,
            queued_at=ticket.queued_at,
            appointment_id=ticket.appointment_id,
        )
        moved, ahead = await self._issue(target, now, new, prepare=close_original)
        await repository.move(ticket.id, [TicketStatus.TRANSFERRED], transferred_to_id=moved.id)
        await live.touch(ticket.queue_id)
        return await self.read(moved, ahead)

    async def _announce_near(self, queue_id: int, day: date) -> None:
        """Tells each resident whose number now has `near_ahead` or fewer waiting before it,
        once per number (inside the caller's transaction)."""
        near = self.settings.near_ahead
        for ahead, ticket in enumerate(await repository.first_waiting([queue_id], day, near + 1)):
            if ticket.near_notified or not await repository.mark_near_notified(ticket.id):
                continue
            await emit(QueueEventKind.NEAR, ticket, ahead=ahead)


queue = QueueService()
