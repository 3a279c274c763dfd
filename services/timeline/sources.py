"""Where the timeline's entries come from: one source per kind, each reading its capability's
rows through that capability's repository and naming states in the resident's words. A new
kind is a new function in SOURCES."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from channels.identity.crypto import open_text
from payments.api import orders_changed
from payments.states import OrderState
from services.applications import repository as application_rows
from services.applications.service import applications
from services.appointments import repository as appointment_rows
from services.appointments.models import AppointmentStatus
from services.appointments.service import appointment_reads
from services.consultations import repository as case_rows
from services.consultations.models import TITLE_PURPOSE, CaseKind, CaseState
from services.timeline.schemas import EntryKind, TimelineEntry

Source = Callable[[int, datetime | None, int], Awaitable[list[TimelineEntry]]]

KIND_NAMES = {
    EntryKind.APPLICATION: ("办件", "Application"),
    EntryKind.APPOINTMENT: ("预约", "Appointment"),
    EntryKind.PAYMENT: ("缴费", "Payment"),
    EntryKind.CONSULTATION: ("诉求", "Request"),
}
APPOINTMENT_STATES = {
    AppointmentStatus.BOOKED: "已预约",
    AppointmentStatus.CHECKED_IN: "已签到",
    AppointmentStatus.CANCELLED: "已取消",
    AppointmentStatus.NO_SHOW: "未到场",
}
ORDER_STATES = {
    OrderState.CREATED: "待支付",
    OrderState.PAID: "已支付",
    OrderState.PARTIALLY_REFUNDED: "部分退款",
    OrderState.REFUNDED: "已退款",
    OrderState.CLOSED: "已关闭",
    OrderState.PAID_AFTER_CLOSE: "已支付（待退款）",
}
CASE_KINDS = {
    CaseKind.CONSULTATION: "咨询",
    CaseKind.COMPLAINT: "投诉",
    CaseKind.SUGGESTION: "建议",
}
CASE_STATES = {
    CaseState.SUBMITTED: "待答复",
    CaseState.ANSWERED: "已答复",
    CaseState.REOPENED: "重新办理中",
    CaseState.CLOSED: "已办结",
    CaseState.WITHDRAWN: "已撤回",
}


def entry(kind: EntryKind, **fields: object) -> TimelineEntry:
    return TimelineEntry(kind=kind, kind_name=KIND_NAMES[kind][0], **fields)


async def application_entries(
    citizen_id: int, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    rows = await application_rows.changed_of(citizen_id, before, limit)
    entries = []
    for row in rows:
        summary = await applications.summary(row)
        entries.append(
            entry(
                EntryKind.APPLICATION,
                reference=row.application_no,
                title=row.item_name,
                state=row.state,
                state_name=summary.state_name,
                at=row.created_at,
                page=f"pages/applications/detail?no={row.application_no}",
            )
        )
    return entries


async def appointment_entries(
    citizen_id: int, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    rows = await appointment_rows.changed_of(citizen_id, before, limit)
    reads = await appointment_reads(rows)
    return [
        entry(
            EntryKind.APPOINTMENT,
            reference=read.check_in_code,
            title=f"{read.item_name} · {read.hall_name}",
            state=read.status.value,
            state_name=APPOINTMENT_STATES[read.status],
            at=row.created_at,
            page="pages/appointments/mine",
        )
        for row, read in zip(rows, reads, strict=True)
    ]


async def payment_entries(
    citizen_id: int, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    return [
        entry(
            EntryKind.PAYMENT,
            reference=row.out_trade_no,
            title=f"{row.description} ¥{row.amount_fen // 100}.{row.amount_fen % 100:02d}",
            state=row.state.value,
            state_name=ORDER_STATES[row.state],
            at=row.created_at,
            page=f"pages/payments/detail?order={row.out_trade_no}",
        )
        for row in await orders_changed(citizen_id, before, limit)
    ]


async def consultation_entries(
    citizen_id: int, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    return [
        entry(
            EntryKind.CONSULTATION,
            reference=row.case_no,
            title=f"{CASE_KINDS[CaseKind(row.kind)]}：{open_text(row.title_cipher, TITLE_PURPOSE)}",
            state=str(row.state),
            state_name=CASE_STATES[CaseState(row.state)],
            at=row.created_at,
            page=f"pages/consultations/detail?no={row.case_no}",
        )
        for row in await case_rows.changed_of(citizen_id, before, limit)
    ]


SOURCES: dict[EntryKind, Source] = {
    EntryKind.APPLICATION: application_entries,
    EntryKind.APPOINTMENT: appointment_entries,
    EntryKind.PAYMENT: payment_entries,
    EntryKind.CONSULTATION: consultation_entries,
}
