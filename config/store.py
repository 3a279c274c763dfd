"""A small key-value contract over Redis, with an in-process twin for the embedded default.

Only what GovHub needs: TTL keys, atomic counters, locks, rate-limit windows and fire-and-forget
messages between processes. The database stays the source of truth; anything here may be lost
with Redis and rebuilt.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub

from config.group_commit import GroupCommit


class LockNotAcquired(RuntimeError):
    """Another holder kept the lock for longer than we were willing to wait."""


@dataclass(frozen=True, slots=True)
class WindowResult:
    """Outcome of counting one hit in a fixed rate-limit window."""

    allowed: bool
    count: int
    retry_after: int


@dataclass(frozen=True, slots=True)
class WindowHit:
    """One rate-limit window to count a hit in: at most `limit` per `window` seconds."""

    key: str
    limit: int
    window: int


class Store(Protocol):
    """What the rest of the code may ask of Redis. Keys and values are plain strings."""

    async def get(self, key: str) -> str | None:
        """The value, or None when missing or expired."""

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        """Stores a value, expiring after `ttl` seconds when given."""

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Stores only when the key is missing; True when this call stored it."""

    async def delete(self, *keys: str) -> None:
        """Removes keys; missing ones are ignored."""

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Adds atomically and returns the new value; `ttl` is set when the key is created."""

    async def incr_existing(self, key: str, amount: int = 1) -> int | None:
        """Adds atomically only when the key exists (its expiry kept): the new value, or None
        for a missing key, which stays missing, so the caller can seed it from the record."""

    async def ttl(self, key: str) -> float | None:
        """Seconds left, or None for a missing key or one that never expires."""

    async def hit_window(self, key: str, limit: int, window: int) -> WindowResult:
        """Counts one hit in the current fixed window of `window` seconds."""

    async def hit_windows(self, hits: Sequence[WindowHit]) -> list[WindowResult]:
        """Counts one hit in each window at once (one round trip), results in the same order."""

    def lock(self, key: str, ttl: float = 10.0, wait: float = 5.0) -> LockContext:
        """An exclusive lock held at most `ttl` seconds; waits up to `wait` to get it."""

    async def publish(self, channel: str, message: str) -> None:
        """Sends `message` to every subscription of `channel` open now, in any process."""

    async def subscribe(self, channel: str) -> Subscription:
        """Messages published to `channel` from now on, until the subscription is closed. Not
        durable: what is published while no one listens, or while Redis is unreachable, is
        lost, so a subscriber must also catch up from the record now and then."""

    async def ping(self) -> None:
        """Raises when the backing service cannot be reached."""

    async def close(self) -> None:
        """Releases connections."""


class Subscription(Protocol):
    """`async for message in subscription:` until `close()`; a lost connection raises."""

    def __aiter__(self) -> AsyncIterator[str]: ...

    async def close(self) -> None: ...


class LockContext(Protocol):
    async def __aenter__(self) -> None: ...

    async def __aexit__(self, *exc: object) -> None: ...


def _window_key(key: str, window: int) -> tuple[str, int]:
    now = int(time.time())
    start = now - now % window
    return f"{key}:{start}", start + window - now


class MemoryStore:
    """The embedded store: one process, one dict. Refused when several workers are asked for."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._channels: dict[str, set[asyncio.Queue[str]]] = {}

    def _live(self, key: str) -> tuple[str, float | None] | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] is not None and item[1] <= time.monotonic():
            del self._data[key]
            return None
        return item

    @staticmethod
    def _deadline(ttl: float | None) -> float | None:
        return None if ttl is None else time.monotonic() + ttl

    async def get(self, key: str) -> str | None:
        item = self._live(key)
        return None if item is None else item[0]

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self._data[key] = (value, self._deadline(ttl))
        if len(self._data) > 100_000:
            self._evict_expired()

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        if self._live(key) is not None:
            return False
        self._data[key] = (value, self._deadline(ttl))
        return True

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        item = self._live(key)
        if item is None:
            value, deadline = amount, self._deadline(ttl)
        else:
            value, deadline = int(item[0]) + amount, item[1]
        self._data[key] = (str(value), deadline)
        return value

    async def incr_existing(self, key: str, amount: int = 1) -> int | None:
        if self._live(key) is None:
            return None
        return await self.incr(key, amount)

    async def ttl(self, key: str) -> float | None:
        item = self._live(key)
        if item is None or item[1] is None:
            return None
        return max(0.0, item[1] - time.monotonic())

    async def hit_window(self, key: str, limit: int, window: int) -> WindowResult:
        window_key, remaining = _window_key(key, window)
        count = await self.incr(window_key, ttl=window)
        return WindowResult(count <= limit, count, remaining)

    async def hit_windows(self, hits: Sequence[WindowHit]) -> list[WindowResult]:
        return [await self.hit_window(h.key, h.limit, h.window) for h in hits]

    def lock(self, key: str, ttl: float = 10.0, wait: float = 5.0) -> LockContext:
        return _MemoryLock(self._locks.setdefault(key, asyncio.Lock()), wait)

    async def publish(self, channel: str, message: str) -> None:
        for inbox in self._channels.get(channel, ()):
            inbox.put_nowait(message)

    async def subscribe(self, channel: str) -> Subscription:
        inbox: asyncio.Queue[str] = asyncio.Queue()
        self._channels.setdefault(channel, set()).add(inbox)
        return _MemorySubscription(self._channels, channel, inbox)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._data.clear()

    def _evict_expired(self) -> None:
        now = time.monotonic()
        for key in [k for k, (_, d) in self._data.items() if d is not None and d <= now]:
            del self._data[key]


class _MemoryLock:
    def __init__(self, lock: asyncio.Lock, wait: float) -> None:
        self._lock = lock
        self._wait = wait

    async def __aenter__(self) -> None:
        try:
            await asyncio.wait_for(self._lock.acquire(), self._wait)
        except TimeoutError:
            raise LockNotAcquired("lock busy") from None

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()


class _MemorySubscription:
    def __init__(
        self, channels: dict[str, set[asyncio.Queue[str]]], channel: str, inbox: asyncio.Queue[str]
    ) -> None:
        self._channels = channels
        self._channel = channel
        self._inbox = inbox

    async def __aiter__(self) -> AsyncIterator[str]:
        while True:
            yield await self._inbox.get()

    async def close(self) -> None:
        inboxes = self._channels.get(self._channel, set())
        inboxes.discard(self._inbox)
        if not inboxes:
            self._channels.pop(self._channel, None)


_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

_INCR_WITH_TTL = """
local value = redis.call('incrby', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('pttl', KEYS[1]) == -1 then
  redis.call('pexpire', KEYS[1], ARGV[2])
end
return value
"""


_INCR_EXISTING = """
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
return false
"""


_INCR_MANY_WITH_TTL = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('incr', key)
  if counts[i] == 1 then redis.call('pexpire', key, ARGV[i]) end
end
return counts
"""


@dataclass(frozen=True, slots=True)
class _WindowCounts:
    """The window keys one request counts a hit in, with their lifetimes."""

    keys: tuple[str, ...]
    ttls_ms: tuple[int, ...]


class RedisStore:
    """The production store; every operation is atomic on the server and costs at most one
    round trip. Reads and rate-limit hits of concurrent requests share theirs (one MGET, one
    script call): on the gateway's path they come with nearly every request."""

    def __init__(self, url: str, prefix: str = "govhub:") -> None:
        # A blocking pool makes a burst wait for a free connection instead of failing.
        pool = BlockingConnectionPool.from_url(
            url, decode_responses=True, socket_timeout=5, max_connections=64, timeout=5
        )
        self.redis: Redis = Redis(connection_pool=pool)
        self.prefix = prefix
        self._incr = self.redis.register_script(_INCR_WITH_TTL)
        self._release = self.redis.register_script(_RELEASE)
        self._incr_many = self.redis.register_script(_INCR_MANY_WITH_TTL)
        self._incr_existing = self.redis.register_script(_INCR_EXISTING)
        # Rate-limit hits of concurrent requests share one script call: every request of the
        # gateway counts a hit, so under load this is the store's hottest round trip.
        self._window_hits: GroupCommit[_WindowCounts, list[int]] = GroupCommit(
            self._count_window_hits, max_rows=128, name="rate-limit-windows"
        )
        # Reads of concurrent requests (a revoked-session check on every signed-in call) share
        # one MGET; each is still answered only after a read made once it was asked.
        self._reads: GroupCommit[str, str | None] = GroupCommit(
            self._read_many, max_rows=256, name="store-reads"
        )

    def _k(self, key: str) -> str:
        return self.prefix + key

    async def get(self, key: str) -> str | None:
        return await self._reads.submit(self._k(key))

    async def _read_many(self, keys: list[str]) -> list[str | None]:
        values = await self.redis.mget(keys)
        return [None if value is None else str(value) for value in values]

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        await self.redis.set(self._k(key), value, px=None if ttl is None else int(ttl * 1000))

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        px = None if ttl is None else int(ttl * 1000)
        return bool(await self.redis.set(self._k(key), value, px=px, nx=True))

    async def delete(self, *keys: str) -> None:
        if keys:
            await self.redis.delete(*(self._k(k) for k in keys))

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        ttl_ms = 0 if ttl is None else int(ttl * 1000)
        return int(await self._incr(keys=[self._k(key)], args=[amount, ttl_ms]))

    async def incr_existing(self, key: str, amount: int = 1) -> int | None:
        value = await self._incr_existing(keys=[self._k(key)], args=[amount])
        return None if value is None else int(value)

    async def ttl(self, key: str) -> float | None:
        millis = int(await self.redis.pttl(self._k(key)))
        return None if millis < 0 else millis / 1000

    async def hit_window(self, key: str, limit: int, window: int) -> WindowResult:
        return (await self.hit_windows([WindowHit(key, limit, window)]))[0]

    async def hit_windows(self, hits: Sequence[WindowHit]) -> list[WindowResult]:
        keyed = [(_window_key(h.key, h.window), h) for h in hits]
        counts = await self._window_hits.submit(
            _WindowCounts(
                keys=tuple(self._k(window_key) for (window_key, _), _ in keyed),
                ttls_ms=tuple(h.window * 1000 for h in hits),
            )
        )
        return [
            WindowResult(count <= h.limit, count, remaining)
            for ((_, remaining), h), count in zip(keyed, counts, strict=True)
        ]

    async def _count_window_hits(self, requests: list[_WindowCounts]) -> list[list[int]]:
        """One script call for the hits of many requests; the script increments key after key,
        so two requests hitting the same window still get consecutive, exact counts."""
        counts = await self._incr_many(
            keys=[key for request in requests for key in request.keys],
            args=[ttl for request in requests for ttl in request.ttls_ms],
        )
        answers: list[list[int]] = []
        start = 0
        for request in requests:
            answers.append([int(c) for c in counts[start : start + len(request.keys)]])
            start += len(request.keys)
        return answers

    def lock(self, key: str, ttl: float = 10.0, wait: float = 5.0) -> LockContext:
        return _RedisLock(self, self._k("lock:" + key), ttl, wait)

    async def publish(self, channel: str, message: str) -> None:
        await self.redis.publish(self._k(channel), message)

    async def subscribe(self, channel: str) -> Subscription:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._k(channel))
        return _RedisSubscription(pubsub)

    async def ping(self) -> None:
        await self.redis.ping()

    async def close(self) -> None:
        await self.redis.aclose()


class _RedisLock:
    """SET NX PX with a random token, released only by its holder (a Lua compare-and-delete)."""

    def __init__(self, store: RedisStore, key: str, ttl: float, wait: float) -> None:
        self._store = store
        self._key = key
        self._ttl_ms = int(ttl * 1000)
        self._wait = wait
        self._token = secrets.token_hex(16)

    async def __aenter__(self) -> None:
        deadline = time.monotonic() + self._wait
        delay = 0.005
        while True:
            if await self._store.redis.set(self._key, self._token, px=self._ttl_ms, nx=True):
                return
            if time.monotonic() >= deadline:
                raise LockNotAcquired(self._key)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    async def __aexit__(self, *exc: object) -> None:
        await self._store._release(keys=[self._key], args=[self._token])


class _RedisSubscription:
    """One pub/sub connection of the pool, held until `close()`."""

    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def __aiter__(self) -> AsyncIterator[str]:
        while True:
            # A short wait rather than `listen()`: an idle channel must not trip the
            # connection's socket timeout.
            message = await self._pubsub.get_message(timeout=1.0)
            if message is not None and message["type"] == "message":
                yield str(message["data"])

    async def close(self) -> None:
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]


@asynccontextmanager
async def open_store(redis_url: str | None, prefix: str = "govhub:") -> AsyncIterator[Store]:
    store: Store = MemoryStore() if redis_url is None else RedisStore(redis_url, prefix)
    try:
        yield store
    finally:
        await store.close()
