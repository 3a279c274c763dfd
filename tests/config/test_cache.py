"""The expiring row cache (queues, halls, workflows): an expired entry is loaded once, however many
requests want it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from config.cache import Expiring


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Loader:
    """Counts its loads; each waits for `release` so that requests pile up meanwhile."""

    value: str = "v1"
    loads: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)
    error: Exception | None = None

    async def __call__(self) -> str:
        self.loads += 1
        await self.release.wait()
        if self.error is not None:
            raise self.error
        return self.value


class TestOneLoadAtATime:
    @pytest.mark.asyncio
    async def test_concurrent_misses_wait_for_one_load(self) -> None:
        cache: Expiring[int, str] = Expiring(10, Clock())
        load = Loader()
        readers = [asyncio.ensure_future(cache.get(1, load)) for _ in range(20)]
        await asyncio.sleep(0)
        load.release.set()
        assert await asyncio.gather(*readers) == ["v1"] * 20
        assert load.loads == 1

    @pytest.mark.asyncio
    async def test_an_expired_entry_is_served_while_one_request_reloads_it(self) -> None:
        clock = Clock()
        cache: Expiring[int, str] = Expiring(10, clock)
        first = Loader()
        first.release.set()
        assert await cache.get(1, first) == "v1"
        clock.now += 11
        again = Loader(value="v2")
        reloading = asyncio.ensure_future(cache.get(1, again))
        await asyncio.sleep(0)
        assert [await cache.get(1, again) for _ in range(5)] == ["v1"] * 5
        again.release.set()
        assert await reloading == "v2"
        assert await cache.get(1, again) == "v2"
        assert again.loads == 1

    @pytest.mark.asyncio
    async def test_a_failed_load_fails_its_waiters_and_is_not_kept(self) -> None:
        cache: Expiring[int, str] = Expiring(10, Clock())
        broken = Loader(error=RuntimeError("database down"))
        readers = [asyncio.ensure_future(cache.get(1, broken)) for _ in range(3)]
        await asyncio.sleep(0)
        broken.release.set()
        results = await asyncio.gather(*readers, return_exceptions=True)
        assert all(isinstance(r, RuntimeError) for r in results)
        fine = Loader()
        fine.release.set()
        assert await cache.get(1, fine) == "v1"

    @pytest.mark.asyncio
    async def test_a_cancelled_loader_hands_the_load_to_a_waiter(self) -> None:
        cache: Expiring[int, str] = Expiring(10, Clock())
        stuck = Loader()
        loader = asyncio.ensure_future(cache.get(1, stuck))
        await asyncio.sleep(0)
        waiter = asyncio.ensure_future(cache.get(1, stuck))
        await asyncio.sleep(0)
        loader.cancel()
        await asyncio.sleep(0)
        stuck.release.set()
        assert await waiter == "v1"
        assert stuck.loads == 2

    @pytest.mark.asyncio
    async def test_clearing_drops_a_load_begun_before(self) -> None:
        cache: Expiring[int, str] = Expiring(10, Clock())
        old = Loader(value="old")
        loading = asyncio.ensure_future(cache.get(1, old))
        await asyncio.sleep(0)
        cache.clear()
        old.release.set()
        assert await loading == "old"
        new = Loader(value="new")
        new.release.set()
        assert await cache.get(1, new) == "new"
