"""A small in-process cache with expiry, for rows read on nearly every request: the queue's
queues, halls, opening hours and wait basis for every number taken; an application's workflow
for every view of it. Each process keeps its own; entries live seconds to minutes.

Under load many requests find the same entry expired at the same moment. Only one of them
loads it again: while it does, the others answer from the entry that just expired (seconds
old, as every cached value is), or, when there is none yet, wait for that one load. So an
expiry costs one load instead of one per waiting request, and no request queues behind a
burst of identical queries.
"""

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
        self._generation = 0  # bumped by `clear`: a load begun before it is not kept

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        while True:
            now = self._clock()
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                return entry[1]
            loading = self._loading.get(key)
            if loading is None:
                return await self._load(key, load, now)
            if entry is not None:
                return entry[1]  # being loaded again by another request
            try:
                return await asyncio.shield(loading)
            except asyncio.CancelledError:
                if not loading.cancelled():
                    raise  # this request was cancelled
                # the loading request was cancelled: try again, perhaps as the loader

    async def _load(self, key: K, load: Callable[[], Awaitable[V]], now: float) -> V:
        loading: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = loading
        generation = self._generation
        try:
            value = await load()
        except BaseException as error:
            if isinstance(error, asyncio.CancelledError):
                loading.cancel()
            else:
                loading.set_exception(error)
                loading.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            if self._loading.get(key) is loading:
                del self._loading[key]
        if self.seconds > 0 and generation == self._generation:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (now + self.seconds, value)
        loading.set_result(value)
        return value

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
        self._generation += 1
