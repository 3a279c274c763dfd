"""Demo halls' windows, opening hours, slot rules, and the national holiday calendar.

Runs after the catalogue's seed, on the halls it made in 海沧区 and 思明区; running it again
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from services.appointments.calendar import national_calendar
from services.appointments.models import CalendarDay, OpeningHours, SlotRule, Window, WindowItem
from services.catalog.models import Hall, Item

DEMO_REGIONS = ("350205", "350203")  # 海沧区, 思明区 (Xiamen)
WEEKDAY_SESSIONS = ((9 * 60, 12 * 60), (13 * 60 + 30, 17 * 60))
SATURDAY_SESSIONS = ((9 * 60, 12 * 60),)  # halls answering residents who work on weekdays
SLOT_MINUTES, SLOT_CAPACITY = 30, 4


async def demo_halls() -> list[Hall]:
    return await Hall.filter(region__code__in=DEMO_REGIONS).order_by("code")


async def item_groups(hall: Hall) -> list[list[Item]]:
    """The items handled at a hall, one group per department type (one queue, its windows)."""
    items = (
        await Item.filter(implementations__hall_links__hall_id=hall.id, active=True)
        .distinct()
        .order_by("department_type", "code")
    )
    return [list(group) for _, group in groupby(items, key=lambda item: item.department_type)]


async def seed_calendar() -> int:
    created = 0
    for entry in national_calendar():
        _, made = await CalendarDay.get_or_create(
            day=entry.day, defaults={"kind": entry.kind, "name": entry.name}
        )
        created += made
    return created


async def seed_hall(hall: Hall) -> int:
    """Opening hours, a window per item group (two for the first), a slot rule per item."""
    weekly = dict.fromkeys(range(5), WEEKDAY_SESSIONS) | {5: SATURDAY_SESSIONS}
    for weekday, sessions in weekly.items():
        for opens, closes in sessions:
            await OpeningHours.get_or_create(
                hall=hall, weekday=weekday, opens_minute=opens, defaults={"closes_minute": closes}
            )
    windows = 0
    for index, items in enumerate(await item_groups(hall)):
        for _ in range(2 if index == 0 else 1):
            number = windows + 1
            window, _ = await Window.get_or_create(
                hall=hall, code=f"{number:02d}", defaults={"name": f"{number}号窗口"}
            )
            windows += 1
            for item in items:
                await WindowItem.get_or_create(window=window, item=item)
        for item in items:
            await SlotRule.get_or_create(
                hall=hall,
                item=item,
                defaults={"slot_minutes": SLOT_MINUTES, "capacity": SLOT_CAPACITY},
            )
    return windows


async def seed_appointments(say: Callable[[str], object] = print) -> None:
    say(f"appointments: {await seed_calendar()} calendar days added")
    for hall in await demo_halls():
        say(f"appointments: {hall.name}: {await seed_hall(hall)} windows")
