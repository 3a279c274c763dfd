"""Errors of hall appointments, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class HallNotFound(GovError):
    code = Code.HALL_NOT_FOUND


class ItemNotBookable(GovError):
    code = Code.ITEM_NOT_BOOKABLE


class SlotNotFound(GovError):
    code = Code.SLOT_NOT_FOUND


class SlotFull(GovError):
    code = Code.SLOT_FULL


class SlotClosed(GovError):
    code = Code.SLOT_CLOSED


class AppointmentLimit(GovError):
    code = Code.APPOINTMENT_LIMIT


class BookingBlocked(GovError):
    code = Code.BOOKING_BLOCKED


class AppointmentNotFound(GovError):
    code = Code.APPOINTMENT_NOT_FOUND


class AppointmentNotActive(GovError):
    code = Code.APPOINTMENT_NOT_ACTIVE


class CancelTooLate(GovError):
    code = Code.CANCEL_TOO_LATE


class CheckInClosed(GovError):
    code = Code.CHECK_IN_CLOSED


class OutOfScope(GovError):
    code = Code.OUT_OF_SCOPE


class WindowNotFound(GovError):
    code = Code.WINDOW_NOT_FOUND


class WindowCodeTaken(GovError):
    code = Code.WINDOW_CODE_TAKEN


class OpeningHoursInvalid(GovError):
    code = Code.OPENING_HOURS_INVALID
