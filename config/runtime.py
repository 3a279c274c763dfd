"""The process-wide resources: settings, store and outbound HTTP, opened once and shared."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from config import database, jobs
from config.settings import Settings
from config.store import Store, open_store

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    store: Store
    http: httpx.AsyncClient
    extras: dict[str, object] = field(default_factory=dict)


_current: Runtime | None = None


def runtime() -> Runtime:
    if _current is None:
        raise RuntimeError("runtime not started: use config.runtime.started()")
    return _current


def default_http_client() -> httpx.AsyncClient:
    """One pooled client with explicit timeouts for calls to the platforms."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(5.0, connect=3.0),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )


@asynccontextmanager
async def started(
    settings: Settings,
    *,
    http: httpx.AsyncClient | None = None,
    with_db: bool = True,
    with_broker: bool = True,
) -> AsyncIterator[Runtime]:
    """Opens everything the app and workers need and closes it in reverse order."""
    global _current
    async with AsyncExitStack() as stack:
        if with_db:
            await database.init_db(settings)
            stack.push_async_callback(database.close_db)
        store = await stack.enter_async_context(
            open_store(settings.redis_url, settings.redis_prefix)
        )
        client = http or default_http_client()
        if http is None:
            stack.push_async_callback(client.aclose)
        if with_broker and not jobs.broker.is_worker_process:
            await jobs.broker.startup()
            stack.push_async_callback(jobs.broker.shutdown)
        _current = Runtime(settings=settings, store=store, http=client)
        try:
            yield _current
            await jobs.drain()  # jobs run in process finish before what they use is closed
        finally:
            _current = None


def run_in_runtime(work: Callable[[], Awaitable[T]]) -> T:
    """Runs a command's coroutine with the runtime open (database, store; no job broker), for
    the CLI commands that reach the database."""
    from config.settings import get_settings

    async def run() -> T:
        async with started(get_settings(), with_broker=False):
            return await work()

    return asyncio.run(run())
