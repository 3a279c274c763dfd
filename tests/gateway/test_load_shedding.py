"""Past the in-flight limit a process refuses new invocations at once, in the error envelope."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from gateway.models import AuditLog
from gateway.service import Gateway
from tests.gateway.conftest import Calls, demo_app, demo_client

LIMIT = 3


@pytest_asyncio.fixture
async def small(demo_gateway: Gateway, calls: Calls) -> AsyncIterator[httpx.AsyncClient]:
    calls.hold_until = LIMIT
    async with demo_client(demo_app(demo_gateway, max_in_flight=LIMIT)) as client:
        yield client


async def fill(client: httpx.AsyncClient, calls: Calls) -> list[asyncio.Task[httpx.Response]]:
    """`LIMIT` invocations held in flight."""
    held = [
        asyncio.create_task(client.post("/api/v1/services/demo/hold", json={}))
        for _ in range(LIMIT)
    ]
    await calls.held.wait()
    return held


class TestShedding:
    @pytest.mark.asyncio
    async def test_past_the_limit_a_request_is_refused_busy(
        self, small: httpx.AsyncClient, calls: Calls
    ) -> None:
        held = await fill(small, calls)
        extra = await asyncio.gather(
            *(small.post("/api/v1/services/demo/echo", json={"text": "hi"}) for _ in range(5))
        )
        for response in extra:
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            body = response.json()
            assert body["code"] == "SERVER_BUSY"
            assert body["data"] == {"retry_after": 1}
            assert body["request_id"] == response.headers["x-request-id"]
            assert "1" in body["message"]
        calls.release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200] * LIMIT

    @pytest.mark.asyncio
    async def test_the_refusal_speaks_the_callers_language(
        self, small: httpx.AsyncClient, calls: Calls
    ) -> None:
        held = await fill(small, calls)
        en = await small.post(
            "/api/v1/services/demo/echo", json={"text": "hi"}, headers={"Accept-Language": "en"}
        )
        zh = await small.post("/api/v1/services/demo/echo", json={"text": "hi"})
        calls.release.set()
        await asyncio.gather(*held)
        assert en.json()["message"] == "Too many requests at once; retry in 1 s"
        assert zh.json()["message"] == "当前办理人数较多，请 1 秒后再试"

    @pytest.mark.asyncio
    async def test_a_refused_request_is_not_run(
        self, small: httpx.AsyncClient, calls: Calls, demo_gateway: Gateway
    ) -> None:
        held = await fill(small, calls)
        refused = await small.post("/api/v1/services/demo/submit", json={"text": "x"})
        assert refused.status_code == 503
        calls.release.set()
        await asyncio.gather(*held)
        await demo_gateway.audit.flush()
        assert calls.count == 0
        assert await AuditLog.filter(action="submit").count() == 0

    @pytest.mark.asyncio
    async def test_answered_requests_free_their_places(
        self, small: httpx.AsyncClient, calls: Calls
    ) -> None:
        held = await fill(small, calls)
        calls.release.set()
        await asyncio.gather(*held)
        again = await asyncio.gather(
            *(small.post("/api/v1/services/demo/echo", json={"text": "hi"}) for _ in range(LIMIT))
        )
        assert [r.status_code for r in again] == [200] * LIMIT

    @pytest.mark.asyncio
    async def test_failed_invocations_free_their_places_too(self, small: httpx.AsyncClient) -> None:
        for _ in range(LIMIT + 1):
            assert (await small.post("/api/v1/services/demo/boom", json={})).status_code == 500
            assert (await small.post("/api/v1/services/demo/echo", content=b"{")).status_code == 400
        assert (
            await small.post("/api/v1/services/demo/echo", json={"text": "a"})
        ).status_code == 200

    @pytest.mark.asyncio
    async def test_other_routes_are_not_counted(
        self, small: httpx.AsyncClient, calls: Calls
    ) -> None:
        held = await fill(small, calls)
        listing = await small.get("/api/v1/services")
        calls.release.set()
        await asyncio.gather(*held)
        assert listing.status_code == 200
