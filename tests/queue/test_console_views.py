"""What the staff console reads: the windows a clerk may use, the window with its waiting
list, and the hall display board with its live stream."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from gateway.schemas import StaffScope
from tests.appointments.factories import hall_staff, invoke, make_place, ok, staff
from tests.queue.conftest import QueuePlace
from tests.queue.helpers import at_window, take
from tests.queue.test_live import events_of


class TestWindowChoice:
    @pytest.mark.asyncio
    async def test_a_clerk_sees_only_the_windows_of_the_halls_in_scope(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        other = await make_place()
        mine = ok(await invoke(app, "queue", "my-windows", {}, hall_staff(qp.hall)))
        assert [w["id"] for w in mine] == [qp.window.id]
        assert mine[0]["hall_name"] == qp.hall.name
        everywhere = ok(await invoke(app, "queue", "my-windows", {}, staff(StaffScope())))
        assert {w["id"] for w in everywhere} == {qp.window.id, other.window.id}

    @pytest.mark.asyncio
    async def test_a_role_without_queue_call_is_refused(self, app: FastAPI, qp: QueuePlace) -> None:
        auditor = staff(StaffScope(), permissions=frozenset({"audit.read"}))
        for action in ("my-windows", "desk"):
            assert (await invoke(app, "queue", action, {}, auditor)).code == "PERMISSION_DENIED"


class TestDesk:
    @pytest.mark.asyncio
    async def test_the_window_shows_its_number_and_the_waiting_in_serving_order(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        clerk = hall_staff(qp.hall)
        assert ok(await invoke(app, "queue", "desk", {}, clerk))["session"] is None
        first = await take(app, 1, qp.queue.id)
        second = await take(app, 2, qp.queue.id)
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        desk = await at_window(app, clerk, "desk")
        assert desk["current"] is None
        assert [t["label"] for t in desk["waiting"]] == [first["label"], second["label"]]
        assert desk["queues"][0]["waiting"] == 2
        await at_window(app, clerk, "call-next")
        desk = await at_window(app, clerk, "desk")
        assert desk["session"]["window_id"] == qp.window.id
        assert desk["current"]["label"] == first["label"]
        assert [t["label"] for t in desk["waiting"]] == [second["label"]]


class TestBoard:
    @pytest.mark.asyncio
    async def test_the_board_shows_the_numbers_called_and_their_windows(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        clerk = hall_staff(qp.hall)
        first = await take(app, 1, qp.queue.id)
        await take(app, 2, qp.queue.id)
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        await at_window(app, clerk, "call-next")
        board = ok(await invoke(app, "queue", "board", {"hall_id": qp.hall.id}))
        assert board["hall_name"] == qp.hall.name
        assert [(c["label"], c["window_name"]) for c in board["calling"]] == [
            (first["label"], qp.window.name)
        ]
        assert board["waiting"] == 1
        await at_window(app, clerk, "finish")
        board = ok(await invoke(app, "queue", "board", {"hall_id": qp.hall.id}))
        assert board["calling"] == []

    @pytest.mark.asyncio
    async def test_the_board_stream_follows_calls_and_recalls(
        self, app: FastAPI, qp: QueuePlace, client: httpx.AsyncClient
    ) -> None:
        clerk = hall_staff(qp.hall)
        first = await take(app, 1, qp.queue.id)
        await at_window(app, clerk, "window-sign-in", {"window_id": qp.window.id})
        url = f"/api/v1/queue/halls/{qp.hall.id}/board/events?max_events=3"
        stream = asyncio.create_task(client.get(url, timeout=20))
        await asyncio.sleep(0.3)
        await at_window(app, clerk, "call-next")
        await asyncio.sleep(1.2)
        await at_window(app, clerk, "recall")
        response = await stream
        assert response.headers["content-type"].startswith("text/event-stream")
        seen = [
            [(c["label"], c["recalls"]) for c in e["calling"]]  # type: ignore[attr-defined]
            for e in events_of(response.text)
        ]
        assert seen == [[], [(first["label"], 0)], [(first["label"], 1)]]

    @pytest.mark.asyncio
    async def test_an_unknown_hall_has_no_board(self, app: FastAPI, db: None) -> None:
        assert (await invoke(app, "queue", "board", {"hall_id": 999})).code == "HALL_NOT_FOUND"
