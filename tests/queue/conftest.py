"""Queue test data: a hall open all day with one queue and one window serving it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest_asyncio

from services.appointments.models import Window
from services.catalog.models import Hall, Item
from services.queue.models import Queue, QueueItem
from tests.appointments.factories import Place, make_place


@dataclass
class QueuePlace:
    place: Place
    queue: Queue

    @property
    def hall(self) -> Hall:
        return self.place.hall

    @property
    def item(self) -> Item:
        return self.place.item

    @property
    def window(self) -> Window:
        return self.place.window


async def make_queue(place: Place, code: str = "A", *items: Item) -> Queue:
    queue = await Queue.create(hall=place.hall, code=code, name=f"{code}类业务", name_en=code)
    for item in items or (place.item,):
        await QueueItem.create(queue=queue, item=item)
    return queue


@pytest_asyncio.fixture
async def qp(db: None) -> QueuePlace:
    place = await make_place()
    return QueuePlace(place, await make_queue(place))
