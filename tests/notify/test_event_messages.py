"""Every event the residents expect a message for yields one on their channel, sent by the
sandbox providers: bookings made, cancelled and reminded, payments and refunds of any purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from taskiq import InMemoryBroker

from config import jobs
from gateway.schemas import Channel
from notify.models import Notification, NotificationStatus
from notify.tasks import sweep
from payments import providers
from payments.providers.sandbox import SandboxProvider
from payments.service import service as payments
from payments.states import Purpose
from services.appointments.models import Appointment
from services.appointments.service import appointments
from tests.appointments.factories import citizen, invoke, make_place, make_slot, ok
from tests.notify.conftest import Configure
from tests.notify.helpers import make_resident
from tests.payments.conftest import fulfil_all, open_order


async def messages(citizen_id: int, event: str) -> list[Notification]:
    if isinstance(jobs.broker, InMemoryBroker):
        await jobs.broker.wait_all()
    await sweep()  # on PostgreSQL + Redis the send job waits in Redis: the sweep sends it
    return await Notification.filter(citizen_id=citizen_id, event=event).order_by("id")


def sent_on(rows: list[Notification], channel: Channel) -> None:
    assert rows, "no message"
    assert all(row.channel == channel.value for row in rows)
    assert all(row.status == NotificationStatus.SENT for row in rows), [r.status for r in rows]


@pytest.fixture(autouse=True)
def daytime(configure: Configure) -> None:
    configure(notify_quiet_hours="")  # whatever the hour the suite runs at


class TestAppointments:
    @pytest.mark.asyncio
    async def test_booked_cancelled_and_rescheduled_are_told(self, app: FastAPI, db: None) -> None:
        resident = await make_resident()
        place = await make_place()
        slot, later = await make_slot(place), await make_slot(place, starts_in=timedelta(days=2))
        booking = ok(
            await invoke(app, "appointments", "book", {"slot_id": slot.id}, citizen(resident))
        )
        sent_on(await messages(resident, "appointment_booked"), Channel.APP)
        moved = {"appointment_id": booking["id"], "slot_id": later.id}
        ok(await invoke(app, "appointments", "reschedule", moved, citizen(resident)))
        assert len(await messages(resident, "appointment_booked")) == 2  # the new time is told
        cancel = {"appointment_id": booking["id"]}
        ok(await invoke(app, "appointments", "cancel", cancel, citizen(resident)))
        sent_on(await messages(resident, "appointment_cancelled"), Channel.APP)

    @pytest.mark.asyncio
    async def test_reminders_the_day_before_and_an_hour_before_each_once(
        self, app: FastAPI, db: None
    ) -> None:
        resident = await make_resident()
        place = await make_place()
        soon = await make_slot(place, starts_in=timedelta(minutes=50))
        booking = ok(
            await invoke(app, "appointments", "book", {"slot_id": soon.id}, citizen(resident))
        )
        assert await appointments.send_reminders() == 0  # booked just now: nothing to remind
        await Appointment.filter(id=booking["id"]).update(
            created_at=soon.starts_at - timedelta(days=3)
        )
        assert await appointments.send_reminders() == 2  # the day-before and the hour-before
        await appointments.send_reminders()
        reminders = await messages(resident, "appointment_reminder")
        assert len(reminders) == 2  # a second run sends nothing again
        sent_on(reminders, Channel.APP)


class TestPayments:
    @pytest.mark.asyncio
    async def test_any_purpose_paid_and_refunded_is_told_once(self, app: FastAPI, db: None) -> None:
        resident = await make_resident()
        start = await open_order(amount_fen=2500, citizen_id=resident, purpose=Purpose.FEE)
        sandbox = providers.active().require("sandbox")
        assert isinstance(sandbox, SandboxProvider)
        await sandbox.settle(start.out_trade_no, succeed=True)
        await payments.apply_payment_report(
            "sandbox", await sandbox.query(start.out_trade_no), "notify"
        )
        await fulfil_all()
        await payments.refund(start.out_trade_no, 500, "RF1", "overpaid")
        await fulfil_all()
        await fulfil_all()
        paid = await messages(resident, "payment_succeeded")
        refunded = await messages(resident, "payment_refunded")
        assert (len(paid), len(refunded)) == (1, 1)
        sent_on(paid + refunded, Channel.WEB)  # paid at the sandbox cashier: a web payment
        assert refunded[0].params["amount_fen"] == 500
