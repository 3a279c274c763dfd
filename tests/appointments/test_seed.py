"""The demo seed of windows, hours, calendar and queues: complete, and idempotent."""

from __future__ import annotations

import pytest

from services.appointments.calendar import national_calendar
from services.appointments.models import CalendarDay, OpeningHours, SlotRule, Window
from services.appointments.seed import seed_appointments
from services.catalog.models import Department, Hall, Implementation, ImplementationHall
from services.queue.models import Queue, QueueItem
from services.queue.seed import seed_queues
from tests.appointments.factories import make_item, make_region

pytestmark = pytest.mark.usefixtures("db")


async def demo_hall() -> Hall:
    region = await make_region("350205")
    hall = await Hall.create(code="HC-01", name="海沧区行政服务中心", region=region, address="-")
    for department_type in ("public_security", "civil_affairs"):
        department = await Department.create(
            code=f"D-{department_type}",
            name=department_type,
            department_type=department_type,
            region=region,
        )
        for _ in range(2):
            item = await make_item()
            item.department_type = department_type
            await item.save()
            offer = await Implementation.create(item=item, region=region, department=department)
            await ImplementationHall.create(implementation=offer, hall=hall)
    return hall


class TestDemoSeed:
    @pytest.mark.asyncio
    async def test_seeds_each_demo_hall_once(self) -> None:
        hall = await demo_hall()
        for _ in range(2):
            await seed_appointments(lambda _: None)
            await seed_queues(lambda _: None)
        assert await Window.filter(hall=hall).count() == 3  # two for the first group
        assert await OpeningHours.filter(hall=hall).count() == 11
        assert await SlotRule.filter(hall=hall).count() == 4
        queues = await Queue.filter(hall=hall).order_by("code")
        assert [(q.code, q.name) for q in queues] == [("A", "民政婚姻"), ("B", "公安户政")]
        assert await QueueItem.filter(queue__hall=hall).count() == 4
        assert await CalendarDay.all().count() == len(national_calendar()) == 52
