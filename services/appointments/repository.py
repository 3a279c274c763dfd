"""Every query of the appointment tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tortoise.expressions import F, Q
from tortoise.functions import Count

from config.database import changed_rows
from services.appointments.calendar import Session
from services.appointments.models import (
    Appointment,
    AppointmentStatus,
    BookingBlock,
    CalendarDay,
    DayKind,
    OpeningHours,
    Slot,
    SlotRule,
    Window,
    WindowItem,
)
from services.catalog.models import Hall, Item

# Halls, hours and the calendar


async def hall_id_by_code(code: str) -> int | None:
    hall = await Hall.filter(code=code).only("id").first()
    return None if hall is None else hall.id


async def item_id_by_code(code: str) -> int | None:
    item = await Item.filter(code=code).only("id").first()
    return None if item is None else item.id


async def hall_with_region(hall_id: int) -> Hall | None:
    return await Hall.filter(id=hall_id).select_related("region").first()


async def weekly_hours(hall_id: int) -> dict[int, list[Session]]:
    weekly: dict[int, list[Session]] = {}
    rows = await OpeningHours.filter(hall_id=hall_id).order_by("weekday", "opens_minute")
    for row in rows:
        weekly.setdefault(row.weekday, []).append(Session(row.opens_minute, row.closes_minute))
    return weekly


async def calendar_overrides(first: date, last: date) -> dict[date, DayKind]:
    rows = await CalendarDay.filter(day__gte=first, day__lte=last)
    return {row.day: row.kind for row in rows}


async def active_window(window_id: int) -> Window | None:
    return await Window.filter(id=window_id, active=True).first()


async def active_windows_with_halls() -> list[Window]:
    return (
        await Window.filter(active=True).select_related("hall__region").order_by("hall_id", "code")
    )


async def active_window_counts() -> dict[int, int]:
    rows = (
        await Window.filter(active=True)
        .annotate(windows=Count("id"))
        .group_by("hall_id")
        .values_list("hall_id", "windows")
    )
    return {int(hall_id): int(windows) for hall_id, windows in rows}


async def item_ids_of_window(window_id: int) -> list[int]:
    rows = await WindowItem.filter(window_id=window_id).values("item_id")
    return [row["item_id"] for row in rows]


async def active_windows_of_hall(hall_id: int) -> list[Window]:
    return await Window.filter(hall_id=hall_id, active=True).order_by("code")


async def windows_with_items(hall_id: int, item_ids: Sequence[int]) -> list[int]:
    """Active windows of the hall handling any of the items."""
    rows = await WindowItem.filter(
        item_id__in=list(item_ids), window__hall_id=hall_id, window__active=True
    ).values("window_id")
    return sorted({row["window_id"] for row in rows})


# Slots


async def slot_rule(hall_id: int, item_id: int) -> SlotRule | None:
    return await SlotRule.filter(hall_id=hall_id, item_id=item_id, active=True).first()


async def slots_between(hall_id: int, item_id: int, first: date, last: date) -> list[Slot]:
    return await Slot.filter(
        hall_id=hall_id, item_id=item_id, day__gte=first, day__lte=last
    ).order_by("starts_at")


async def add_slots(slots: Sequence[Slot]) -> None:
    if slots:
        await Slot.bulk_create(list(slots), ignore_conflicts=True)


async def slot_by_id(slot_id: int) -> Slot | None:
    return await Slot.get_or_none(id=slot_id)


async def take_place(slot_id: int) -> bool:
    """One place of the slot, if one is left: a single conditional UPDATE, so concurrent
    bookings can never take more places than the slot has."""
    updated = await Slot.filter(id=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    return updated == 1


async def release_place(slot_id: int) -> None:
    await Slot.filter(id=slot_id, booked__gt=0).update(booked=F("booked") - 1)


# Appointments


async def create_appointment(**values: Any) -> Appointment:
    return await Appointment.create(**values)


async def appointment_of(citizen_id: int, appointment_id: int) -> Appointment | None:
    return await Appointment.get_or_none(id=appointment_id, citizen_id=citizen_id)


async def appointment_by_code(code: str) -> Appointment | None:
    return await Appointment.get_or_none(check_in_code=code)


async def active_appointment(citizen_id: int, item_id: int, day: date) -> Appointment | None:
    return await Appointment.get_or_none(citizen_id=citizen_id, item_id=item_id, active_day=day)


async def appointments_of(
    citizen_id: int, since: date, after: tuple[datetime, int] | None, limit: int
) -> list[Appointment]:
    """The resident's bookings from `since` on, by start time (then id), after the key `after`."""
    query = Appointment.filter(citizen_id=citizen_id, day__gte=since)
    if after is not None:
        starts_at, appointment_id = after
        query = query.filter(
            Q(starts_at__gt=starts_at) | Q(starts_at=starts_at, id__gt=appointment_id)
        )
    return await query.order_by("starts_at", "id").limit(limit)


async def attended_of(citizen_id: int, since: datetime, limit: int) -> list[Appointment]:
    """The resident's bookings checked in at the hall since `since`, the latest first."""
    return (
        await Appointment.filter(
            citizen_id=citizen_id,
            status=AppointmentStatus.CHECKED_IN,
            checked_in_at__gte=since,
        )
        .order_by("-checked_in_at", "-id")
        .limit(limit)
    )


async def update_if_booked(appointment_id: int, **values: Any) -> bool:
    """Changes a booking only while it is still booked; False when another change came first."""
    updated = await Appointment.filter(id=appointment_id, status=AppointmentStatus.BOOKED).update(
        **values
    )
    return updated == 1


async def missed(ended_before: datetime, limit: int = 500) -> list[Appointment]:
    return (
        await Appointment.filter(status=AppointmentStatus.BOOKED, ends_at__lt=ended_before)
        .order_by("ends_at")
        .limit(limit)
    )


async def no_shows_since(citizen_id: int, since: datetime) -> int:
    return await Appointment.filter(
        citizen_id=citizen_id, status=AppointmentStatus.NO_SHOW, starts_at__gte=since
    ).count()


# Booking blocks


async def block_in_force(citizen_id: int, now: datetime) -> BookingBlock | None:
    return (
        await BookingBlock.filter(citizen_id=citizen_id, until__gt=now).order_by("-until").first()
    )


async def create_block(citizen_id: int, until: datetime, no_shows: int) -> BookingBlock:
    return await BookingBlock.create(citizen_id=citizen_id, until=until, no_shows=no_shows)


async def booked_starting_between(start: datetime, end: datetime) -> list[Appointment]:
    return await Appointment.filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=start, starts_at__lte=end
    ).order_by("starts_at")


# The hall's set-up and its day (staff)


async def bookings_of_day(hall_id: int, day: date) -> list[Appointment]:
    return (
        await Appointment.filter(hall_id=hall_id, day=day)
        .select_related("item")
        .order_by("starts_at", "id")
    )


async def calendar_between(first: date, last: date) -> list[CalendarDay]:
    return await CalendarDay.filter(day__gte=first, day__lte=last).order_by("day")


async def set_calendar_day(day: date, kind: DayKind | None, name: str) -> None:
    if kind is None:
        await CalendarDay.filter(day=day).delete()
    else:
        await CalendarDay.update_or_create(defaults={"kind": kind, "name": name}, day=day)


async def replace_hours(hall_id: int, weekday: int, sessions: Sequence[tuple[int, int]]) -> None:
    await OpeningHours.filter(hall_id=hall_id, weekday=weekday).delete()
    for opens, closes in sessions:
        await OpeningHours.create(
            hall_id=hall_id, weekday=weekday, opens_minute=opens, closes_minute=closes
        )


async def slot_rules_of_hall(hall_id: int) -> list[SlotRule]:
    return await SlotRule.filter(hall_id=hall_id).select_related("item").order_by("item__code")


async def save_slot_rule(
    hall_id: int, item_id: int, slot_minutes: int, capacity: int, active: bool
) -> None:
    await SlotRule.update_or_create(
        defaults={"slot_minutes": slot_minutes, "capacity": capacity, "active": active},
        hall_id=hall_id,
        item_id=item_id,
    )


async def set_future_capacity(hall_id: int, item_id: int, from_day: date, capacity: int) -> None:
    """The new capacity on slots already made from `from_day` on, never below their bookings."""
    slots = Slot.filter(hall_id=hall_id, item_id=item_id, day__gte=from_day)
    await slots.filter(booked__lte=capacity).update(capacity=capacity)
    await slots.filter(booked__gt=capacity).update(capacity=F("booked"))


async def windows_with_item_codes(hall_id: int) -> list[tuple[Window, list[str]]]:
    windows = await Window.filter(hall_id=hall_id).order_by("code")
    links = await WindowItem.filter(window_id__in=[w.id for w in windows]).values(
        "window_id", "item__code"
    )
    codes: dict[int, list[str]] = {}
    for link in links:
        codes.setdefault(link["window_id"], []).append(link["item__code"])
    return [(window, sorted(codes.get(window.id, []))) for window in windows]


async def window_of_hall(hall_id: int, window_id: int) -> Window | None:
    return await Window.get_or_none(id=window_id, hall_id=hall_id)


async def create_window(hall_id: int, code: str, name: str, active: bool) -> Window:
    return await Window.create(hall_id=hall_id, code=code, name=name, active=active)


async def update_window(window_id: int, **values: Any) -> None:
    await Window.filter(id=window_id).update(**values)


async def item_ids_by_codes(codes: Sequence[str]) -> list[int]:
    return [item.id for item in await Item.filter(code__in=list(codes)).only("id")]


async def replace_window_items(window_id: int, item_ids: Sequence[int]) -> None:
    await WindowItem.filter(window_id=window_id).delete()
    await WindowItem.bulk_create([WindowItem(window_id=window_id, item_id=i) for i in item_ids])


async def changed_of(citizen_id: int, before: datetime | None, limit: int) -> list[Appointment]:
    """The resident\'s appointments for their timeline, the newest first."""
    return await changed_rows(Appointment, citizen_id, before, limit)
