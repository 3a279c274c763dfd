"""Appointment (预约) actions: thin, the rules are in service.py."""

from __future__ import annotations

from gateway.codes import Code
from gateway.paging import Page
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.appointments import hall
from services.appointments.schemas import (
    AppointmentParams,
    AppointmentRead,
    AvailableSlotsParams,
    BookParams,
    CalendarDayParams,
    CalendarDayRead,
    CheckInQr,
    HallDay,
    HallDayParams,
    HallParams,
    HallSetup,
    HoursParams,
    MyAppointmentsParams,
    RescheduleParams,
    SlotRead,
    SlotRuleParams,
    WindowParams,
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


# ------------------------------------------------------------------------------ the hall side

CHECK_IN = "appointments.checkin"
HALL_MANAGE = "hall.manage"
APPOINTMENTS_MANAGE = "appointments.manage"
QUEUE_MANAGE = "queue.manage"


@service.action(
    permission=CHECK_IN,
    errors=(Code.HALL_NOT_FOUND,),
    summary_zh="大厅当日预约",
    summary_en="A hall's bookings of one day",
)
async def day(request: ServiceRequest, params: HallDayParams) -> HallDay:
    """For the check-in desk: check a booking in with `queue.check-in` and its code."""
    return await hall.day_bookings(request.require_staff(), params.hall_id, params.day)


@service.action(
    permission=HALL_MANAGE,
    errors=(Code.HALL_NOT_FOUND,),
    summary_zh="大厅设置",
    summary_en="A hall's hours, slot rules, windows and calendar",
)
async def hall_setup(request: ServiceRequest, params: HallParams) -> HallSetup:
    return await hall.setup(request.require_staff(), params.hall_id)


@service.action(
    permission=HALL_MANAGE,
    mutates=True,
    errors=(Code.HALL_NOT_FOUND, Code.OPENING_HOURS_INVALID),
    summary_zh="设置开放时间",
    summary_en="Set one weekday's opening hours",
)
async def set_hours(request: ServiceRequest, params: HoursParams) -> HallSetup:
    return await hall.set_hours(request.require_staff(), params)


@service.action(
    permission=APPOINTMENTS_MANAGE,
    mutates=True,
    errors=(Code.HALL_NOT_FOUND, Code.ITEM_NOT_BOOKABLE),
    summary_zh="设置预约时段与容量",
    summary_en="Set an item's slot length and capacity",
)
async def set_slot_rule(request: ServiceRequest, params: SlotRuleParams) -> HallSetup:
    """Capacity reaches the slots already made for the coming days, never below their bookings."""
    return await hall.set_slot_rule(request.require_staff(), params)


@service.action(
    permission=QUEUE_MANAGE,
    mutates=True,
    errors=(Code.HALL_NOT_FOUND, Code.WINDOW_NOT_FOUND, Code.WINDOW_CODE_TAKEN),
    summary_zh="新增或修改窗口",
    summary_en="Add or change a window",
)
async def save_window(request: ServiceRequest, params: WindowParams) -> HallSetup:
    return await hall.save_window(request.require_staff(), params)


@service.action(
    permission=APPOINTMENTS_MANAGE,
    mutates=True,
    summary_zh="设置节假日与调休",
    summary_en="Mark a holiday or a worked weekend day",
)
async def set_calendar_day(
    request: ServiceRequest, params: CalendarDayParams
) -> CalendarDayRead | None:
    """The city's calendar, which every hall follows; no kind removes the day's entry."""
    return await hall.set_calendar_day(params)
