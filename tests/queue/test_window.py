"""What a clerk does at a window, the serving order, the estimated wait, and who may see what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from gateway.models import AuditLog
from gateway.schemas import StaffScope
from services.appointments.models import Appointment, AppointmentStatus
from services.queue.events import QueueEventKind, mark_consumed, pending
from services.queue.models import Lane, QueueEvent, Ticket, TicketStatus
from services.queue.service import queue as queue_service
from tests.appointments.factories import (
    citizen,
    hall_staff,
    invoke,
    make_place,
    make_slot,
    make_window,
    ok,
    staff,
)
from tests.queue.conftest import QueuePlace, make_queue
from tests.queue.helpers import at_window, take, verified_citizen


async def book_and_check_in(app: FastAPI, qp: QueuePlace, citizen_id: int) -> Any:
    slot = await make_slot(qp.place, starts_in=timedelta(minutes=10))
    booked = ok(
        await invoke(app, "appointments", "book", {"slot_id": slot.id}, citizen(citizen_id))
    )
    params = {"check_in_code": booked["check_in_code"]}
    return ok(await invoke(app, "queue", "check-in", params, hall_staff(qp.hall)))


class TestServingOrder:
    @pytest.mark.asyncio
    async def test_appointments_then_fast_lane_then_arrivals(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        clerk = hall_staff(qp.hall)
        regular = await take(app, 1001, qp.queue.id)  # ids apart from the verified residents'
        disabled = ok(
            await invoke(
                app,
                "queue",
                "issue",
                {"queue_id": qp.queue.id, "fast_lane_group": "disabled"},
                clerk,
            )
        )
        elder = await verified_citizen(date(1950, 3, 1))
        elderly = await take(app, elder.id, qp.queue.id)
        young = await verified_citizen(date(1990, 3, 1))
        not_elderly = await take(app, young.id, qp.queue.id)
        booked = await book_and_check_in(app, qp, 1009)
        assert (elderly["lane"], elderly["fast_lane_group"]) == (Lane.FAST, "elderly")
        assert not_elderly["lane"] == Lane.REGULAR
        assert booked["lane"] == Lane.APPOINTMENT
        assert booked["ahead"] == 0
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        called = []
        for _ in range(5):
            called.append((await at_window(app, clerk, "call-next"))["label"])
            await at_window(app, clerk, "finish")
        expected = [booked, disabled, elderly, regular, not_elderly]
        assert called == [t["label"] for t in expected]
        empty = await invoke(app, "queue", "call-next", {}, clerk)
        assert empty.code == "QUEUE_EMPTY"

    @pytest.mark.asyncio
    async def test_staff_puts_a_waiting_number_in_the_fast_lane(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        clerk = hall_staff(qp.hall)
        first = await take(app, 1, qp.queue.id)
        second = await take(app, 2, qp.queue.id)
        params = {"ticket_id": second["id"], "fast_lane_group": "pregnant"}
        marked = await at_window(app, clerk, "mark-fast-lane", params)
        assert (marked["lane"], marked["ahead"]) == (Lane.FAST, 0)
        mine = ok(await invoke(app, "queue", "my-number", {"ticket_id": first["id"]}, citizen(1)))
        assert mine["ahead"] == 1


class TestWindowActions:
    @pytest.mark.asyncio
    async def test_call_recall_skip_finish(self, app: FastAPI, qp: QueuePlace) -> None:
        clerk = hall_staff(qp.hall)
        first = await take(app, 1, qp.queue.id)
        second = await take(app, 2, qp.queue.id)
        not_signed_in = await invoke(app, "queue", "call-next", {}, clerk)
        assert not_signed_in.code == "WINDOW_NOT_SIGNED_IN"
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        called = await at_window(app, clerk, "call-next")
        assert (called["label"], called["status"], called["window_name"]) == (
            first["label"],
            "called",
            qp.window.name,
        )
        busy = await invoke(app, "queue", "call-next", {}, clerk)
        assert (busy.code, busy.status) == ("WINDOW_BUSY", 409)
        await at_window(app, clerk, "recall")
        assert (await Ticket.get(id=first["id"])).recalls == 1
        skipped = await at_window(app, clerk, "skip")
        assert skipped["status"] == "skipped"
        assert (await at_window(app, clerk, "call-next"))["id"] == second["id"]
        done = await at_window(app, clerk, "finish")
        assert done["status"] == "done"
        assert done["finished_at"] is not None
        nothing = await invoke(app, "queue", "finish", {}, clerk)
        assert nothing.code == "QUEUE_NUMBER_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_transfer_keeps_the_lane_and_the_place_in_time(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        clerk = hall_staff(qp.hall)
        other_item_queue = await make_queue(qp.place, "B")
        moved_one = await take(app, 1, qp.queue.id)
        later = await take(app, 2, other_item_queue.id)
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        await at_window(app, clerk, "call-next")
        moved = await at_window(app, clerk, "transfer", {"queue_id": other_item_queue.id})
        assert moved["label"] == "B002"
        assert moved["queue_id"] == other_item_queue.id
        assert moved["ahead"] == 0  # it joined the queue before the one waiting there
        original = await Ticket.get(id=moved_one["id"])
        assert (original.status, original.transferred_to_id) == (
            TicketStatus.TRANSFERRED,
            moved["id"],
        )
        mine = ok(await invoke(app, "queue", "my-number", {"ticket_id": later["id"]}, citizen(2)))
        assert mine["ahead"] == 1

    @pytest.mark.asyncio
    async def test_one_clerk_per_window(self, app: FastAPI, qp: QueuePlace) -> None:
        await at_window(app, hall_staff(qp.hall, 1), "window-sign-in", {"window_id": qp.window.id})
        taken = await invoke(
            app, "queue", "window-sign-in", {"window_id": qp.window.id}, hall_staff(qp.hall, 2)
        )
        assert taken.code == "WINDOW_TAKEN"
        await at_window(app, hall_staff(qp.hall, 1), "window-sign-out")
        await at_window(app, hall_staff(qp.hall, 2), "window-sign-in", {"window_id": qp.window.id})

    @pytest.mark.asyncio
    async def test_every_staff_action_is_audited(self, app: FastAPI, qp: QueuePlace) -> None:
        clerk = hall_staff(qp.hall, staff_id=42)
        await take(app, 1, qp.queue.id)
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        await at_window(app, clerk, "call-next")
        await at_window(app, clerk, "finish")
        rows = await AuditLog.filter(actor_type="staff", actor_id=42).order_by("id")
        assert [r.action for r in rows] == ["window-sign-in", "call-next", "finish"]
        assert {r.service for r in rows} == {"queue"}
        log = await Ticket.get(label="A001").prefetch_related("log")
        assert [(e.action, e.staff_id) for e in log.log] == [("call", 42), ("finish", 42)]


class TestStaffScope:
    @pytest.mark.asyncio
    async def test_staff_of_another_hall_is_out_of_scope(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        elsewhere = await make_place()
        stranger = hall_staff(elsewhere.hall)
        for action, params in (
            ("window-sign-in", {"window_id": qp.window.id}),
            ("issue", {"queue_id": qp.queue.id}),
        ):
            result = await invoke(app, "queue", action, params, stranger)
            assert (result.code, result.status) == ("OUT_OF_SCOPE", 403), action

    @pytest.mark.asyncio
    async def test_region_scope_covers_its_halls(self, app: FastAPI, qp: QueuePlace) -> None:
        district = staff(StaffScope(region_code="350205"))
        city = staff(StaffScope(region_code="350200"), staff_id=8)
        other_city = staff(StaffScope(region_code="350100"), staff_id=9)
        params = {"queue_id": qp.queue.id}
        assert (await invoke(app, "queue", "issue", params, district)).code == "OK"
        assert (await invoke(app, "queue", "issue", params, city)).code == "OK"
        assert (await invoke(app, "queue", "issue", params, other_city)).code == "OUT_OF_SCOPE"

    @pytest.mark.asyncio
    async def test_residents_cannot_call_numbers(self, app: FastAPI, qp: QueuePlace) -> None:
        result = await invoke(app, "queue", "call-next", {}, citizen(1))
        assert result.code == "STAFF_ONLY"
        no_permission = staff(StaffScope(hall_id=qp.hall.id), permissions=frozenset({"x"}))
        assert (await invoke(app, "queue", "call-next", {}, no_permission)).code == (
            "PERMISSION_DENIED"
        )


class TestCheckIn:
    @pytest.mark.asyncio
    async def test_check_in_once_within_the_check_in_time(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        ticket = await book_and_check_in(app, qp, 1)
        appointment = await Appointment.get(citizen_id=1)
        assert appointment.status is AppointmentStatus.CHECKED_IN
        assert (await Ticket.get(id=ticket["id"])).appointment_id == appointment.id
        again = await invoke(
            app,
            "queue",
            "check-in",
            {"check_in_code": appointment.check_in_code},
            hall_staff(qp.hall),
        )
        assert again.code == "APPOINTMENT_NOT_ACTIVE"

    @pytest.mark.asyncio
    async def test_too_early_is_refused_and_changes_nothing(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        slot = await make_slot(qp.place, starts_in=timedelta(days=1))
        booked = ok(await invoke(app, "appointments", "book", {"slot_id": slot.id}, citizen(1)))
        qr_text = "govhub:checkin:" + str(booked["check_in_code"])
        result = await invoke(
            app, "queue", "check-in", {"check_in_code": qr_text}, hall_staff(qp.hall)
        )
        assert (result.code, result.status) == ("CHECK_IN_CLOSED", 409)
        assert await Ticket.all().count() == 0
        assert (await Appointment.get(id=booked["id"])).status is AppointmentStatus.BOOKED


class TestEstimatedWait:
    @pytest.mark.asyncio
    async def test_from_recent_service_times_and_open_windows(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        now = datetime.now(UTC)
        for number, minutes in ((1, 2), (2, 4)):  # served in 2 and 4 minutes: 180 s on average
            await Ticket.create(
                queue=qp.queue,
                day=(now - timedelta(days=1)).date(),
                number=number,
                label=f"A{number:03d}",
                channel="web",
                status=TicketStatus.DONE,
                queued_at=now - timedelta(hours=2),
                taken_at=now - timedelta(hours=2),
                called_at=now - timedelta(hours=1),
                finished_at=now - timedelta(hours=1) + timedelta(minutes=minutes),
            )
        second_window = await make_window(qp.hall, qp.item)
        await at_window(app, hall_staff(qp.hall, 1), "window-sign-in", {"window_id": qp.window.id})
        await at_window(
            app, hall_staff(qp.hall, 2), "window-sign-in", {"window_id": second_window.id}
        )
        for n in range(4):
            await take(app, n + 1, qp.queue.id)
        fifth = await take(app, 5, qp.queue.id)
        assert fifth["ahead"] == 4
        assert fifth["estimated_wait_seconds"] == 4 * 180 // 2


class TestEvents:
    @pytest.mark.asyncio
    async def test_near_and_called_events_go_to_the_outbox_once(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        clerk = hall_staff(qp.hall)
        tickets = [await take(app, n, qp.queue.id) for n in range(1, 7)]
        assert await QueueEvent.all().count() == 0  # the first four were near when taken
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        await at_window(app, clerk, "call-next")
        events = await pending()
        assert [(e.kind, e.citizen_id) for e in events] == [
            (QueueEventKind.CALLED.value, 1),
            (QueueEventKind.NEAR.value, 5),
        ]
        assert events[1].payload["ahead"] == 3
        assert events[1].payload["label"] == tickets[4]["label"]
        assert events[0].payload["window_name"] == qp.window.name
        assert await mark_consumed([e.id for e in events]) == 2
        assert await mark_consumed([e.id for e in events]) == 0
        await at_window(app, clerk, "recall")
        recalled = await pending()
        assert [(e.kind, e.payload["recall"]) for e in recalled] == [("queue.called", True)]


class TestPrivacy:
    @pytest.mark.asyncio
    async def test_another_resident_cannot_see_or_cancel_a_number(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        params = {"ticket_id": mine["id"]}
        for action in ("my-number", "cancel"):
            result = await invoke(app, "queue", action, params, citizen(2))
            assert (result.code, result.status) == ("QUEUE_NUMBER_NOT_FOUND", 404), action
        nothing = ok(await invoke(app, "queue", "my-numbers", {}, citizen(2)))
        assert nothing == {"items": [], "next_cursor": None}
        cancelled = ok(await invoke(app, "queue", "cancel", params, citizen(1)))
        assert cancelled["status"] == "cancelled"
        assert cancelled["ahead"] is None
        again = await take(app, 1, qp.queue.id)  # a cancelled number no longer counts
        assert again["label"] == "A002"


def test_service_is_the_module_level_object() -> None:
    assert queue_service.settings.near_ahead == 3


class TestWindowsOfAHall:
    @pytest.mark.asyncio
    async def test_staff_list_the_windows_they_may_sign_in_at(self, app: FastAPI) -> None:
        place = await make_place()
        clerk = hall_staff(place.hall)
        windows = ok(await invoke(app, "queue", "windows", {"hall_id": place.hall.id}, clerk))
        assert [(w["id"], w["signed_in"]) for w in windows] == [(place.window.id, False)]
        ok(await invoke(app, "queue", "window-sign-in", {"window_id": place.window.id}, clerk))
        again = ok(await invoke(app, "queue", "windows", {"hall_id": place.hall.id}, clerk))
        assert again[0]["signed_in"] is True

    @pytest.mark.asyncio
    async def test_another_halls_windows_are_out_of_scope(self, app: FastAPI) -> None:
        place, other = await make_place(), await make_place()
        result = await invoke(
            app, "queue", "windows", {"hall_id": other.hall.id}, hall_staff(place.hall)
        )
        assert result.code == "OUT_OF_SCOPE"
