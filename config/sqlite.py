"""The SQLite engine GovHub uses: tortoise's, with transactions that take the write lock first.

Tortoise opens SQLite transactions with a plain (deferred) `BEGIN`. When several processes
share one file (`govhub serve --workers 2`, or a `govhub worker` beside the server, both with
Redis), a transaction that reads and then writes while another process committed in between
cannot upgrade its read snapshot and fails at once with "database is locked": SQLite does
not wait in that case, whatever the busy timeout. `BEGIN IMMEDIATE` takes the write lock at
the start, waiting up to the busy timeout for it, so such transactions queue instead of
failing. In one process (the embedded default) nothing changes: tortoise already runs one
transaction at a time on its single connection.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError

ENGINE = "config.sqlite"


class WriterTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class SharedFileSqliteClient(SqliteClient):
    """SQLite whose transactions begin by taking the write lock (`WriterTransaction`)."""

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(WriterTransaction(self), self._lock)


client_class = SharedFileSqliteClient
