"""The bench app plus the baseline of the streams benchmark: a bare server-sent events route fed
by an in-process broadcast, with a route that publishes to it.

Only `bench/streams.py` serves this factory; the production app never carries the routes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.responses import StreamingResponse

from bench.app import create_bench_app

router = APIRouter(prefix="/bench", include_in_schema=False)


class Broadcast:
    """The least a server can do to wake every stream: one event, replaced at each publish."""

    def __init__(self) -> None:
        self.version = 0
        self._changed: asyncio.Event | None = None

    def publish(self) -> int:
        self.version += 1
        changed, self._changed = self._changed, None
        if changed is not None:
            changed.set()
        return self.version

    async def wait(self, seen: int) -> int:
        while self.version == seen:
            if self._changed is None:
                self._changed = asyncio.Event()
            await self._changed.wait()
        return self.version


_broadcast = Broadcast()


async def _events() -> AsyncIterator[bytes]:
    seen = _broadcast.version
    yield b"retry: 3000\n\nevent: tick\ndata: %d\n\n" % seen
    while True:
        seen = await _broadcast.wait(seen)
        yield b"event: tick\ndata: %d\n\n" % seen


@router.get("/sse")
async def sse() -> StreamingResponse:
    """A bare event stream: one `tick` at once, then one per publish."""
    return StreamingResponse(
        _events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/sse-publish")
async def sse_publish() -> dict[str, Any]:
    """Wakes every bare stream."""
    return {"code": "OK", "message": "OK", "data": {"version": _broadcast.publish()}}


def create_streams_bench_app() -> FastAPI:
    app = create_bench_app()
    app.include_router(router)
    return app
