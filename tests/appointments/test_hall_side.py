"""The hall side through the gateway: a day's bookings for the check-in desk, and the hall's
set-up (hours, slot rules and capacity, windows, the calendar), each within the staff member's
scope and permission."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from gateway.schemas import StaffPrincipal, StaffScope
from services.appointments.models import Slot
from services.appointments.service import appointments
from services.catalog.models import Hall
from tests.appointments.factories import (
    citizen,
    invoke,
    make_item,
    make_place,
    make_region,
    make_slot,
    ok,
    staff,
)

pytestmark = pytest.mark.usefixtures("db")

MANAGER = frozenset({"hall.manage", "appointments.manage", "queue.manage", "appointments.checkin"})


def manager(hall: Hall) -> StaffPrincipal:
    return staff(StaffScope(hall_id=hall.id), permissions=MANAGER)


async def as_manager(app: FastAPI, hall: Hall, action: str, params: dict[str, Any]) -> Any:
    return ok(await invoke(app, "appointments", action, params, manager(hall)))


class TestDayBookings:
    @pytest.mark.asyncio
    async def test_the_desk_sees_the_days_bookings_and_checks_one_in(self, app: FastAPI) -> None:
        place = await make_place()
        slot = await make_slot(place, starts_in=timedelta(minutes=10))
        booked = [
            ok(await invoke(app, "appointments", "book", {"slot_id": slot.id}, citizen(n)))
            for n in (1, 2)
        ]
        desk = staff(StaffScope(hall_id=place.hall.id))
        params = {"hall_id": place.hall.id, "day": slot.day.isoformat()}
        day = ok(await invoke(app, "appointments", "day", params, desk))
        assert day["open"] is True
        assert day["counts"] == {"booked": 2}
        assert [b["item_code"] for b in day["bookings"]] == [place.item.code] * 2
        assert "citizen_id" not in day["bookings"][0]
        qr = ok(
            await invoke(
                app, "appointments", "check-in-qr", {"appointment_id": booked[0]["id"]}, citizen(1)
            )
        )
        await appointments.check_in(qr["check_in_code"])  # what queue.check-in does first
        day = ok(await invoke(app, "appointments", "day", params, desk))
        assert day["counts"] == {"booked": 1, "checked_in": 1}

    @pytest.mark.asyncio
    async def test_another_halls_bookings_are_out_of_scope(self, app: FastAPI) -> None:
        mine, theirs = await make_place(), await make_place()
        desk = staff(StaffScope(hall_id=mine.hall.id))
        result = await invoke(app, "appointments", "day", {"hall_id": theirs.hall.id}, desk)
        assert result.code == "OUT_OF_SCOPE"
        missing = await invoke(app, "appointments", "day", {"hall_id": 99999}, desk)
        assert missing.code == "HALL_NOT_FOUND"


class TestHallSetup:
    @pytest.mark.asyncio
    async def test_hours_replace_one_weekday_and_bad_sessions_are_refused(
        self, app: FastAPI
    ) -> None:
        place = await make_place()
        sessions = [{"opens": "08:30", "closes": "12:00"}, {"opens": "14:00", "closes": "17:30"}]
        monday = {"hall_id": place.hall.id, "weekday": 0, "sessions": sessions}
        setup = await as_manager(app, place.hall, "set-hours", monday)
        assert setup["hours"][0]["sessions"] == sessions
        assert setup["hours"][1]["sessions"] == [{"opens": "00:00", "closes": "24:00"}]
        closed = await as_manager(
            app, place.hall, "set-hours", {"hall_id": place.hall.id, "weekday": 6, "sessions": []}
        )
        assert closed["hours"][6]["sessions"] == []
        for bad in (
            [{"opens": "12:00", "closes": "08:00"}],
            [{"opens": "08:00", "closes": "12:00"}, {"opens": "11:00", "closes": "13:00"}],
        ):
            params = {"hall_id": place.hall.id, "weekday": 2, "sessions": bad}
            result = await invoke(app, "appointments", "set-hours", params, manager(place.hall))
            assert result.code == "OPENING_HOURS_INVALID"
        loose = [{"opens": "8", "closes": "9"}]
        bad_time = {"hall_id": place.hall.id, "weekday": 2, "sessions": loose}
        result = await invoke(app, "appointments", "set-hours", bad_time, manager(place.hall))
        assert result.code == "VALIDATION_FAILED"

    @pytest.mark.asyncio
    async def test_capacity_reaches_coming_slots_but_not_below_their_bookings(
        self, app: FastAPI
    ) -> None:
        place = await make_place()
        free = await make_slot(place, capacity=10, booked=1)
        full = await make_slot(place, starts_in=timedelta(days=2), capacity=10, booked=6)
        params = {"hall_id": place.hall.id, "item": place.item.code, "slot_minutes": 30}
        setup = await as_manager(app, place.hall, "set-slot-rule", {**params, "capacity": 4})
        assert setup["slot_rules"][0]["capacity"] == 4
        assert (await Slot.get(id=free.id)).capacity == 4
        assert (await Slot.get(id=full.id)).capacity == 6
        unknown = await invoke(
            app,
            "appointments",
            "set-slot-rule",
            {**params, "item": "NOPE", "capacity": 4},
            manager(place.hall),
        )
        assert unknown.code == "ITEM_NOT_BOOKABLE"

    @pytest.mark.asyncio
    async def test_windows_are_added_and_changed_with_their_items(self, app: FastAPI) -> None:
        place = await make_place()
        other = await make_item()
        base = {"hall_id": place.hall.id, "name": "综合窗口"}
        added = await as_manager(
            app, place.hall, "save-window", {**base, "code": "W-NEW", "items": [other.code]}
        )
        window = next(w for w in added["windows"] if w["code"] == "W-NEW")
        assert window["items"] == [other.code]
        changed = await as_manager(
            app,
            place.hall,
            "save-window",
            {**base, "window_id": window["id"], "code": "W-NEW", "active": False, "items": []},
        )
        window = next(w for w in changed["windows"] if w["id"] == window["id"])
        assert (window["active"], window["items"]) == (False, [])
        taken = await invoke(
            app,
            "appointments",
            "save-window",
            {**base, "code": place.window.code},
            manager(place.hall),
        )
        assert taken.code == "WINDOW_CODE_TAKEN"
        elsewhere = await make_place()
        foreign = await invoke(
            app,
            "appointments",
            "save-window",
            {**base, "window_id": elsewhere.window.id, "code": "X"},
            manager(place.hall),
        )
        assert foreign.code == "WINDOW_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_a_holiday_closes_the_hall_that_day(self, app: FastAPI) -> None:
        place = await make_place()
        day = date.today() + timedelta(days=5)
        holiday = {"day": day.isoformat(), "kind": "holiday", "name": "测试"}
        marked = await as_manager(app, place.hall, "set-calendar-day", holiday)
        assert marked["kind"] == "holiday"
        setup = await as_manager(app, place.hall, "hall-setup", {"hall_id": place.hall.id})
        assert setup["calendar"] == [{"day": day.isoformat(), "kind": "holiday", "name": "测试"}]
        desk = staff(StaffScope(hall_id=place.hall.id))
        params = {"hall_id": place.hall.id, "day": day.isoformat()}
        assert ok(await invoke(app, "appointments", "day", params, desk))["open"] is False
        await as_manager(app, place.hall, "set-calendar-day", {"day": day.isoformat()})
        assert ok(await invoke(app, "appointments", "day", params, desk))["open"] is True

    @pytest.mark.asyncio
    async def test_each_change_needs_its_permission_and_the_hall_in_scope(
        self, app: FastAPI
    ) -> None:
        place = await make_place()
        clerk = staff(StaffScope(hall_id=place.hall.id))  # queue and check-in only
        for action, params in (
            ("hall-setup", {"hall_id": place.hall.id}),
            ("set-hours", {"hall_id": place.hall.id, "weekday": 0, "sessions": []}),
            ("set-calendar-day", {"day": "2030-01-01"}),
        ):
            result = await invoke(app, "appointments", action, params, clerk)
            assert result.code == "PERMISSION_DENIED", action
        region = await make_region("350203", "350000/350200/350203")
        elsewhere = await make_place(region)
        result = await invoke(
            app, "appointments", "hall-setup", {"hall_id": elsewhere.hall.id}, manager(place.hall)
        )
        assert result.code == "OUT_OF_SCOPE"
