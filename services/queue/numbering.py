"""Queue numbers: atomic in the store, recorded in the database.

Per queue and day the store keeps a counter; an increment that touches only an existing key
(`incr_existing`) hands out the next number in one round trip. The counter is only a cache of
the record: when its key is missing (Redis restarted, key evicted, or the first number of the
day), it is seeded from the highest number the database holds for that queue and day, under a
store lock so that only one process seeds it. The database's unique (queue, day, number) is
the last guard: a number that collides anyway (a counter lost while a number was being
written) fails its insert, `repair` raises the counter past the record, and the caller takes a
new number. So a number is never handed out twice.
"""

from __future__ import annotations

from datetime import date

from config.runtime import runtime
from services.queue import repository

COUNTER_TTL = 2 * 24 * 3600.0  # outlives its day, whatever the time zone


def counter_key(queue_id: int, day: date) -> str:
    return f"queue:number:{queue_id}:{day.isoformat()}"


async def next_number(queue_id: int, day: date) -> int:
    """One store round trip while the counter exists; seeds it from the record when not."""
    store = runtime().store
    key = counter_key(queue_id, day)
    number = await store.incr_existing(key)
    if number is None:
        await _seed(queue_id, day)
        number = await store.incr(key, ttl=COUNTER_TTL)
    return number


async def _seed(queue_id: int, day: date) -> None:
    store = runtime().store
    key = counter_key(queue_id, day)
    async with store.lock(f"{key}:seed", ttl=10.0, wait=10.0):
        if await store.get(key) is not None:  # another process seeded it meanwhile
            return
        highest = await repository.highest_number(queue_id, day)
        await store.set_if_absent(key, str(highest), ttl=COUNTER_TTL)


async def repair(queue_id: int, day: date) -> None:
    """After a number collided with the record: moves the counter past the highest number."""
    store = runtime().store
    key = counter_key(queue_id, day)
    async with store.lock(f"{key}:seed", ttl=10.0, wait=10.0):
        highest = await repository.highest_number(queue_id, day)
        current = await store.get(key)
        if current is None:
            await store.set_if_absent(key, str(highest), ttl=COUNTER_TTL)
        elif int(current) < highest:
            await store.incr(key, highest - int(current), ttl=COUNTER_TTL)


def label(code: str, number: int) -> str:
    """`A` and 23 → `A023`; past 999 the number simply grows (`A1024`)."""
    return f"{code}{number:03d}"
