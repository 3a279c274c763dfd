"""Group commit: concurrent rows share a write, and each caller hears only after it committed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from config.group_commit import GroupCommit
from gateway.audit import Row, db_row, insert_committed
from gateway.models import AuditLog


class Recorder:
    """A write that keeps each batch it was given and answers each row doubled."""

    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[list[int]] = []
        self.delay = delay

    async def __call__(self, rows: list[int]) -> list[int]:
        self.batches.append(list(rows))
        await asyncio.sleep(self.delay)
        return [row * 2 for row in rows]


def audit_row(request_id: str, **changes: Any) -> Row:
    row = db_row(
        {
            "at": datetime.now(UTC),
            "request_id": request_id,
            "channel": "web",
            "actor_type": "staff",
            "actor_id": 7,
            "service": "queue",
            "action": "issue",
            "outcome": "OK",
            "status": 200,
            "latency_ms": 1.0,
            "client_ip": "10.1.2.3",
            "params": None,
        }
    )
    row.update(changes)
    return row


class TestBatching:
    @pytest.mark.asyncio
    async def test_concurrent_rows_share_writes_and_get_their_own_results(self) -> None:
        write = Recorder(delay=0.01)
        commit: GroupCommit[int, int] = GroupCommit(write, max_rows=16)
        results = await asyncio.gather(*(commit.submit(n) for n in range(100)))
        assert results == [n * 2 for n in range(100)]
        assert sorted(row for batch in write.batches for row in batch) == list(range(100))
        assert len(write.batches) < 100
        assert all(len(batch) <= 16 for batch in write.batches)

    @pytest.mark.asyncio
    async def test_a_lone_row_is_written_at_once(self) -> None:
        write = Recorder()
        commit: GroupCommit[int, int] = GroupCommit(write)
        assert await asyncio.wait_for(commit.submit(21), 1) == 42
        assert write.batches == [[21]]

    @pytest.mark.asyncio
    async def test_rows_are_written_in_the_order_they_came(self) -> None:
        write = Recorder(delay=0.005)
        commit: GroupCommit[int, int] = GroupCommit(write, max_rows=7)
        waiting = []
        for n in range(60):
            waiting.append(asyncio.ensure_future(commit.submit(n)))
            if n % 9 == 0:
                await asyncio.sleep(0.002)  # rows keep arriving while batches are written
        await asyncio.gather(*waiting)
        assert [row for batch in write.batches for row in batch] == list(range(60))

    @pytest.mark.asyncio
    async def test_a_wrong_number_of_results_fails_the_batch(self) -> None:
        async def short(rows: list[int]) -> list[int]:
            return rows[:-1]

        commit: GroupCommit[int, int] = GroupCommit(short)
        results = await asyncio.gather(
            *(commit.submit(n) for n in range(3)), return_exceptions=True
        )
        assert all(isinstance(r, RuntimeError) for r in results)


class TestFailure:
    @pytest.mark.asyncio
    async def test_a_failing_batch_fails_every_row_and_commits_none(self, db: None) -> None:
        commit: GroupCommit[Row, None] = GroupCommit(insert_committed)
        rows = [audit_row(f"gc-{n}") for n in range(5)]
        rows[3]["service"] = None  # NOT NULL: the database refuses the statement
        results = await asyncio.gather(*(commit.submit(r) for r in rows), return_exceptions=True)
        assert all(isinstance(r, IntegrityError) for r in results)
        assert len({id(r) for r in results}) == 1  # the real error, the same for everyone
        assert await AuditLog.filter(request_id__startswith="gc-").count() == 0

    @pytest.mark.asyncio
    async def test_the_next_batch_is_not_affected(self, db: None) -> None:
        commit: GroupCommit[Row, None] = GroupCommit(insert_committed)
        bad = audit_row("gc-bad", service=None)
        with pytest.raises(IntegrityError):
            await commit.submit(bad)
        await asyncio.gather(*(commit.submit(audit_row(f"gc-{n}")) for n in range(3)))
        stored = await AuditLog.filter(request_id__startswith="gc-").order_by("id")
        assert [r.request_id for r in stored] == ["gc-0", "gc-1", "gc-2"]

    @pytest.mark.asyncio
    async def test_rows_are_committed_before_their_callers_hear(self, db: None) -> None:
        commit: GroupCommit[Row, None] = GroupCommit(insert_committed)

        async def submit_then_count(n: int) -> int:
            await commit.submit(audit_row(f"gc-{n}"))
            return await AuditLog.filter(request_id=f"gc-{n}").count()

        assert await asyncio.gather(*(submit_then_count(n) for n in range(20))) == [1] * 20

    @pytest.mark.asyncio
    async def test_a_cancelled_writer_leaves_nobody_waiting(self) -> None:
        started = asyncio.Event()

        async def stuck(rows: list[int]) -> list[int]:
            started.set()
            await asyncio.sleep(60)
            return rows

        commit: GroupCommit[int, int] = GroupCommit(stuck)
        first = asyncio.ensure_future(commit.submit(1))
        await started.wait()
        second = asyncio.ensure_future(commit.submit(2))  # waits behind the stuck write
        await asyncio.sleep(0)
        assert commit._writer is not None
        commit._writer.cancel()
        done, _ = await asyncio.wait([first, second], timeout=1)
        assert done == {first, second}
        assert first.cancelled()
        assert second.cancelled()


class TestShutdown:
    @pytest.mark.asyncio
    async def test_drain_waits_for_every_row_handed_in(self) -> None:
        write = Recorder(delay=0.01)
        commit: GroupCommit[int, int] = GroupCommit(write, max_rows=4)
        waiting = [asyncio.ensure_future(commit.submit(n)) for n in range(10)]
        await asyncio.sleep(0)
        await commit.drain()
        assert all(w.done() for w in waiting)
        assert commit.waiting == 0
        assert sorted(row for batch in write.batches for row in batch) == list(range(10))

    @pytest.mark.asyncio
    async def test_drain_with_nothing_to_write_returns(self) -> None:
        commit: GroupCommit[int, int] = GroupCommit(Recorder())
        await asyncio.wait_for(commit.drain(), 1)
