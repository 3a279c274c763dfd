"""Audit rows, written in batches for reads and at once for staff and state-changing actions.

Reads are the hot path (a catalogue page view must not pay for an INSERT); a batch is flushed
every half second, when it grows to 200 rows, and on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from gateway.models import AuditLog

logger = logging.getLogger(__name__)


class AuditSink:
    def __init__(self, flush_every: float = 0.5, batch_size: int = 200) -> None:
        self._pending: list[AuditLog] = []
        self._flush_every = flush_every
        self._batch_size = batch_size
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def write(self, *, immediate: bool = False, **entry: Any) -> None:
        row = AuditLog(at=datetime.now(UTC), **entry)
        if immediate or self._task is None:
            await row.save()
            return
        self._pending.append(row)
        if len(self._pending) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> None:
        rows, self._pending = self._pending, []
        if not rows:
            return
        try:
            await AuditLog.bulk_create(rows)
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
        await self.flush()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._flush_every)
            self._wake.clear()
            await self.flush()
