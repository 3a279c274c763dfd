"""Group commit: rows from concurrent requests written together, each request answered only
after the write that carried its row committed.

A request hands its row to `GroupCommit.submit` and waits. While no write is under way, the
row goes out at once (after `linger` seconds, 0 by default: only the rows handed in during
the same turn of the event loop join it). While a write is under way, rows gather and go out
together as soon as it ends, at most `max_rows` at a time. So an idle server answers as fast
as before, and a busy one pays one statement, one commit and one round trip for many rows.

Durability is the caller's as before: `submit` returns only after `write` returned, and
`write` must commit the whole batch or nothing. When it raises, every request of that batch
gets the same error. Batches are written one at a time in the order rows were handed in.
Call `drain` before shutting down: it waits until every row handed in so far is written.
Rows are written outside any transaction of the caller, so a caller inside a unit of work
must write its rows there instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")
Result = TypeVar("Result")

Write = Callable[[list[Row]], Awaitable[Sequence[Result]]]


class GroupCommit(Generic[Row, Result]):
    """`write(rows)` commits the rows in one go and returns one result per row, in order."""

    def __init__(
        self,
        write: Write[Row, Result],
        *,
        max_rows: int = 256,
        linger: float = 0.0,
        name: str = "group-commit",
    ) -> None:
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        self._write = write
        self.max_rows = max_rows
        self.linger = linger
        self.name = name
        self._pending: list[tuple[Row, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        """Rows handed in and not yet taken by a write."""
        return len(self._pending)

    async def submit(self, row: Row) -> Result:
        """Writes the row with others; returns its result once its batch committed."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Result] = loop.create_future()
        self._pending.append((row, answer))
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not loop:
            self._writer = loop.create_task(self._run(), name=self.name)
        return await answer

    async def drain(self) -> None:
        """Waits until every row handed in so far is written (or failed)."""
        while (writer := self._writer) is not None and not writer.done():
            await asyncio.shield(writer)

    async def _run(self) -> None:
        try:
            await asyncio.sleep(self.linger)  # lets the rows of this turn of the loop join in
            while self._pending:
                batch = self._pending[: self.max_rows]
                del self._pending[: self.max_rows]
                await self._write_batch(batch)
        except BaseException as error:  # the writer itself was cancelled: nobody is left hanging
            batch, self._pending = self._pending, []
            _fail(batch, error)
            raise

    async def _write_batch(self, batch: list[tuple[Row, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._write([row for row, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"{self.name}: {len(results)} results for {len(batch)} rows")
        except BaseException as error:  # every request of the batch learns what happened
            _fail(batch, error)
            if not isinstance(error, Exception):
                raise
            return
        for (_, answer), result in zip(batch, results, strict=True):
            if not answer.done():  # its request may have been cancelled meanwhile
                answer.set_result(result)


def _fail(batch: Sequence[tuple[object, asyncio.Future[Any]]], error: BaseException) -> None:
    for _, answer in batch:
        if answer.done():
            continue
        if isinstance(error, asyncio.CancelledError):
            answer.cancel()
        else:
            answer.set_exception(error)
