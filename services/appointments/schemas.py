"""Parameters and results of the appointment actions."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from gateway.paging import PageParams
from services.appointments.models import AppointmentStatus, DayKind

Id = Field(ge=1, le=2**62)


class AvailableSlotsParams(BaseModel):
    """A hall and an item by their public codes (from `catalog.halls` and `catalog.browse`)."""

    hall: str = Field(min_length=1, max_length=32, description="hall code")
    item: str = Field(min_length=1, max_length=32, description="item code")


class SlotRead(BaseModel):
    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int


class BookParams(BaseModel):
    slot_id: int = Id


class AppointmentParams(BaseModel):
    appointment_id: int = Id


class RescheduleParams(BaseModel):
    appointment_id: int = Id
    slot_id: int = Id


class MyAppointmentsParams(PageParams):
    """By start time, a page at a time; the past year too with `include_past`."""

    include_past: bool = False


class AppointmentRead(BaseModel):
    id: int
    hall_id: int
    hall_code: str = ""
    hall_name: str = ""
    item_id: int
    item_code: str = ""  # what `available-slots` takes to reschedule
    item_name: str = ""
    day: date
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    check_in_code: str
    channel: str
    created_at: datetime


class CheckInQr(BaseModel):
    """The check-in code and the same code as an SVG QR image, for screens that cannot draw."""

    check_in_code: str
    qr_text: str
    svg: str


class NoShowsParams(BaseModel):
    pass


class NoShowsResult(BaseModel):
    marked: int
    blocked: int


# ------------------------------------------------------------------------------ the hall side

HHMM = Field(
    pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", description="local time, HH:MM (24:00: midnight)"
)


class HallDayParams(BaseModel):
    """A hall (from `catalog.halls`) and a day; no day: today in the hall's time zone."""

    hall_id: int = Id
    day: date | None = None


class BookingRow(BaseModel):
    """One booking as the hall sees it: no resident's identity, the code checks them in."""

    id: int
    item_code: str
    item_name: str
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    channel: str
    checked_in_at: datetime | None


class HallDay(BaseModel):
    hall_id: int
    day: date
    open: bool
    counts: dict[str, int] = Field(description="bookings by status")
    bookings: list[BookingRow]


class HallParams(BaseModel):
    hall_id: int = Id


class SessionText(BaseModel):
    opens: str = HHMM
    closes: str = HHMM


class WeekdayHours(BaseModel):
    weekday: int = Field(ge=0, le=6, description="0 is Monday")
    sessions: list[SessionText] = Field(max_length=4, description="none: closed that day")


class HoursParams(HallParams, WeekdayHours):
    pass


class SlotRuleRead(BaseModel):
    item_code: str
    item_name: str
    slot_minutes: int
    capacity: int
    active: bool


class SlotRuleParams(HallParams):
    item: str = Field(min_length=1, max_length=32, description="item code")
    slot_minutes: int = Field(ge=10, le=240)
    capacity: int = Field(ge=0, le=500, description="places per slot; 0 takes no new bookings")
    active: bool = True


class WindowSetupRead(BaseModel):
    id: int
    code: str
    name: str
    active: bool
    items: list[str] = Field(description="item codes handled at the window")


class WindowParams(HallParams):
    window_id: int | None = Field(None, ge=1, description="none: a new window")
    code: str = Field(min_length=1, max_length=16)
    name: str = Field(min_length=1, max_length=64)
    active: bool = True
    items: list[str] = Field(default_factory=list, max_length=100, description="item codes")


class CalendarDayRead(BaseModel):
    day: date
    kind: DayKind
    name: str


class CalendarDayParams(BaseModel):
    day: date
    kind: DayKind | None = Field(None, description="none: remove the entry")
    name: str = Field("", max_length=32)


class HallSetup(BaseModel):
    hall_id: int
    hours: list[WeekdayHours]
    slot_rules: list[SlotRuleRead]
    windows: list[WindowSetupRead]
    calendar: list[CalendarDayRead] = Field(description="holidays and worked weekend days ahead")
