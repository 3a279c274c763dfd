"""Jobs queued inside a unit of work leave only after it commits."""

from __future__ import annotations

from typing import Any

import pytest

from config import jobs
from config.database import unit_of_work
from gateway.models import AuditLog


class RecordingTask:
    """Stands in for a taskiq task: records what would have been sent to the broker."""

    task_name = "recording"

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []

    async def kiq(self, *args: Any, **kwargs: Any) -> None:
        self.sent.append(args)


def audit_row(action: str) -> AuditLog:
    from datetime import UTC, datetime

    return AuditLog(
        at=datetime.now(UTC),
        request_id="r",
        channel="web",
        actor_type="system",
        service="jobs",
        action=action,
        outcome="OK",
        status=200,
        latency_ms=0,
        client_ip="-",
    )


class TestAfterCommit:
    @pytest.mark.asyncio
    async def test_sent_after_commit(self, db: None) -> None:
        task = RecordingTask()
        async with unit_of_work():
            await audit_row("commit").save()
            await jobs.enqueue(task, 1)  # type: ignore[arg-type]
            assert task.sent == []
        assert task.sent == [(1,)]
        assert await AuditLog.filter(action="commit").count() == 1

    @pytest.mark.asyncio
    async def test_dropped_on_rollback(self, db: None) -> None:
        task = RecordingTask()

        async def failing_unit() -> None:
            async with unit_of_work():
                await audit_row("rollback").save()
                await jobs.enqueue(task, 1)  # type: ignore[arg-type]
                raise RuntimeError("business rule failed")

        with pytest.raises(RuntimeError):
            await failing_unit()
        assert task.sent == []
        assert await AuditLog.filter(action="rollback").count() == 0

    @pytest.mark.asyncio
    async def test_nested_units_send_once_at_the_outer_commit(self, db: None) -> None:
        task = RecordingTask()
        async with unit_of_work():
            async with unit_of_work():
                await jobs.enqueue(task, "inner")  # type: ignore[arg-type]
            assert task.sent == []
        assert task.sent == [("inner",)]

    @pytest.mark.asyncio
    async def test_outside_a_unit_of_work_sends_at_once(self) -> None:
        task = RecordingTask()
        await jobs.enqueue(task, 2)  # type: ignore[arg-type]
        assert task.sent == [(2,)]
