"""Appointment (预约) actions: thin, the rules are in service.py."""

from __future__ import annotations

from gateway.codes import Code
from gateway.paging import Page
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.appointments.schemas import (
    AppointmentParams,
    AppointmentRead,
    AvailableSlotsParams,
    BookParams,
    CheckInQr,
    MyAppointmentsParams,
    RescheduleParams,
    SlotRead,
)
from services.appointments.service import appointments

service = Service("appointments", "预约办事", "Hall appointments")


@service.action(
    identity=IdentityLevel.ANONYMOUS,
    rate_limit=RateLimit(120),
    errors=(Code.HALL_NOT_FOUND, Code.ITEM_NOT_BOOKABLE),
    summary_zh="查询可预约时段（未来14天）",
    summary_en="Free appointment times of the next 14 days",
)
async def available_slots(request: ServiceRequest, params: AvailableSlotsParams) -> list[SlotRead]:
    """Free appointment times of the next 14 days."""
    hall_id = await appointments.hall_id_of(params.hall)
    item_id = await appointments.item_id_of(params.item)
    return await appointments.available_slots(hall_id, item_id)


@service.action(
    identity=IdentityLevel.REAL_NAME,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="预约时段",
    summary_en="Book an appointment time",
)
async def book(request: ServiceRequest, params: BookParams) -> AppointmentRead:
    """Book an appointment time."""
    citizen = request.require_citizen()
    return await appointments.book(citizen.citizen_id, params.slot_id, request.channel.value)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="取消预约",
    summary_en="Cancel an appointment",
)
async def cancel(request: ServiceRequest, params: AppointmentParams) -> AppointmentRead:
    """Cancel an appointment."""
    return await appointments.cancel(request.require_citizen().citizen_id, params.appointment_id)


@service.action(
    identity=IdentityLevel.REAL_NAME,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="改约",
    summary_en="Move an appointment to another time",
)
async def reschedule(request: ServiceRequest, params: RescheduleParams) -> AppointmentRead:
    """Move an appointment to another time."""
    citizen = request.require_citizen()
    return await appointments.reschedule(citizen.citizen_id, params.appointment_id, params.slot_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的预约",
    summary_en="My appointments",
)
async def mine(request: ServiceRequest, params: MyAppointmentsParams) -> Page[AppointmentRead]:
    """My appointments by start time, a page at a time."""
    return await appointments.mine(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="预约详情",
    summary_en="One of my appointments",
)
async def detail(request: ServiceRequest, params: AppointmentParams) -> AppointmentRead:
    """One of my appointments."""
    return await appointments.get(request.require_citizen().citizen_id, params.appointment_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="签到二维码",
    summary_en="Check-in code as a QR code (SVG)",
)
async def check_in_qr(request: ServiceRequest, params: AppointmentParams) -> CheckInQr:
    """Check-in code as a QR code (SVG)."""
    return await appointments.check_in_qr(
        request.require_citizen().citizen_id, params.appointment_id
    )
