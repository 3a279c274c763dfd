"""Appointments: hall windows, opening hours, the holiday calendar, bookable slots, bookings.

A `Slot` is one bookable time at one hall for one item, with its own capacity; slots are
materialised from the hall's `SlotRule`s, opening hours and the calendar when residents look
for free times. `Slot.booked` only ever moves by one conditional UPDATE, so it never passes
`capacity`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from services.catalog.models import Hall, Item


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # a public holiday or a day off moved by the adjustment
    WORKDAY = "workday"  # a weekend day worked instead (调休上班)


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Window(Model):
    """A service window (窗口) of a hall, handling the catalogue items linked to it."""

    id = fields.IntField(primary_key=True)
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="windows", on_delete=fields.CASCADE
    )
    hall_id: int
    code = fields.CharField(max_length=16)
    name = fields.CharField(max_length=64)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "appointments_window"
        unique_together = (("hall", "code"),)


class WindowItem(Model):
    id = fields.IntField(primary_key=True)
    window: fields.ForeignKeyRelation[Window] = fields.ForeignKeyField(
        "appointments.Window", related_name="item_links", on_delete=fields.CASCADE
    )
    window_id: int
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="window_links", on_delete=fields.CASCADE
    )
    item_id: int

    class Meta:
        table = "appointments_window_item"
        unique_together = (("window", "item"),)


class OpeningHours(Model):
    """One opening session of a hall on a weekday (0 is Monday), in minutes after midnight."""

    id = fields.IntField(primary_key=True)
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="opening_hours_rows", on_delete=fields.CASCADE
    )
    hall_id: int
    weekday = fields.SmallIntField()
    opens_minute = fields.SmallIntField()
    closes_minute = fields.SmallIntField()

    class Meta:
        table = "appointments_opening_hours"
        unique_together = (("hall", "weekday", "opens_minute"),)


class CalendarDay(Model):
    """A national public holiday or adjusted working day, overriding the usual weekday rule."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    kind = fields.CharEnumField(DayKind, max_length=16)
    name = fields.CharField(max_length=32)

    class Meta:
        table = "appointments_calendar_day"


class SlotRule(Model):
    """How a hall offers appointments for one item: slot length and places per slot."""

    id = fields.IntField(primary_key=True)
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="slot_rules", on_delete=fields.CASCADE
    )
    hall_id: int
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="slot_rules", on_delete=fields.CASCADE
    )
    item_id: int
    slot_minutes = fields.SmallIntField(default=30)
    capacity = fields.IntField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "appointments_slot_rule"
        unique_together = (("hall", "item"),)


class Slot(Model):
    """One bookable time of one item at one hall. `booked` never exceeds `capacity`."""

    id = fields.BigIntField(primary_key=True)
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="slots", on_delete=fields.CASCADE
    )
    hall_id: int
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="slots", on_delete=fields.CASCADE
    )
    item_id: int
    day = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    booked = fields.IntField(default=0)

    class Meta:
        table = "appointments_slot"
        unique_together = (("hall", "item", "starts_at"),)
        indexes = (("hall_id", "item_id", "day"),)


class Appointment(Model):
    """A resident's booking. `active_day` is the day while the booking counts (NULL once
    cancelled), so the unique index allows one active booking per resident, item and day."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    slot: fields.ForeignKeyRelation[Slot] = fields.ForeignKeyField(
        "appointments.Slot", related_name="appointments", on_delete=fields.RESTRICT
    )
    slot_id: int
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="appointments", on_delete=fields.RESTRICT
    )
    hall_id: int
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="appointments", on_delete=fields.RESTRICT
    )
    item_id: int
    day = fields.DateField()
    active_day = fields.DateField(null=True)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(
        AppointmentStatus, max_length=16, default=AppointmentStatus.BOOKED
    )
    check_in_code = fields.CharField(max_length=16, unique=True)
    channel = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    cancelled_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    no_show_at = fields.DatetimeField(null=True)

    class Meta:
        table = "appointments_appointment"
        unique_together = (("citizen_id", "item", "active_day"),)
        indexes = (("status", "ends_at"),)


class BookingBlock(Model):
    """A resident may not book until `until`, after too many missed appointments."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    until = fields.DatetimeField()
    no_shows = fields.SmallIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "appointments_booking_block"
