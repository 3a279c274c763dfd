"""Hall appointments: free times, booking without overselling, cancelling, rescheduling,
check-in, and the no-show rule that pauses booking."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError

from config.database import unit_of_work
from gateway.paging import Page, cursor_key, decode_cursor, key_of, page_of
from notify.events import Event, emit
from services.appointments import repository
from services.appointments.calendar import (
    WeeklyHours,
    add_working_days,
    local_moment,
    local_today,
    sessions_on,
    slot_times,
)
from services.appointments.errors import (
    AppointmentLimit,
    AppointmentNotActive,
    AppointmentNotFound,
    BookingBlocked,
    CancelTooLate,
    CheckInClosed,
    HallNotFound,
    ItemNotBookable,
    SlotClosed,
    SlotFull,
    SlotNotFound,
)
from services.appointments.models import Appointment, AppointmentStatus, DayKind, Slot, Window
from services.appointments.schemas import (
    AppointmentRead,
    CheckInQr,
    MyAppointmentsParams,
    NoShowsResult,
    SlotRead,
)
from services.appointments.settings import AppointmentSettings, appointment_settings
from services.catalog.models import Hall, Item
from services.qrcodes import qr_svg

Clock = Callable[[], datetime]
# No 0/O or 1/I/L: the code is read aloud and typed at kiosks.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 8
QR_PREFIX = "govhub:checkin:"


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_check_in_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


async def appointment_reads(appointments: list[Appointment]) -> list[AppointmentRead]:
    """Bookings as residents read them: with the hall's and the item's public codes and names,
    so a client can show them and book again (`available-slots` takes the codes)."""
    await Appointment.fetch_for_list(appointments, "hall", "item")
    return [
        AppointmentRead.model_validate(a, from_attributes=True).model_copy(
            update={
                "hall_code": a.hall.code,
                "hall_name": a.hall.name,
                "item_code": a.item.code,
                "item_name": a.item.name,
            }
        )
        for a in appointments
    ]


async def appointment_read(appointment: Appointment) -> AppointmentRead:
    return (await appointment_reads([appointment]))[0]


class AppointmentService:
    """`settings` and `clock` default to the configured ones; tests pass their own."""

    def __init__(self, settings: AppointmentSettings | None = None, clock: Clock = utcnow) -> None:
        self._settings = settings
        self.clock = clock

    @property
    def settings(self) -> AppointmentSettings:
        return self._settings or appointment_settings()

    def local_text(self, moment: datetime) -> str:
        return moment.astimezone(self.settings.zone).strftime("%Y-%m-%d %H:%M")

    # Free times

    async def hall_id_of(self, code: str) -> int:
        hall_id = await repository.hall_id_by_code(code)
        if hall_id is None:
            raise HallNotFound()
        return hall_id

    async def item_id_of(self, code: str) -> int:
        item_id = await repository.item_id_by_code(code)
        if item_id is None:
            raise ItemNotBookable()
        return item_id

    async def available_slots(self, hall_id: int, item_id: int) -> list[SlotRead]:
        """Every slot of the booking period still ahead, with places left or not."""
        now = self.clock()
        if await repository.hall_with_region(hall_id) is None:
            raise HallNotFound()
        rule = await repository.slot_rule(hall_id, item_id)
        if rule is None:
            raise ItemNotBookable()
        first = local_today(now, self.settings.zone)
        last = first + timedelta(days=self.settings.booking_days - 1)
        existing = await repository.slots_between(hall_id, item_id, first, last)
        known = {slot.starts_at for slot in existing}
        weekly = await repository.weekly_hours(hall_id)
        overrides = await repository.calendar_overrides(first, last)
        missing = [
            Slot(
                hall_id=hall_id,
                item_id=item_id,
                day=first + timedelta(days=offset),
                starts_at=starts,
                ends_at=ends,
                capacity=rule.capacity,
            )
            for offset in range(self.settings.booking_days)
            for starts, ends in slot_times(
                first + timedelta(days=offset),
                sessions_on(first + timedelta(days=offset), weekly, overrides),
                rule.slot_minutes,
                self.settings.zone,
            )
            if starts not in known
        ]
        if missing:
            await repository.add_slots(missing)
            existing = await repository.slots_between(hall_id, item_id, first, last)
        return [
            SlotRead(
                id=slot.id,
                day=slot.day,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                capacity=slot.capacity,
                remaining=max(0, slot.capacity - slot.booked),
            )
            for slot in existing
            if slot.starts_at > now
        ]

    # Booking

    async def book(self, citizen_id: int, slot_id: int, channel: str) -> AppointmentRead:
        """Takes one place of a slot; a full slot answers SLOT_FULL, never an extra place."""
        now = self.clock()
        await self._ensure_not_blocked(citizen_id, now)
        slot = await self._bookable_slot(slot_id, now)
        await self._ensure_no_other(citizen_id, slot)
        try:
            async with unit_of_work():
                if not await repository.take_place(slot.id):
                    raise SlotFull()
                appointment = await repository.create_appointment(
                    citizen_id=citizen_id,
                    slot_id=slot.id,
                    hall_id=slot.hall_id,
                    item_id=slot.item_id,
                    day=slot.day,
                    active_day=slot.day,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    check_in_code=new_check_in_code(),
                    channel=channel,
                )
                await self._tell(appointment, Event.APPOINTMENT_BOOKED, "booked")
        except IntegrityError:
            await self._ensure_no_other(citizen_id, slot)  # a concurrent booking won the day
            raise
        return await appointment_read(appointment)

    async def _tell(self, appointment: Appointment, event: Event, what: str) -> None:
        """The resident's message about their booking, in the transaction that changes it (the
        key names the slot time, so a rescheduled booking is told again)."""
        hall = await Hall.get(id=appointment.hall_id)
        item = await Item.get(id=appointment.item_id)
        stamp = int(appointment.starts_at.timestamp())
        await emit(
            event,
            appointment.citizen_id,
            {
                "item": item.name,
                "hall": hall.name,
                "time": self.local_text(appointment.starts_at),
                "appointment_id": appointment.id,
            },
            channel=appointment.channel,
            dedupe_key=f"appointment:{appointment.id}:{what}:{stamp}",
        )

    async def send_reminders(self) -> int:
        """Reminds every booking the day before and an hour before it starts, each once; a
        booking made inside a window gets no reminder for it (it was just confirmed)."""
        now = self.clock()
        sent = 0
        for ahead, what in (
            (timedelta(hours=24), "reminder-day"),
            (timedelta(hours=1), "reminder-hour"),
        ):
            for appointment in await repository.booked_starting_between(now, now + ahead):
                if appointment.created_at > appointment.starts_at - ahead:
                    continue
                async with unit_of_work():
                    await self._tell(appointment, Event.APPOINTMENT_REMINDER, what)
                sent += 1
        return sent

    async def _ensure_not_blocked(self, citizen_id: int, now: datetime) -> None:
        block = await repository.block_in_force(citizen_id, now)
        if block is not None:
            raise BookingBlocked(
                until=self.local_text(block.until),
                count=block.no_shows,
                days=self.settings.no_show_window_days,
                data={"until": block.until.isoformat()},
            )

    async def _bookable_slot(self, slot_id: int, now: datetime) -> Slot:
        slot = await repository.slot_by_id(slot_id)
        if slot is None:
            raise SlotNotFound()
        last_day = local_today(now, self.settings.zone) + timedelta(
            days=self.settings.booking_days - 1
        )
        if slot.starts_at <= now or slot.day > last_day:
            raise SlotClosed()
        return slot

    @staticmethod
    async def _ensure_no_other(citizen_id: int, slot: Slot, except_id: int | None = None) -> None:
        other = await repository.active_appointment(citizen_id, slot.item_id, slot.day)
        if other is not None and other.id != except_id:
            raise AppointmentLimit(day=slot.day.isoformat())

    # The resident's own bookings

    async def _own(self, citizen_id: int, appointment_id: int) -> Appointment:
        """The resident's booking; someone else's is answered exactly like a missing one."""
        appointment = await repository.appointment_of(citizen_id, appointment_id)
        if appointment is None:
            raise AppointmentNotFound()
        return appointment

    async def get(self, citizen_id: int, appointment_id: int) -> AppointmentRead:
        return await appointment_read(await self._own(citizen_id, appointment_id))

    async def mine(self, citizen_id: int, params: MyAppointmentsParams) -> Page[AppointmentRead]:
        """The resident's bookings by start time, a page at a time."""
        today = local_today(self.clock(), self.settings.zone)
        since = today - timedelta(days=365 if params.include_past else 0)
        after = cursor_key(decode_cursor(params.cursor), "after")
        rows = await repository.appointments_of(citizen_id, since, after, params.limit + 1)
        page = page_of(rows, params.limit, lambda a: {"after": key_of(a.starts_at, a.id)})
        return Page[AppointmentRead](
            items=await appointment_reads(list(page.items)), next_cursor=page.next_cursor
        )

    def _ensure_changeable(self, appointment: Appointment, now: datetime) -> None:
        if appointment.status is not AppointmentStatus.BOOKED:
            raise AppointmentNotActive()
        cutoff = timedelta(minutes=self.settings.cancel_cutoff_minutes)
        if appointment.starts_at - now < cutoff:
            raise CancelTooLate(minutes=self.settings.cancel_cutoff_minutes)

    async def cancel(self, citizen_id: int, appointment_id: int) -> AppointmentRead:
        """Cancels until the cutoff before the start and gives the place back."""
        now = self.clock()
        appointment = await self._own(citizen_id, appointment_id)
        self._ensure_changeable(appointment, now)
        async with unit_of_work():
            changed = await repository.update_if_booked(
                appointment.id,
                status=AppointmentStatus.CANCELLED,
                active_day=None,
                cancelled_at=now,
                updated_at=now,
            )
            if not changed:
                raise AppointmentNotActive()
            await repository.release_place(appointment.slot_id)
            await self._tell(appointment, Event.APPOINTMENT_CANCELLED, "cancelled")
        return await self.get(citizen_id, appointment_id)

    async def reschedule(
        self, citizen_id: int, appointment_id: int, slot_id: int
    ) -> AppointmentRead:
        """Moves a booking to another slot of the same item: the new place is taken before the
        old one is given back, in one transaction, so a full slot leaves the booking as it was."""
        now = self.clock()
        appointment = await self._own(citizen_id, appointment_id)
        self._ensure_changeable(appointment, now)
        slot = await self._bookable_slot(slot_id, now)
        if slot.item_id != appointment.item_id:
            raise SlotNotFound()
        if slot.id == appointment.slot_id:
            return await appointment_read(appointment)
        await self._ensure_no_other(citizen_id, slot, except_id=appointment.id)
        try:
            async with unit_of_work():
                if not await repository.take_place(slot.id):
                    raise SlotFull()
                changed = await repository.update_if_booked(
                    appointment.id,
                    slot_id=slot.id,
                    hall_id=slot.hall_id,
                    day=slot.day,
                    active_day=slot.day,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    updated_at=now,
                )
                if not changed:
                    raise AppointmentNotActive()
                await repository.release_place(appointment.slot_id)
                appointment.starts_at, appointment.hall_id = slot.starts_at, slot.hall_id
                await self._tell(appointment, Event.APPOINTMENT_BOOKED, "booked")
        except IntegrityError:
            await self._ensure_no_other(citizen_id, slot, except_id=appointment.id)
            raise
        return await self.get(citizen_id, appointment_id)

    async def check_in_qr(self, citizen_id: int, appointment_id: int) -> CheckInQr:
        appointment = await self._own(citizen_id, appointment_id)
        if appointment.status is not AppointmentStatus.BOOKED:
            raise AppointmentNotActive()
        text = QR_PREFIX + appointment.check_in_code
        return CheckInQr(check_in_code=appointment.check_in_code, qr_text=text, svg=qr_svg(text))

    # At the hall

    async def check_in(self, code: str) -> Appointment:
        """Marks a booking checked in by its code (bare or as read from the QR code), within
        the check-in time. Call inside the unit of work that issues its queue number."""
        now = self.clock()
        appointment = await repository.appointment_by_code(code.strip().removeprefix(QR_PREFIX))
        if appointment is None:
            raise AppointmentNotFound()
        if appointment.status is not AppointmentStatus.BOOKED:
            raise AppointmentNotActive()
        opens = appointment.starts_at - timedelta(minutes=self.settings.check_in_early_minutes)
        if not opens <= now <= appointment.ends_at:
            raise CheckInClosed(
                opens=self.local_text(opens), closes=self.local_text(appointment.ends_at)
            )
        changed = await repository.update_if_booked(
            appointment.id, status=AppointmentStatus.CHECKED_IN, checked_in_at=now, updated_at=now
        )
        if not changed:
            raise AppointmentNotActive()
        appointment.status, appointment.checked_in_at = AppointmentStatus.CHECKED_IN, now
        return appointment

    # No-shows

    async def mark_no_shows(self) -> NoShowsResult:
        """Marks bookings never checked in as no-shows once their slot is over (plus a grace),
        and pauses booking for residents who reach the limit within the counting window."""
        now = self.clock()
        settings = self.settings
        ended_before = now - timedelta(minutes=settings.no_show_grace_minutes)
        marked: Counter[int] = Counter()
        for appointment in await repository.missed(ended_before):
            if await repository.update_if_booked(
                appointment.id, status=AppointmentStatus.NO_SHOW, no_show_at=now, updated_at=now
            ):
                marked[appointment.citizen_id] += 1
        blocked = 0
        since = now - timedelta(days=settings.no_show_window_days)
        for citizen_id in marked:
            count = await repository.no_shows_since(citizen_id, since)
            if count >= settings.no_show_limit:
                until = now + timedelta(days=settings.block_days)
                await repository.create_block(citizen_id, until, count)
                blocked += 1
        return NoShowsResult(marked=sum(marked.values()), blocked=blocked)


appointments = AppointmentService()


# What the queue module asks of halls and windows (it never queries these tables itself).


async def hall(hall_id: int) -> Hall | None:
    """The hall with its region loaded (for staff scope checks)."""
    return await repository.hall_with_region(hall_id)


async def appointment_by_code(code: str) -> Appointment | None:
    """The booking a check-in code (bare or as read from the QR code) belongs to."""
    return await repository.appointment_by_code(code.strip().removeprefix(QR_PREFIX))


async def window(window_id: int) -> Window | None:
    return await repository.active_window(window_id)


async def windows_with_halls() -> list[Window]:
    """Every active window, with its hall and the hall's region loaded (for scope checks)."""
    return await repository.active_windows_with_halls()


async def active_window_counts() -> dict[int, int]:
    """How many windows each hall has open, by hall id (halls without any are absent)."""
    return await repository.active_window_counts()


async def windows_of_hall(hall_id: int) -> list[Window]:
    return await repository.active_windows_of_hall(hall_id)


async def window_item_ids(window_id: int) -> list[int]:
    return await repository.item_ids_of_window(window_id)


async def windows_for_items(hall_id: int, item_ids: list[int]) -> list[int]:
    return await repository.windows_with_items(hall_id, item_ids)


async def opening(hall_id: int, day: date) -> tuple[WeeklyHours, dict[date, DayKind]]:
    """The hall's weekly hours and the calendar entry of `day`, for `calendar.is_open_at`."""
    return await repository.weekly_hours(hall_id), await repository.calendar_overrides(day, day)


async def working_days_after(start: date, days: int) -> date:
    """The `days`-th working day after `start` on the city's calendar (holidays and worked
    weekend days applied), for time limits other capabilities count in working days."""
    # Twice the days plus a month covers the longest run of holidays the calendar has.
    overrides = await repository.calendar_overrides(start, start + timedelta(days=2 * days + 31))
    return add_working_days(start, days, overrides)


async def working_deadline(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The end (the next local midnight, in UTC) of the `days`-th working day on the city's
    calendar after the local day of `moment`, which itself does not count: how time limits in
    working days are kept."""
    last = await working_days_after(moment.astimezone(zone).date(), days)
    return local_moment(last, 24 * 60, zone)
