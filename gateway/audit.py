"""Audit rows, written in batches for reads and at once for staff and state-changing actions.

Reads are the hot path (a catalogue page view must not pay for an INSERT); a batch is flushed
every half second, when it grows to 200 rows, and on shutdown. A batched row is kept as the
model's database values, not as a model instance: building an instance per read cost more than
inserting it, and the batch goes out as one prepared multi-row INSERT.

A staff or state-changing action's row is stored before the action is answered: it is
group-committed (`config.group_commit`) with the rows of concurrent actions, and `write`
returns only once their transaction committed. An action whose own write is a group commit
may carry the row into its transaction instead (`carried_audit`): one commit per answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from tortoise.fields import CharField, Field

from config.group_commit import GroupCommit
from gateway.models import AuditLog

logger = logging.getLogger(__name__)


Row = dict[str, Any]  # field name -> database value
Convert = Callable[[Any], Any]


def _converter(field: Field[Any]) -> Convert:
    """The field's own conversion to a database value, skipped for a string that already fits
    a plain CharField: the common case, where the conversion would return it unchanged."""
    convert = partial(field.to_db_value, instance=AuditLog)
    if isinstance(field, CharField) and len(field.validators) == 1:  # only its max length
        limit = field.max_length
        return lambda value: value if type(value) is str and len(value) <= limit else convert(value)
    return convert


# The columns an INSERT fills, as tortoise's own executor picks them: every one but the id.
_CONVERTERS = {
    name: _converter(field)
    for name in AuditLog._meta.fields_db_projection
    if not (field := AuditLog._meta.fields_map[name]).generated
}


def db_row(entry: Row) -> Row:
    """The row's database values, converted and checked by the model's own fields."""
    return {name: convert(entry.get(name)) for name, convert in _CONVERTERS.items()}


async def insert_rows(rows: list[Row]) -> None:
    """One prepared INSERT run for every row, in one transaction, in the connection's dialect."""
    connection = AuditLog._meta.db
    executor = connection.executor_class(model=AuditLog, db=connection)
    columns = executor.regular_columns
    await connection.execute_many(
        executor.insert_query, [[row[name] for name in columns] for row in rows]
    )


async def insert_committed(rows: list[Row]) -> list[None]:
    """`insert_rows` for the group commit: one (empty) result per row once committed."""
    await insert_rows(rows)
    return [None] * len(rows)


@dataclass(slots=True)
class CarriedAudit:
    """The audit row of the request being served, offered to the action's own hot write.

    An action that stores its work with a group commit outside any unit of work may write
    this row in the same transaction, so that its answer waits for one commit instead of two:
    it takes the row with `take()` and sets `stored` once that transaction committed. The row
    records the call as answered OK, with the latency up to the write. The gateway then writes
    no row of its own, unless the answer turns out not to be OK after all: then its row of
    the failure follows, as for any call.
    """

    build: Callable[[], Row]
    stored: bool = False

    def take(self) -> Row | None:
        """The row, or None when it cannot be built: the gateway then writes it itself (and
        logs why that fails too)."""
        try:
            return self.build()
        except Exception:
            return None


_carried: ContextVar[CarriedAudit | None] = ContextVar("govhub_carried_audit", default=None)


def carried_audit() -> CarriedAudit | None:
    """The audit row the current request offers its action's write, if it has one to offer."""
    return _carried.get()


@contextlib.contextmanager
def carrying(carried: CarriedAudit | None) -> Iterator[None]:
    token = _carried.set(carried)
    try:
        yield
    finally:
        _carried.reset(token)


def audit_row(**entry: Any) -> Row:
    """An audit row stamped now, converted and checked by the model's fields."""
    return db_row({"at": datetime.now(UTC), **entry})


class AuditSink:
    def __init__(
        self,
        flush_every: float = 0.5,
        batch_size: int = 200,
        write: Callable[[list[Row]], Awaitable[None]] = insert_rows,
    ) -> None:
        self._write = write
        self._immediate: GroupCommit[Row, None] = GroupCommit(
            insert_committed, max_rows=batch_size, name="audit-immediate"
        )
        self._pending: list[Row] = []
        self._flush_every = flush_every
        self._batch_size = batch_size
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._flushing = asyncio.Lock()

    async def write(self, *, immediate: bool = False, **entry: Any) -> None:
        if self._task is None:
            await AuditLog.create(at=datetime.now(UTC), **entry)
            return
        row = audit_row(**entry)  # a bad row fails its own request, no batch
        if immediate:
            await self._immediate.submit(row)
            return
        self._pending.append(row)
        if len(self._pending) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> None:
        """Writes every row handed in before the call. Flushes take turns, so one that returns
        never leaves rows still in flight in another (the periodic one, say)."""
        async with self._flushing:
            rows, self._pending = self._pending, []
            if not rows:
                return
            try:
                await self._write(rows)
            except Exception:
                logger.exception(
                    "could not write %d audit rows; keeping them for the next flush", len(rows)
                )
                self._pending[:0] = rows

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-flusher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._immediate.drain()
        await self.flush()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._flush_every)
            self._wake.clear()
            await self.flush()
