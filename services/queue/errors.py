"""Errors of queue numbers and windows, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class QueueNotFound(GovError):
    code = Code.QUEUE_NOT_FOUND


class QueueClosed(GovError):
    code = Code.QUEUE_CLOSED


class TicketNotFound(GovError):
    code = Code.QUEUE_NUMBER_NOT_FOUND


class TicketActive(GovError):
    code = Code.QUEUE_NUMBER_ACTIVE


class TicketState(GovError):
    code = Code.QUEUE_NUMBER_STATE


class QueueEmpty(GovError):
    code = Code.QUEUE_EMPTY


class StreamTicketInvalid(GovError):
    code = Code.QUEUE_STREAM_TICKET_INVALID


class WindowNotFound(GovError):
    code = Code.WINDOW_NOT_FOUND


class WindowTaken(GovError):
    code = Code.WINDOW_TAKEN


class WindowNotSignedIn(GovError):
    code = Code.WINDOW_NOT_SIGNED_IN


class WindowBusy(GovError):
    code = Code.WINDOW_BUSY
