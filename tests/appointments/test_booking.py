"""Booking, cancelling and rescheduling through the gateway, and the rules that guard them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from gateway.schemas import IdentityLevel
from services.appointments.models import (
    Appointment,
    AppointmentStatus,
    BookingBlock,
    CalendarDay,
    DayKind,
    Slot,
)
from services.appointments.service import appointments
from services.appointments.settings import appointment_settings
from tests.appointments.factories import citizen, invoke, make_place, make_slot, ok

pytestmark = pytest.mark.usefixtures("db")


async def book(app: FastAPI, citizen_id: int, slot_id: int) -> Any:
    return ok(await invoke(app, "appointments", "book", {"slot_id": slot_id}, citizen(citizen_id)))


class TestAvailableSlots:
    @pytest.mark.asyncio
    async def test_lists_fourteen_days_skipping_holidays(self, app: FastAPI) -> None:
        place = await make_place()
        await make_slot(place, capacity=4)  # also creates the rule: 30 minutes, 4 places
        zone = appointment_settings().zone
        holiday = (datetime.now(UTC).astimezone(zone) + timedelta(days=3)).date()
        await CalendarDay.create(day=holiday, kind=DayKind.HOLIDAY, name="测试假日")
        params = {"hall": place.hall.code, "item": place.item.code}
        slots = ok(await invoke(app, "appointments", "available-slots", params))
        days = {s["day"] for s in slots}
        assert holiday.isoformat() not in days
        assert len(days) == 13  # today and the next 13 days, less the holiday
        assert all(s["remaining"] == 4 for s in slots)
        again = ok(await invoke(app, "appointments", "available-slots", params))
        assert [s["id"] for s in again] == [s["id"] for s in slots]  # made once, then read

    @pytest.mark.asyncio
    async def test_item_without_rule_is_not_bookable(self, app: FastAPI) -> None:
        place = await make_place()
        params = {"hall": place.hall.code, "item": place.item.code}
        result = await invoke(app, "appointments", "available-slots", params)
        assert (result.code, result.status) == ("ITEM_NOT_BOOKABLE", 404)


class TestBook:
    @pytest.mark.asyncio
    async def test_booking_takes_a_place_and_carries_a_check_in_code(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place, capacity=2)
        booked = await book(app, 1, slot.id)
        assert booked["status"] == "booked"
        assert len(str(booked["check_in_code"])) == 8
        assert (await Slot.get(id=slot.id)).booked == 1

    @pytest.mark.asyncio
    async def test_one_active_booking_per_item_and_day(self, app: FastAPI) -> None:
        place = await make_place()
        # 10:00 and 11:00 of one day in the city, whatever the hour the test runs at
        zone = appointment_settings().zone
        now = datetime.now(zone)
        ten = datetime.combine(now.date() + timedelta(days=2), time(10), zone)
        morning = await make_slot(place, starts_in=ten - now)
        afternoon = await make_slot(place, starts_in=ten + timedelta(hours=1) - now)
        await book(app, 1, morning.id)
        result = await invoke(app, "appointments", "book", {"slot_id": afternoon.id}, citizen(1))
        assert (result.code, result.status) == ("APPOINTMENT_LIMIT", 409)
        assert (await Slot.get(id=afternoon.id)).booked == 0

    @pytest.mark.asyncio
    async def test_booking_needs_a_real_name(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place)
        principal = citizen(1, IdentityLevel.LOGGED_IN)
        result = await invoke(app, "appointments", "book", {"slot_id": slot.id}, principal)
        assert result.code == "REAL_NAME_REQUIRED"

    @pytest.mark.asyncio
    async def test_past_slot_is_closed(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place, starts_in=timedelta(minutes=-5))
        result = await invoke(app, "appointments", "book", {"slot_id": slot.id}, citizen(1))
        assert result.code == "SLOT_CLOSED"


class TestNoOverbooking:
    @pytest.mark.asyncio
    async def test_fifty_concurrent_bookings_for_ten_places(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place, capacity=10)
        results = await asyncio.gather(
            *(
                invoke(app, "appointments", "book", {"slot_id": slot.id}, citizen(100 + n))
                for n in range(50)
            )
        )
        codes = [r.code for r in results]
        assert codes.count("OK") == 10
        assert codes.count("SLOT_FULL") == 40
        full = next(r for r in results if r.code == "SLOT_FULL")
        assert full.status == 409
        assert "约满" in full.message
        assert (await Slot.get(id=slot.id)).booked == 10
        assert await Appointment.filter(slot_id=slot.id).count() == 10


class TestCancel:
    @pytest.mark.asyncio
    async def test_cancel_gives_the_place_back(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place, capacity=1)
        booked = await book(app, 1, slot.id)
        params = {"appointment_id": booked["id"]}
        cancelled = ok(await invoke(app, "appointments", "cancel", params, citizen(1)))
        assert cancelled["status"] == "cancelled"
        assert (await Slot.get(id=slot.id)).booked == 0
        await book(app, 2, slot.id)  # the freed place can be booked again
        again = await invoke(app, "appointments", "cancel", params, citizen(1))
        assert again.code == "APPOINTMENT_NOT_ACTIVE"

    @pytest.mark.asyncio
    async def test_a_cancelled_day_can_be_booked_again(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place, capacity=5)
        first = await book(app, 1, slot.id)
        await invoke(app, "appointments", "cancel", {"appointment_id": first["id"]}, citizen(1))
        second = await book(app, 1, slot.id)
        assert second["id"] != first["id"]

    @pytest.mark.asyncio
    async def test_no_cancelling_after_the_cutoff(self, app: FastAPI) -> None:
        place = await make_place()
        cutoff = appointment_settings().cancel_cutoff_minutes
        slot = await make_slot(place, starts_in=timedelta(minutes=cutoff - 10))
        booked = await book(app, 1, slot.id)
        result = await invoke(
            app, "appointments", "cancel", {"appointment_id": booked["id"]}, citizen(1), locale="en"
        )
        assert (result.code, result.status) == ("CANCEL_TOO_LATE", 409)
        assert f"{cutoff} minutes" in result.message
        assert (await Slot.get(id=slot.id)).booked == 1


class TestReschedule:
    @pytest.mark.asyncio
    async def test_moves_the_place(self, app: FastAPI) -> None:
        place = await make_place()
        old = await make_slot(place, starts_in=timedelta(days=1))
        new = await make_slot(place, starts_in=timedelta(days=3))
        booked = await book(app, 1, old.id)
        params = {"appointment_id": booked["id"], "slot_id": new.id}
        moved = ok(await invoke(app, "appointments", "reschedule", params, citizen(1)))
        assert moved["day"] == new.day.isoformat()
        assert (await Appointment.get(id=booked["id"])).slot_id == new.id
        assert (await Slot.get(id=old.id)).booked == 0
        assert (await Slot.get(id=new.id)).booked == 1

    @pytest.mark.asyncio
    async def test_full_target_leaves_the_booking_as_it_was(self, app: FastAPI) -> None:
        place = await make_place()
        old = await make_slot(place, starts_in=timedelta(days=1), capacity=3)
        full = await make_slot(place, starts_in=timedelta(days=2), capacity=3, booked=3)
        booked = await book(app, 1, old.id)
        params = {"appointment_id": booked["id"], "slot_id": full.id}
        result = await invoke(app, "appointments", "reschedule", params, citizen(1))
        assert result.code == "SLOT_FULL"
        assert (await Slot.get(id=old.id)).booked == 1
        assert (await Appointment.get(id=booked["id"])).slot_id == old.id


class TestNoShowBlock:
    @pytest.mark.asyncio
    async def test_three_no_shows_in_thirty_days_block_booking_for_seven_days(
        self, app: FastAPI
    ) -> None:
        place = await make_place()
        for days_ago in (20, 10, 2):
            past = await make_slot(place, starts_in=timedelta(days=-days_ago))
            await Appointment.create(
                citizen_id=1,
                slot=past,
                hall=place.hall,
                item=place.item,
                day=past.day,
                active_day=past.day,
                starts_at=past.starts_at,
                ends_at=past.ends_at,
                check_in_code=f"PAST{days_ago:04d}",
                channel="app",
            )
        result = await appointments.mark_no_shows()
        assert (result.marked, result.blocked) == (3, 1)
        assert await Appointment.filter(status=AppointmentStatus.NO_SHOW).count() == 3
        block = await BookingBlock.get(citizen_id=1)
        assert abs((block.until - datetime.now(UTC)) - timedelta(days=7)) < timedelta(minutes=1)
        slot = await make_slot(place, starts_in=timedelta(days=1))
        refused = await invoke(
            app, "appointments", "book", {"slot_id": slot.id}, citizen(1), locale="en"
        )
        assert (refused.code, refused.status) == ("BOOKING_BLOCKED", 403)
        until = appointments.local_text(block.until)
        assert until in refused.message
        assert "3" in refused.message
        await book(app, 2, slot.id)  # someone else still books


class TestPrivacy:
    @pytest.mark.asyncio
    async def test_another_resident_cannot_see_or_cancel_a_booking(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place)
        booked = await book(app, 1, slot.id)
        params = {"appointment_id": booked["id"]}
        for action in ("detail", "cancel", "check-in-qr"):
            result = await invoke(app, "appointments", action, params, citizen(2))
            assert result.code == "APPOINTMENT_NOT_FOUND", action
        nothing = ok(await invoke(app, "appointments", "mine", {}, citizen(2)))
        assert nothing == {"items": [], "next_cursor": None}
        mine = ok(await invoke(app, "appointments", "mine", {}, citizen(1)))
        assert [a["id"] for a in mine["items"]] == [booked["id"]]

    @pytest.mark.asyncio
    async def test_a_booking_names_its_hall_and_item_by_their_public_codes(
        self, app: FastAPI
    ) -> None:
        """What a client shows, and what `available-slots` takes to reschedule."""
        place = await make_place()
        booked = await book(app, 1, (await make_slot(place)).id)
        assert (booked["hall_code"], booked["hall_name"]) == (place.hall.code, place.hall.name)
        assert (booked["item_code"], booked["item_name"]) == (place.item.code, place.item.name)
        mine = ok(await invoke(app, "appointments", "mine", {}, citizen(1)))
        assert mine["items"][0]["item_code"] == place.item.code
        slots = await invoke(
            app,
            "appointments",
            "available-slots",
            {"hall": booked["hall_code"], "item": booked["item_code"]},
            citizen(1),
        )
        assert slots.code == "OK"


class TestMine:
    @pytest.mark.asyncio
    async def test_pages_through_my_bookings_by_start_time(self, app: FastAPI) -> None:
        slots = [
            await make_slot(await make_place(), starts_in=timedelta(days=days))
            for days in (3, 1, 2, 2)
        ]
        await Slot.filter(id=slots[3].id).update(starts_at=slots[2].starts_at)  # a tie
        booked = [await book(app, 1, slot.id) for slot in slots]
        first = ok(await invoke(app, "appointments", "mine", {"limit": 2}, citizen(1)))
        assert len(first["items"]) == 2
        assert first["next_cursor"] is not None
        params = {"limit": 2, "cursor": first["next_cursor"]}
        rest = ok(await invoke(app, "appointments", "mine", params, citizen(1)))
        assert rest["next_cursor"] is None
        seen = [a["id"] for a in first["items"] + rest["items"]]
        assert seen == [booked[i]["id"] for i in (1, 2, 3, 0)]  # by start, a tie by id

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, app: FastAPI) -> None:
        for cursor in ("not a cursor!", "eyJhZnRlciI6WzEsMl19"):  # the second: {"after":[1,2]}
            params = {"cursor": cursor}
            result = await invoke(app, "appointments", "mine", params, citizen(1))
            assert (result.code, result.status) == ("CURSOR_INVALID", 400)


class TestCheckInQr:
    @pytest.mark.asyncio
    async def test_svg_qr_code_of_the_check_in_code(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place)
        booked = await book(app, 1, slot.id)
        params = {"appointment_id": booked["id"]}
        qr = ok(await invoke(app, "appointments", "check-in-qr", params, citizen(1)))
        assert qr["check_in_code"] == booked["check_in_code"]
        assert qr["qr_text"].endswith(booked["check_in_code"])
        assert qr["svg"].lstrip().startswith("<?xml")
        assert "<svg" in qr["svg"]


class TestNoShowJob:
    @pytest.mark.asyncio
    async def test_the_job_marks_missed_bookings(self, app: FastAPI) -> None:
        from services.appointments.tasks import mark_no_shows

        place = await make_place()
        past = await make_slot(place, starts_in=timedelta(hours=-3))
        await Appointment.create(
            citizen_id=1,
            slot=past,
            hall=place.hall,
            item=place.item,
            day=past.day,
            active_day=past.day,
            starts_at=past.starts_at,
            ends_at=past.ends_at,
            check_in_code="MISSED01",
            channel="app",
        )
        assert await mark_no_shows() == 1
        assert await mark_no_shows() == 0
        assert not await BookingBlock.exists(citizen_id=1)  # one no-show blocks nothing
