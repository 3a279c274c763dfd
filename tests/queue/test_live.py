"""The live stream of one number: server-sent events as it moves up and is called."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from channels.identity.tokens import encode_access_token
from tests.appointments.factories import citizen, hall_staff
from tests.queue.conftest import QueuePlace
from tests.queue.helpers import at_window, take


def bearer(citizen_id: int) -> dict[str, str]:
    token = encode_access_token(citizen(citizen_id), datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


def events_of(body: str) -> list[dict[str, object]]:
    return [
        json.loads(line.removeprefix("data: "))
        for block in body.split("\n\n")
        for line in block.splitlines()
        if line.startswith("data: ")
    ]


class TestLiveNumber:
    @pytest.mark.asyncio
    async def test_events_follow_the_number_until_it_is_called(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        clerk = hall_staff(qp.hall)
        await take(app, 1, qp.queue.id)
        mine = await take(app, 2, qp.queue.id)
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        url = f"/api/v1/queue/numbers/{mine['id']}/events?max_events=3"
        stream = asyncio.create_task(client.get(url, headers=bearer(2), timeout=20))
        await asyncio.sleep(0.3)
        await at_window(app, clerk, "call-next")  # the one ahead is called
        await asyncio.sleep(1.2)
        await at_window(app, clerk, "finish")
        await at_window(app, clerk, "call-next")  # now mine
        response = await stream
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        seen = [(e["status"], e["ahead"]) for e in events_of(response.text)]
        assert seen == [("waiting", 1), ("waiting", 0), ("called", 0)]

    @pytest.mark.asyncio
    async def test_stream_ends_when_the_number_is_finished(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        await at_window(app, hall_staff(qp.hall), "window-sign-in", {"window_id": qp.window.id})
        await at_window(app, hall_staff(qp.hall), "call-next")
        await at_window(app, hall_staff(qp.hall), "finish")
        url = f"/api/v1/queue/numbers/{mine['id']}/events"
        response = await client.get(url, headers=bearer(1), timeout=10)
        assert [e["status"] for e in events_of(response.text)] == ["done"]

    @pytest.mark.asyncio
    async def test_only_the_holder_may_watch(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        url = f"/api/v1/queue/numbers/{mine['id']}/events"
        stranger = await client.get(url, headers=bearer(2))
        assert (stranger.status_code, stranger.json()["code"]) == (404, "QUEUE_NUMBER_NOT_FOUND")
        anonymous = await client.get(url)
        assert (anonymous.status_code, anonymous.json()["code"]) == (401, "LOGIN_REQUIRED")
