"""A small in-process cache with expiry, for rows read on every number taken (queues, halls,
opening hours, the wait estimate's basis). Each process keeps its own; entries live seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Expiring(Generic[K, V]):
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, else `load()`'s; concurrent misses of one key share one load (a
        call wakes every live stream of a queue at once, and each reads the same rows)."""
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(load())
            self._loading[key] = loading
            loading.add_done_callback(lambda done: self._loaded(key, now, done))
        return await asyncio.shield(loading)

    def _loaded(self, key: K, now: float, done: asyncio.Future[V]) -> None:
        if self._loading.get(key) is not done:
            return  # forgotten while it loaded: the value may predate the change
        del self._loading[key]
        if done.cancelled() or done.exception() is not None or self.seconds <= 0:
            return
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[key] = (now + self.seconds, done.result())

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)
        self._loading.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
        self._loading.clear()
