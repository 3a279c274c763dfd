"""The in-process catalogue cache and its invalidation across processes.

Every change to the catalogue bumps a version counter in the store. Each process keeps one
`Catalog` built from the database and compares its version with the store's at most once per
`check_every` seconds, so a warm read costs neither a query nor a store round trip. A change made
in this process is seen at once; one made elsewhere within about `check_every` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from config.runtime import runtime
from config.store import Store
from services.catalog import repository
from services.catalog.snapshot import Catalog

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:version"
Loader = Callable[[str], Awaitable[Catalog]]


def runtime_store() -> Store:
    return runtime().store


async def load_catalog(version: str) -> Catalog:
    """Reads the catalogue and indexes it off the event loop (segmenting text takes CPU)."""
    rows = await repository.load_catalog()
    return await asyncio.to_thread(Catalog, version, rows)


class CatalogCache:
    def __init__(
        self,
        store: Callable[[], Store] = runtime_store,
        *,
        loader: Loader = load_catalog,
        check_every: float = 1.0,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`max_age` rebuilds even without a version change, in case a bump was lost."""
        self._store = store
        self._loader = loader
        self._check_every = check_every
        self._max_age = max_age
        self._clock = clock
        self._catalog: Catalog | None = None
        self._built_at = 0.0
        self._next_check = 0.0
        self._generation = 0  # local changes; a load that started before one is stale
        self._built_generation = -1
        self._lock = asyncio.Lock()

    async def current(self) -> Catalog:
        catalog = self._catalog
        if catalog is not None and self._clock() < self._next_check:
            return catalog
        return await self._refresh()

    def invalidate(self) -> None:
        """Makes the next read check the store and rebuild."""
        self._generation += 1
        self._next_check = 0.0

    async def changed(self) -> None:
        """Tells every process the catalogue changed. Call after the change has committed."""
        self.invalidate()
        store = self._store()
        try:
            # Starting from the clock rather than 0 keeps versions unique if the store is lost.
            await store.set_if_absent(VERSION_KEY, str(time.time_ns() // 1_000_000))
            await store.incr(VERSION_KEY)
        except Exception:
            logger.exception("catalogue version not bumped; other processes catch up by max age")

    async def _refresh(self) -> Catalog:
        async with self._lock:
            now = self._clock()
            catalog = self._catalog
            if catalog is not None and now < self._next_check:
                return catalog  # another reader refreshed while this one waited
            generation = self._generation
            version = await self._read_version(catalog)
            if (
                catalog is None
                or catalog.version != version
                or self._built_generation != generation
                or now - self._built_at >= self._max_age
            ):
                catalog = await self._loader(version)
                self._catalog, self._built_at = catalog, now
                self._built_generation = generation
            if self._generation == generation:
                self._next_check = now + self._check_every
            return catalog

    async def _read_version(self, catalog: Catalog | None) -> str:
        try:
            return await self._store().get(VERSION_KEY) or "none"
        except Exception:
            logger.exception("catalogue version unreadable; serving the catalogue held")
            return "unknown" if catalog is None else catalog.version
