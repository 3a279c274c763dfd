"""Halls, items, windows, slots and principals for the appointment and queue tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI

from gateway.schemas import (
    Channel,
    CitizenPrincipal,
    IdentityLevel,
    Principal,
    ServiceRequest,
    ServiceResult,
    StaffPrincipal,
    StaffScope,
)
from services.appointments.models import OpeningHours, Slot, SlotRule, Window, WindowItem
from services.catalog.models import Hall, Item, OnlineLevel, Region, RegionLevel

_serial = itertools.count(1)


@dataclass
class Place:
    """One hall with one item, a window for it and opening hours all day, every day."""

    region: Region
    hall: Hall
    item: Item
    window: Window


async def make_region(code: str = "350205", path: str = "350000/350200/350205") -> Region:
    region, _ = await Region.get_or_create(
        code=code,
        defaults={"name": "海沧区", "level": RegionLevel.DISTRICT, "path": path},
    )
    return region


async def make_item(code: str | None = None) -> Item:
    return await Item.create(
        code=code or f"ITEM-{next(_serial)}",
        name="户籍证明",
        department_type="public_security",
        online_level=OnlineLevel.ONE_VISIT,
        legal_days=5,
        promised_days=1,
    )


async def make_window(hall: Hall, *items: Item, code: str | None = None) -> Window:
    window = await Window.create(hall=hall, code=code or f"W{next(_serial)}", name="1号窗口")
    for item in items:
        await WindowItem.create(window=window, item=item)
    return window


async def make_place(region: Region | None = None, *, all_day: bool = True) -> Place:
    region = region or await make_region()
    serial = next(_serial)
    hall = await Hall.create(
        code=f"HALL-{serial}", name=f"行政服务中心{serial}", region=region, address="海沧大道"
    )
    item = await make_item()
    window = await make_window(hall, item)
    if all_day:
        for weekday in range(7):
            await OpeningHours.create(
                hall=hall, weekday=weekday, opens_minute=0, closes_minute=24 * 60
            )
    return Place(region, hall, item, window)


async def make_slot(
    place: Place,
    *,
    starts_in: timedelta = timedelta(days=1),
    minutes: int = 30,
    capacity: int = 10,
    booked: int = 0,
) -> Slot:
    """A slot starting `starts_in` from now (negative: in the past)."""
    from services.appointments.settings import appointment_settings

    starts = (datetime.now(UTC) + starts_in).replace(microsecond=0)
    await SlotRule.get_or_create(
        hall=place.hall, item=place.item, defaults={"capacity": capacity, "slot_minutes": minutes}
    )
    return await Slot.create(
        hall=place.hall,
        item=place.item,
        day=starts.astimezone(appointment_settings().zone).date(),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        capacity=capacity,
        booked=booked,
    )


def citizen(citizen_id: int, level: IdentityLevel = IdentityLevel.REAL_NAME) -> CitizenPrincipal:
    return CitizenPrincipal(citizen_id, level, session_id=f"s{citizen_id}", channel=Channel.APP)


def staff(
    *scopes: StaffScope,
    staff_id: int = 7,
    permissions: frozenset[str] = frozenset({"queue.call", "queue.issue", "appointments.checkin"}),
) -> StaffPrincipal:
    return StaffPrincipal(
        staff_id=staff_id,
        username=f"clerk{staff_id}",
        permissions=permissions,
        scopes=scopes,
        session_id=f"staff-session-{staff_id}",
    )


def hall_staff(hall: Hall, staff_id: int = 7) -> StaffPrincipal:
    return staff(StaffScope(hall_id=hall.id), staff_id=staff_id)


async def invoke(
    app: FastAPI,
    service: str,
    action: str,
    params: dict[str, Any] | None = None,
    principal: Principal | None = None,
    *,
    channel: Channel = Channel.APP,
    locale: str = "zh-CN",
) -> ServiceResult:
    """One call through the whole gateway pipeline, from its own client address."""
    serial = next(_serial)
    request = ServiceRequest(
        service=service,
        action=action,
        params=params or {},
        channel=channel,
        principal=principal,
        locale=locale,
        client_ip=f"10.{serial // 65536 % 256}.{serial // 256 % 256}.{serial % 256}",
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


def ok(result: ServiceResult) -> Any:
    assert result.code == "OK", (result.code, result.message, result.data)
    return result.data
