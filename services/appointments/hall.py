"""The hall side of appointments: a day's bookings for check-in, and the hall's set-up (opening
hours, slot rules and capacity, windows and the items they handle, the holiday calendar).

Every action is a staff action checked against the staff member's scopes (`scope.require_hall`),
so a hall administrator changes their own hall only. A change of capacity reaches the slots
already made for the coming days too, but never below the places already booked; a change of
hours or of the calendar shapes the slots made from then on (slots already booked stay).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from config.database import unit_of_work
from gateway.schemas import StaffPrincipal
from services.appointments import repository
from services.appointments.calendar import format_minute, local_today, sessions_on
from services.appointments.errors import (
    HallNotFound,
    ItemNotBookable,
    OpeningHoursInvalid,
    WindowCodeTaken,
    WindowNotFound,
)
from services.appointments.schemas import (
    BookingRow,
    CalendarDayParams,
    CalendarDayRead,
    HallDay,
    HallSetup,
    HoursParams,
    SessionText,
    SlotRuleParams,
    SlotRuleRead,
    WeekdayHours,
    WindowParams,
    WindowSetupRead,
)
from services.appointments.scope import require_hall
from services.appointments.service import appointments
from services.catalog.models import Hall

CALENDAR_DAYS_AHEAD = 400


async def _hall(staff: StaffPrincipal, hall_id: int) -> Hall:
    hall = await repository.hall_with_region(hall_id)
    if hall is None:
        raise HallNotFound()
    require_hall(staff, hall)
    return hall


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


async def day_bookings(staff: StaffPrincipal, hall_id: int, day: date | None) -> HallDay:
    """The hall's bookings of one day in time order, for the check-in desk."""
    await _hall(staff, hall_id)
    settings = appointments.settings
    day = day or local_today(appointments.clock(), settings.zone)
    rows = await repository.bookings_of_day(hall_id, day)
    weekly = await repository.weekly_hours(hall_id)
    overrides = await repository.calendar_overrides(day, day)
    return HallDay(
        hall_id=hall_id,
        day=day,
        open=bool(sessions_on(day, weekly, overrides)),
        counts=dict(Counter(row.status.value for row in rows)),
        bookings=[
            BookingRow(
                id=row.id,
                item_code=row.item.code,
                item_name=row.item.name,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                status=row.status,
                channel=row.channel,
                checked_in_at=row.checked_in_at,
            )
            for row in rows
        ],
    )


async def setup(staff: StaffPrincipal, hall_id: int) -> HallSetup:
    await _hall(staff, hall_id)
    weekly = await repository.weekly_hours(hall_id)
    today = local_today(appointments.clock(), appointments.settings.zone)
    calendar = await repository.calendar_between(today, today + timedelta(CALENDAR_DAYS_AHEAD))
    return HallSetup(
        hall_id=hall_id,
        hours=[
            WeekdayHours(
                weekday=weekday,
                sessions=[
                    SessionText(
                        opens=format_minute(s.opens_minute), closes=format_minute(s.closes_minute)
                    )
                    for s in weekly.get(weekday, ())
                ],
            )
            for weekday in range(7)
        ],
        slot_rules=[
            SlotRuleRead(
                item_code=rule.item.code,
                item_name=rule.item.name,
                slot_minutes=rule.slot_minutes,
                capacity=rule.capacity,
                active=rule.active,
            )
            for rule in await repository.slot_rules_of_hall(hall_id)
        ],
        windows=[
            WindowSetupRead(
                id=window.id,
                code=window.code,
                name=window.name,
                active=window.active,
                items=codes,
            )
            for window, codes in await repository.windows_with_item_codes(hall_id)
        ],
        calendar=[CalendarDayRead(day=d.day, kind=d.kind, name=d.name) for d in calendar],
    )


async def set_hours(staff: StaffPrincipal, params: HoursParams) -> HallSetup:
    """Replaces one weekday's opening sessions (none: closed that weekday)."""
    await _hall(staff, params.hall_id)
    sessions = sorted((_minute(s.opens), _minute(s.closes)) for s in params.sessions)
    overlapping = any(a[1] > b[0] for a, b in zip(sessions, sessions[1:], strict=False))
    if overlapping or any(opens >= closes for opens, closes in sessions):
        raise OpeningHoursInvalid()
    async with unit_of_work():
        await repository.replace_hours(params.hall_id, params.weekday, sessions)
    return await setup(staff, params.hall_id)


async def set_slot_rule(staff: StaffPrincipal, params: SlotRuleParams) -> HallSetup:
    await _hall(staff, params.hall_id)
    item_id = await repository.item_id_by_code(params.item)
    if item_id is None:
        raise ItemNotBookable()
    today = local_today(appointments.clock(), appointments.settings.zone)
    async with unit_of_work():
        await repository.save_slot_rule(
            params.hall_id, item_id, params.slot_minutes, params.capacity, params.active
        )
        await repository.set_future_capacity(params.hall_id, item_id, today, params.capacity)
    return await setup(staff, params.hall_id)


async def save_window(staff: StaffPrincipal, params: WindowParams) -> HallSetup:
    """Adds a window, or changes one of this hall's: its number, name, items, whether open."""
    await _hall(staff, params.hall_id)
    item_ids = await repository.item_ids_by_codes(params.items)
    if len(item_ids) != len(set(params.items)):
        raise ItemNotBookable()
    try:
        async with unit_of_work():
            if params.window_id is None:
                window = await repository.create_window(
                    params.hall_id, params.code, params.name, params.active
                )
            else:
                found = await repository.window_of_hall(params.hall_id, params.window_id)
                if found is None:
                    raise WindowNotFound()
                window = found
                await repository.update_window(
                    window.id, code=params.code, name=params.name, active=params.active
                )
            await repository.replace_window_items(window.id, item_ids)
    except IntegrityError:
        raise WindowCodeTaken(number=params.code) from None
    return await setup(staff, params.hall_id)


async def set_calendar_day(params: CalendarDayParams) -> CalendarDayRead | None:
    """The city's calendar (every hall follows it): a holiday, a worked weekend day, or none."""
    await repository.set_calendar_day(params.day, params.kind, params.name)
    if params.kind is None:
        return None
    return CalendarDayRead(day=params.day, kind=params.kind, name=params.name)
