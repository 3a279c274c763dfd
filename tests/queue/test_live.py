"""The live stream of one number: server-sent events as it moves up and is called."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from channels.identity.tokens import encode_access_token
from config.runtime import Runtime
from gateway.errors import GovError
from services.queue import live
from services.queue.service import queue
from tests.appointments.factories import citizen, hall_staff, invoke
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


class TestManyStreams:
    @pytest.mark.asyncio
    async def test_one_call_moves_every_stream_of_the_queue_up(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        clerk = hall_staff(qp.hall)
        numbers = [await take(app, citizen_id, qp.queue.id) for citizen_id in (1, 2, 3, 4)]
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        streams = [
            asyncio.create_task(
                client.get(
                    f"/api/v1/queue/numbers/{number['id']}/events?max_events=2",
                    headers=bearer(citizen_id),
                    timeout=20,
                )
            )
            for citizen_id, number in zip((2, 3, 4), numbers[1:], strict=True)
        ]
        await asyncio.sleep(0.5)
        await at_window(app, clerk, "call-next")  # resident 1's number
        seen = [
            [(e["status"], e["ahead"]) for e in events_of((await stream).text)]
            for stream in streams
        ]
        assert seen == [
            [("waiting", 1), ("waiting", 0)],
            [("waiting", 2), ("waiting", 1)],
            [("waiting", 3), ("waiting", 2)],
        ]


class TestChanges:
    @pytest.mark.asyncio
    async def test_readers_share_one_load_until_a_change_is_announced(self, db: None) -> None:
        changes = live.changes()
        loads: list[int] = []

        async def load() -> int:
            loads.append(1)
            await asyncio.sleep(0.05)
            return len(loads)

        with changes.watching([7]) as woken:
            await asyncio.wait_for(changes.subscribed.wait(), 5)
            woken.clear()
            first = await asyncio.gather(*(changes.shared("k", [7], load) for _ in range(20)))
            assert (first, loads) == ([1] * 20, [1])
            assert await changes.shared("k", [7], load) == 1
            await live.touch(7)  # through the store's channel, as from another process
            await asyncio.wait_for(woken.wait(), 5)
            assert await changes.shared("k", [7], load) == 2

    @pytest.mark.asyncio
    async def test_only_the_streams_of_the_changed_queue_wake(self, db: None) -> None:
        changes = live.changes()
        with changes.watching([1]) as one, changes.watching([2]) as two:
            await asyncio.wait_for(changes.subscribed.wait(), 5)
            one.clear()
            two.clear()
            await live.touch(2)
            await asyncio.wait_for(two.wait(), 5)
            assert not one.is_set()


async def stream_ticket(client: httpx.AsyncClient, citizen_id: int, ticket_id: int) -> Any:
    """A stream ticket asked for over HTTP, as an H5 page does with its access token."""
    response = await client.post(
        "/api/v1/services/queue/stream-ticket",
        json={"ticket_id": ticket_id},
        headers=bearer(citizen_id),
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (200, "OK"), body
    return body["data"]


def refused(response: httpx.Response, ticket: str) -> bool:
    return (
        response.status_code == 401
        and response.json()["code"] == "QUEUE_STREAM_TICKET_INVALID"
        and ticket not in response.text
    )


class TestStreamTicket:
    @pytest.mark.asyncio
    async def test_a_ticket_opens_the_stream_once_without_a_header(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        got = await stream_ticket(client, 1, mine["id"])
        assert got["url"] == f"/api/v1/queue/numbers/{mine['id']}/events?ticket={got['ticket']}"
        assert got["expires_in"] == queue.settings.stream_ticket_seconds
        response = await client.get(got["url"] + "&max_events=1", timeout=10)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert [(e["id"], e["status"]) for e in events_of(response.text)] == [
            (mine["id"], "waiting")
        ]
        again = await client.get(got["url"] + "&max_events=1", timeout=10)
        assert refused(again, got["ticket"])

    @pytest.mark.asyncio
    async def test_an_expired_or_unknown_ticket_is_refused(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient, rt: Runtime
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        got = await stream_ticket(client, 1, mine["id"])
        key = live.stream_ticket_key(got["ticket"])
        left = await rt.store.ttl(key)
        assert left is not None
        assert 0 < left <= queue.settings.stream_ticket_seconds
        await rt.store.delete(key)  # what the store does once the TTL runs out
        response = await client.get(got["url"] + "&max_events=1", timeout=10)
        assert refused(response, got["ticket"])
        made_up = "x" * 32
        url = f"/api/v1/queue/numbers/{mine['id']}/events?ticket={made_up}&max_events=1"
        assert refused(await client.get(url, timeout=10), made_up)

    @pytest.mark.asyncio
    async def test_a_ticket_for_another_number_is_refused_and_spent(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        theirs = await take(app, 2, qp.queue.id)
        got = await stream_ticket(client, 1, mine["id"])
        url = f"/api/v1/queue/numbers/{theirs['id']}/events?ticket={got['ticket']}&max_events=1"
        assert refused(await client.get(url, timeout=10), got["ticket"])
        response = await client.get(got["url"] + "&max_events=1", timeout=10)
        assert refused(response, got["ticket"])

    @pytest.mark.asyncio
    async def test_only_the_holder_gets_a_ticket(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        mine = await take(app, 1, qp.queue.id)
        params = {"ticket_id": mine["id"]}
        stranger = await invoke(app, "queue", "stream-ticket", params, citizen(2))
        assert stranger.code == "QUEUE_NUMBER_NOT_FOUND"
        anonymous = await invoke(app, "queue", "stream-ticket", params)
        assert anonymous.code == "LOGIN_REQUIRED"

    @pytest.mark.asyncio
    async def test_concurrent_uses_of_one_ticket_let_exactly_one_in(self, db: None) -> None:
        ticket = await live.issue_stream_ticket(1, 42, ttl=60)
        outcomes = await asyncio.gather(
            *(live.redeem_stream_ticket(ticket, 42, ttl=60) for _ in range(8)),
            return_exceptions=True,
        )
        assert [o for o in outcomes if not isinstance(o, GovError)] == [1]
        assert all(
            o.code == "QUEUE_STREAM_TICKET_INVALID" for o in outcomes if isinstance(o, GovError)
        )
