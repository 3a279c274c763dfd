"""Parameters and results of the appointment actions."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from gateway.paging import PageParams
from services.appointments.models import AppointmentStatus

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
