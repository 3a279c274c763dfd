"""The thin invocation path keeps every rule: path names checked, batched audit rows complete."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from tortoise.exceptions import ValidationError

from gateway.audit import AuditSink, insert_rows
from gateway.models import AuditLog


def audit_entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "request_id": "hot-1",
        "channel": "web",
        "actor_type": "anonymous",
        "actor_id": None,
        "service": "catalog",
        "action": "item",
        "outcome": "OK",
        "status": 200,
        "latency_ms": 1.5,
        "client_ip": "10.1.2.3",
        "params": {"region": "350203"},
    }
    entry.update(changes)
    return entry


@pytest_asyncio.fixture
async def batched_sink(db: None) -> AsyncIterator[AuditSink]:
    sink = AuditSink(flush_every=60)  # flushed by the test, not by the clock
    sink.start()
    yield sink
    await sink.stop()


class TestPathNames:
    @pytest.mark.asyncio
    async def test_a_name_longer_than_64_is_invalid(self, client: httpx.AsyncClient) -> None:
        response = await client.post(f"/api/v1/services/{'s' * 65}/item", json={})
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "VALIDATION_FAILED"
        assert body["data"][0]["field"] == "path.service"
        assert body["data"][0]["type"] == "string_too_long"
        assert body["request_id"] == response.headers["x-request-id"]

    @pytest.mark.asyncio
    async def test_the_action_name_is_checked_too(self, client: httpx.AsyncClient) -> None:
        response = await client.post(f"/api/v1/services/catalog/{'a' * 65}", json={})
        assert response.status_code == 422
        assert response.json()["data"][0]["field"] == "path.action"

    @pytest.mark.asyncio
    async def test_64_characters_reach_the_pipeline(self, client: httpx.AsyncClient) -> None:
        response = await client.post(f"/api/v1/services/{'s' * 64}/item", json={})
        assert response.status_code == 404
        assert response.json()["code"] == "UNKNOWN_SERVICE"

    @pytest.mark.asyncio
    async def test_openapi_still_documents_the_path(self, client: httpx.AsyncClient) -> None:
        schema = (await client.get("/openapi.json")).json()
        operation = schema["paths"]["/api/v1/services/{service}/{action}"]["post"]
        limits = {p["name"]: p["schema"].get("maxLength") for p in operation["parameters"]}
        assert limits == {"service": 64, "action": 64}


class TestRequestId:
    @pytest.mark.asyncio
    async def test_generated_id_is_32_hex_digits(self, client: httpx.AsyncClient) -> None:
        first = await client.get("/healthz")
        second = await client.get("/healthz")
        ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
        assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
        assert ids[0] != ids[1]


class TestImmediateAudit:
    @pytest.mark.asyncio
    async def test_the_row_is_stored_when_write_returns(self, batched_sink: AuditSink) -> None:
        await batched_sink.write(immediate=True, **audit_entry(request_id="now-1"))
        assert await AuditLog.filter(request_id="now-1").count() == 1

    @pytest.mark.asyncio
    async def test_concurrent_rows_are_each_stored_before_their_answer(
        self, batched_sink: AuditSink
    ) -> None:
        async def write_then_count(n: int) -> int:
            await batched_sink.write(immediate=True, **audit_entry(request_id=f"now-{n}"))
            return await AuditLog.filter(request_id=f"now-{n}").count()

        assert await asyncio.gather(*(write_then_count(n) for n in range(30))) == [1] * 30

    @pytest.mark.asyncio
    async def test_a_bad_row_fails_only_its_own_write(self, batched_sink: AuditSink) -> None:
        results = await asyncio.gather(
            batched_sink.write(immediate=True, **audit_entry(request_id="now-1")),
            batched_sink.write(immediate=True, **audit_entry(request_id="r" * 65)),
            batched_sink.write(immediate=True, **audit_entry(request_id="now-2")),
            return_exceptions=True,
        )
        assert [type(r) for r in results] == [type(None), ValidationError, type(None)]
        assert sorted(r.request_id for r in await AuditLog.all()) == ["now-1", "now-2"]

    @pytest.mark.asyncio
    async def test_stopping_writes_the_rows_handed_in(self, db: None) -> None:
        sink = AuditSink(flush_every=60)
        sink.start()
        writes = [
            asyncio.ensure_future(sink.write(immediate=True, **audit_entry(request_id=f"stop-{n}")))
            for n in range(10)
        ]
        await asyncio.sleep(0)  # handed in, not yet written
        await sink.stop()
        assert all(w.done() and w.exception() is None for w in writes)
        assert await AuditLog.filter(request_id__startswith="stop-").count() == 10


class TestBatchedAudit:
    @pytest.mark.asyncio
    async def test_rows_wait_for_the_flush(self, batched_sink: AuditSink) -> None:
        await batched_sink.write(**audit_entry())
        assert await AuditLog.all().count() == 0
        await batched_sink.flush()
        assert await AuditLog.all().count() == 1

    @pytest.mark.asyncio
    async def test_flushed_row_keeps_every_field(self, batched_sink: AuditSink) -> None:
        before = datetime.now(UTC)
        await batched_sink.write(**audit_entry(actor_type="citizen", actor_id=42, status=404))
        await batched_sink.flush()
        row = await AuditLog.get(request_id="hot-1")
        assert (row.actor_type, row.actor_id, row.status) == ("citizen", 42, 404)
        assert (row.service, row.action, row.outcome) == ("catalog", "item", "OK")
        assert row.latency_ms == 1.5
        assert row.client_ip == "10.1.2.3"
        assert row.params == {"region": "350203"}
        assert before - timedelta(seconds=1) <= row.at <= datetime.now(UTC)

    @pytest.mark.asyncio
    async def test_bad_row_is_refused_at_once_and_blocks_nothing(
        self, batched_sink: AuditSink
    ) -> None:
        with pytest.raises(ValidationError):
            await batched_sink.write(**audit_entry(request_id="r" * 65))
        with pytest.raises(ValidationError):
            await batched_sink.write(**audit_entry(channel=None))
        await batched_sink.write(**audit_entry(request_id="hot-2"))
        await batched_sink.flush()
        assert [r.request_id for r in await AuditLog.all()] == ["hot-2"]

    @pytest.mark.asyncio
    async def test_served_invocations_are_batched(
        self, client: httpx.AsyncClient, app: FastAPI, batched_sink: AuditSink
    ) -> None:
        served_by, app.state.gateway.audit = app.state.gateway.audit, batched_sink
        try:
            await self._three_invocations_wait_for_the_flush(client, app)
        finally:
            app.state.gateway.audit = served_by

    @staticmethod
    async def _three_invocations_wait_for_the_flush(
        client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        for index in range(3):
            response = await client.post(
                "/api/v1/services/catalog/item",
                json={"code": f"NO-SUCH-{index}"},
                headers={"X-Request-ID": f"batch-{index}"},
            )
            assert response.json()["code"] == "CATALOG_ITEM_NOT_FOUND"
        assert await AuditLog.filter(request_id__startswith="batch-").count() == 0
        await app.state.gateway.audit.flush()
        rows = await AuditLog.filter(request_id__startswith="batch-").order_by("request_id")
        assert [(r.request_id, r.outcome, r.status) for r in rows] == [
            (f"batch-{i}", "CATALOG_ITEM_NOT_FOUND", 404) for i in range(3)
        ]
        assert all(r.client_ip == "10.1.2.3" for r in rows)


class TestFlushesTakeTurns:
    @pytest.mark.asyncio
    async def test_a_flush_returns_only_once_rows_another_flush_took_are_written(
        self, db: None
    ) -> None:
        database_busy = asyncio.Event()

        async def slow_write(rows: list[dict[str, Any]]) -> None:
            await database_busy.wait()
            await insert_rows(rows)

        sink = AuditSink(flush_every=60, write=slow_write)
        sink.start()
        await sink.write(**audit_entry(request_id="turn-1"))
        periodic = asyncio.ensure_future(sink.flush())  # takes the row, then waits on the DB
        await asyncio.sleep(0)
        explicit = asyncio.ensure_future(sink.flush())  # nothing left to take
        await asyncio.sleep(0.05)
        assert not explicit.done()  # it waits for the row the other flush holds
        database_busy.set()
        await explicit
        assert await AuditLog.filter(request_id="turn-1").count() == 1
        await periodic
        await sink.stop()
