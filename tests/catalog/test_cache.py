"""The in-process cache: warm reads touch nothing, changes reach every process."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest

from config.runtime import Runtime
from config.store import LockContext, Store, Subscription, WindowHit, WindowResult
from gateway.schemas import StaffScope
from services.catalog.cache import VERSION_KEY, CatalogCache, load_catalog
from services.catalog.schemas import ImplementationUpdate, SearchParams
from services.catalog.service import CatalogService, catalog_changed, item_detail, region_within
from services.catalog.snapshot import Catalog
from tests.catalog.helpers import CITY, GULOU, HAICANG, HAIHONG, SIMING, staff

pytestmark = pytest.mark.usefixtures("demo")


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class CountingStore:
    """The test's real store, counting the round trips made through it."""

    inner: Store
    calls: list[str] = field(default_factory=list)

    async def get(self, key: str) -> str | None:
        self.calls.append("get")
        return await self.inner.get(key)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self.calls.append("set")
        await self.inner.set(key, value, ttl)

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        self.calls.append("set_if_absent")
        return await self.inner.set_if_absent(key, value, ttl)

    async def delete(self, *keys: str) -> None:
        self.calls.append("delete")
        await self.inner.delete(*keys)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        self.calls.append("incr")
        return await self.inner.incr(key, amount, ttl)

    async def incr_existing(self, key: str, amount: int = 1) -> int | None:
        self.calls.append("incr_existing")
        return await self.inner.incr_existing(key, amount)

    async def ttl(self, key: str) -> float | None:
        return await self.inner.ttl(key)

    async def hit_window(self, key: str, limit: int, window: int) -> WindowResult:
        return await self.inner.hit_window(key, limit, window)

    async def hit_windows(self, hits: Sequence[WindowHit]) -> list[WindowResult]:
        return await self.inner.hit_windows(hits)

    def lock(self, key: str, ttl: float = 10.0, wait: float = 5.0) -> LockContext:
        return self.inner.lock(key, ttl, wait)

    async def publish(self, channel: str, message: str) -> None:
        await self.inner.publish(channel, message)

    async def subscribe(self, channel: str) -> Subscription:
        return await self.inner.subscribe(channel)

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()


@dataclass
class Process:
    """One app process: its own cache over the shared store and database."""

    store: CountingStore
    clock: Clock
    loads: list[str]
    service: CatalogService


def process(rt: Runtime) -> Process:
    store, clock, loads = CountingStore(rt.store), Clock(), []

    async def loader(version: str) -> Catalog:
        loads.append(version)
        return await load_catalog(version)

    store_of: Callable[[], Store] = lambda: store  # noqa: E731
    cache = CatalogCache(store_of, loader=loader, clock=clock)
    return Process(store, clock, loads, CatalogService(cache))


HAICANG_EDITOR = staff(StaffScope(region_code=HAICANG))


class TestWarmReads:
    @pytest.mark.asyncio
    async def test_make_no_query_and_no_store_round_trip(
        self, rt: Runtime, caplog: pytest.LogCaptureFixture
    ) -> None:
        one = process(rt)
        await one.service.item_detail("MZ001", HAICANG)
        assert len(one.loads) == 1
        one.store.calls.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise"):
            for region in (None, CITY, HAICANG, HAIHONG) * 25:
                await one.service.item_detail("MZ001", region)
        assert one.store.calls == []
        assert one.loads == [one.loads[0]]
        assert [r for r in caplog.records if r.name.startswith("tortoise.db_client")] == []

    @pytest.mark.asyncio
    async def test_check_the_store_at_most_once_per_interval(self, rt: Runtime) -> None:
        one = process(rt)
        await one.service.item_detail("MZ001")
        one.store.calls.clear()
        one.clock.now += 1.5
        for _ in range(20):
            await one.service.item_detail("MZ001")
        assert one.store.calls == ["get"]
        assert len(one.loads) == 1  # the version had not moved: nothing rebuilt

    @pytest.mark.asyncio
    async def test_the_module_function_answers_like_the_action(self) -> None:
        found = await item_detail("GA002", HAICANG)
        assert found.implementation is not None
        assert found.promised_days == 10


class TestInvalidation:
    @pytest.mark.asyncio
    async def test_a_change_is_seen_at_once_by_the_process_making_it(self, rt: Runtime) -> None:
        one = process(rt)
        await one.service.item_detail("MZ001", HAICANG)
        await one.service.update_implementation(
            HAICANG_EDITOR, ImplementationUpdate(item="MZ001", region=HAICANG, notes="新备注")
        )
        found = await one.service.item_detail("MZ001", HAICANG)
        assert found.implementation is not None
        assert found.implementation.notes == "新备注"
        assert len(one.loads) == 2

    @pytest.mark.asyncio
    async def test_another_process_sees_it_within_the_check_interval(self, rt: Runtime) -> None:
        writer, reader = process(rt), process(rt)
        before = await reader.service.item_detail("MZ001", HAICANG)
        await writer.service.update_implementation(
            HAICANG_EDITOR, ImplementationUpdate(item="MZ001", region=HAICANG, fee_fen=900)
        )
        stale = await reader.service.item_detail("MZ001", HAICANG)
        assert stale == before  # no store round trip per request: still the old catalogue
        reader.clock.now += 1.01
        fresh = await reader.service.item_detail("MZ001", HAICANG)
        assert fresh.fee_fen == 900
        assert before.fee_fen == 0
        assert len(reader.loads) == 2

    @pytest.mark.asyncio
    async def test_kept_search_rankings_go_with_the_catalogue_they_came_from(
        self, rt: Runtime
    ) -> None:
        writer, reader = process(rt), process(rt)
        query = SearchParams(q="结婚 登记", region=HAICANG)
        before = await reader.service.search(query)
        await writer.service.update_implementation(
            HAICANG_EDITOR, ImplementationUpdate(item="MZ001", region=HAICANG, fee_fen=900)
        )
        assert await reader.service.search(query) == before  # within the check interval
        reader.clock.now += 1.01
        after = await reader.service.search(query)
        fees = {i.code: i.fee_fen for i in after.items}
        assert {i.code: i.fee_fen for i in before.items}["MZ001"] == 0
        assert fees["MZ001"] == 900
        assert len(reader.loads) == 2
        assert len((await reader.service.cache.current()).search_results) == 1

    @pytest.mark.asyncio
    async def test_the_version_survives_a_lost_store(self, rt: Runtime) -> None:
        """Counting restarts from the clock, so a version seen before the loss never returns."""
        one = process(rt)
        await catalog_changed()
        await one.service.item_detail("MZ001")
        seen = one.loads[-1]
        await rt.store.delete(VERSION_KEY)
        await catalog_changed()
        one.clock.now += 1.5
        await one.service.item_detail("MZ001")
        assert len(one.loads) == 2
        assert one.loads[-1] != seen
        assert int(one.loads[-1]) > int(seen)

    @pytest.mark.asyncio
    async def test_the_catalogue_is_rebuilt_after_max_age(self, rt: Runtime) -> None:
        one = process(rt)
        await one.service.item_detail("MZ001")
        one.clock.now += 301
        await one.service.item_detail("MZ001")
        assert len(one.loads) == 2


class TestRegionWithin:
    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        ("region", "ancestor", "expected"),
        [
            (HAICANG, CITY, True),
            (HAIHONG, CITY, True),
            (HAIHONG, HAICANG, True),
            (CITY, CITY, True),
            (CITY, HAICANG, False),
            (SIMING, HAICANG, False),
            (GULOU, CITY, False),
            ("359999", CITY, False),
        ],
    )
    async def test_is_true_for_the_region_and_its_descendants(
        self, region: str, ancestor: str, expected: bool
    ) -> None:
        assert await region_within(region, ancestor) is expected
