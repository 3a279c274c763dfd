"""Demo queues: one per item group of each demo hall (A, B, C…), after the windows' seed."""

from __future__ import annotations

import string
from collections.abc import Callable

from services.appointments.seed import demo_halls, item_groups
from services.catalog.models import Hall
from services.queue.models import Queue, QueueItem

QUEUE_NAMES = {  # department type → name of its queue at the halls
    "public_security": ("公安户政", "Household registration"),
    "civil_affairs": ("民政婚姻", "Civil affairs"),
    "human_resources": ("人社业务", "Social insurance and jobs"),
    "medical_security": ("医疗保障", "Medical insurance"),
    "market_regulation": ("市场主体登记", "Business registration"),
    "housing_fund": ("住房公积金", "Housing fund"),
    "real_estate": ("不动产登记", "Real estate registration"),
    "transport": ("交通运输", "Transport"),
    "taxation": ("税务", "Taxation"),
    "health": ("卫生健康", "Health"),
    "education": ("教育", "Education"),
    "disabled_persons": ("残联业务", "Disabled persons' federation"),
    "agriculture": ("农业农村", "Agriculture"),
}


async def seed_hall_queues(hall: Hall) -> int:
    groups = await item_groups(hall)
    for letter, items in zip(string.ascii_uppercase, groups, strict=False):
        department_type = items[0].department_type
        name, name_en = QUEUE_NAMES.get(department_type, ("综合业务", "General services"))
        queue, _ = await Queue.get_or_create(
            hall=hall, code=letter, defaults={"name": name, "name_en": name_en}
        )
        for item in items:
            await QueueItem.get_or_create(queue=queue, item=item)
    return min(len(groups), len(string.ascii_uppercase))


async def seed_queues(say: Callable[[str], object] = print) -> None:
    for hall in await demo_halls():
        say(f"queue: {hall.name}: {await seed_hall_queues(hall)} queues")
