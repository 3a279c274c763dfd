"""The store contract, run against the in-process store and, on the services backend, Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from config.runtime import Runtime
from config.store import LockNotAcquired, MemoryStore, RedisStore, Store, WindowHit
from tests.conftest import BACKEND, REDIS_PREFIX, REDIS_URL

KINDS = ["memory", "redis"] if BACKEND == "services" else ["memory"]


@pytest_asyncio.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, rt: Runtime) -> AsyncIterator[Store]:
    instance: Store
    if request.param == "memory":
        instance = MemoryStore()
    else:
        instance = RedisStore(REDIS_URL, prefix=f"{REDIS_PREFIX}contract:")
    yield instance
    if isinstance(instance, RedisStore):
        keys = [k async for k in instance.redis.scan_iter(f"{instance.prefix}*")]
        if keys:
            await instance.redis.delete(*keys)
    await instance.close()


class TestKeys:
    @pytest.mark.asyncio
    async def test_set_get_delete(self, store: Store) -> None:
        assert await store.get("a") is None
        await store.set("a", "1")
        assert await store.get("a") == "1"
        await store.delete("a", "missing")
        assert await store.get("a") is None

    @pytest.mark.asyncio
    async def test_ttl_expires(self, store: Store) -> None:
        await store.set("short", "x", ttl=0.2)
        remaining = await store.ttl("short")
        assert remaining is not None
        assert 0 < remaining <= 0.2
        await asyncio.sleep(0.3)
        assert await store.get("short") is None
        assert await store.ttl("short") is None

    @pytest.mark.asyncio
    async def test_set_if_absent_is_exclusive(self, store: Store) -> None:
        results = await asyncio.gather(*(store.set_if_absent("once", str(i)) for i in range(20)))
        assert results.count(True) == 1
        assert await store.get("once") == str(results.index(True))


class TestCounters:
    @pytest.mark.asyncio
    async def test_concurrent_increments_never_collide(self, store: Store) -> None:
        values = await asyncio.gather(*(store.incr("n") for _ in range(200)))
        assert sorted(values) == list(range(1, 201))

    @pytest.mark.asyncio
    async def test_ttl_is_set_on_creation_only(self, store: Store) -> None:
        await store.incr("c", ttl=0.3)
        await asyncio.sleep(0.2)
        await store.incr("c", ttl=10)
        await asyncio.sleep(0.2)
        assert await store.get("c") is None

    @pytest.mark.asyncio
    async def test_amount(self, store: Store) -> None:
        assert await store.incr("m", 5) == 5
        assert await store.incr("m", -2) == 3


class TestIncrExisting:
    @pytest.mark.asyncio
    async def test_a_missing_key_stays_missing(self, store: Store) -> None:
        assert await store.incr_existing("gone") is None
        assert await store.get("gone") is None

    @pytest.mark.asyncio
    async def test_an_existing_key_counts_up_and_keeps_its_expiry(self, store: Store) -> None:
        await store.set("seeded", "41", ttl=0.3)
        assert await store.incr_existing("seeded") == 42
        assert await store.incr_existing("seeded", 3) == 45
        await asyncio.sleep(0.4)
        assert await store.incr_existing("seeded") is None

    @pytest.mark.asyncio
    async def test_concurrent_increments_never_collide(self, store: Store) -> None:
        await store.set("k", "0")
        values = await asyncio.gather(*(store.incr_existing("k") for _ in range(100)))
        assert sorted(v or 0 for v in values) == list(range(1, 101))


class TestConcurrentReads:
    @pytest.mark.asyncio
    async def test_each_read_gets_its_own_key_and_sees_writes_made_before_it(
        self, store: Store
    ) -> None:
        """The Redis store answers concurrent reads with one MGET; each still gets its key."""
        for n in range(0, 60, 2):
            await store.set(f"read-{n}", str(n))
        values = await asyncio.gather(*(store.get(f"read-{n}") for n in range(60)))
        assert values == [str(n) if n % 2 == 0 else None for n in range(60)]
        await store.set("read-1", "now")
        assert await store.get("read-1") == "now"


class TestRateWindows:
    @pytest.mark.asyncio
    async def test_window_allows_the_limit_then_refuses(self, store: Store) -> None:
        results = [await store.hit_window("w", 3, 60) for _ in range(5)]
        assert [r.allowed for r in results] == [True, True, True, False, False]
        assert [r.count for r in results] == [1, 2, 3, 4, 5]
        assert all(1 <= r.retry_after <= 60 for r in results)

    @pytest.mark.asyncio
    async def test_several_windows_in_one_call(self, store: Store) -> None:
        hits = [WindowHit("ip", 3, 60), WindowHit("who", 1, 60)]
        first = await store.hit_windows(hits)
        second = await store.hit_windows(hits)
        assert [r.allowed for r in first] == [True, True]
        assert [(r.allowed, r.count) for r in second] == [(True, 2), (False, 2)]
        assert (await store.hit_window("ip", 3, 60)).count == 3

    @pytest.mark.asyncio
    async def test_concurrent_requests_each_get_their_own_exact_count(self, store: Store) -> None:
        """Concurrent hits (the Redis store counts them in shared script calls) each get their
        own count: the limit lets exactly `limit` through, whichever windows they share."""
        requests = [[WindowHit("shared", 10, 60), WindowHit(f"own-{n}", 1, 60)] for n in range(40)]
        answers = await asyncio.gather(*(store.hit_windows(hits) for hits in requests))
        shared = sorted(answer[0].count for answer in answers)
        assert shared == list(range(1, 41))
        assert sum(answer[0].allowed for answer in answers) == 10
        assert all(answer[1].allowed and answer[1].count == 1 for answer in answers)


class TestLocks:
    @pytest.mark.asyncio
    async def test_lock_excludes_other_holders(self, store: Store) -> None:
        inside = 0
        peak = 0

        async def critical() -> None:
            nonlocal inside, peak
            async with store.lock("l", ttl=5, wait=5):
                inside += 1
                peak = max(peak, inside)
                await asyncio.sleep(0.01)
                inside -= 1

        await asyncio.gather(*(critical() for _ in range(10)))
        assert peak == 1

    @pytest.mark.asyncio
    async def test_waiting_gives_up(self, store: Store) -> None:
        async with store.lock("busy", ttl=5, wait=1):
            with pytest.raises(LockNotAcquired):
                async with store.lock("busy", ttl=5, wait=0.1):
                    pass


class TestPing:
    @pytest.mark.asyncio
    async def test_ping(self, store: Store) -> None:
        await store.ping()


class TestMessages:
    @pytest.mark.asyncio
    async def test_every_subscription_gets_what_is_published_after_it_opened(
        self, store: Store
    ) -> None:
        await store.publish("news", "before anyone listens")
        first, second = await store.subscribe("news"), await store.subscribe("news")
        other = await store.subscribe("other")
        await store.publish("news", "1")
        await store.publish("news", "2")
        try:
            for subscription in (first, second):
                messages = aiter(subscription)
                got = [await asyncio.wait_for(anext(messages), 5) for _ in range(2)]
                assert got == ["1", "2"]
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(aiter(other)), 0.3)
        finally:
            for subscription in (first, second, other):
                await subscription.close()

    @pytest.mark.asyncio
    async def test_a_closed_subscription_gets_nothing_more(self, store: Store) -> None:
        gone = await store.subscribe("news")
        await gone.close()
        staying = await store.subscribe("news")
        await store.publish("news", "after")
        try:
            assert await asyncio.wait_for(anext(aiter(staying)), 5) == "after"
        finally:
            await staying.close()
