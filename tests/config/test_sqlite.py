"""Several processes writing one SQLite file (`govhub serve --workers 2` with Redis): a
transaction that reads, then writes after another process committed, must wait for the lock
instead of failing with "database is locked"."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.synchronize
import sqlite3
from contextlib import closing
from pathlib import Path

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from config.database import tortoise_config
from config.settings import Settings

TRANSACTIONS = 60


async def _count_then_insert(database: Path, process: int) -> None:
    await Tortoise.init(config=tortoise_config(Settings(database_url=f"sqlite://{database}")))
    try:
        for n in range(TRANSACTIONS):
            async with in_transaction() as connection:
                _, rows = await connection.execute_query("SELECT COUNT(*) AS seen FROM counted")
                await asyncio.sleep(0.002)  # the other process commits meanwhile
                await connection.execute_query(
                    "INSERT INTO counted (process, n, seen) VALUES (?, ?, ?)",
                    [process, n, rows[0]["seen"]],
                )
    finally:
        await Tortoise.close_connections()


def _writer(database: str, process: int, start: multiprocessing.synchronize.Event) -> None:
    start.wait(30)
    asyncio.run(_count_then_insert(Path(database), process))


class TestSharedFile:
    def test_read_then_write_transactions_of_two_processes_queue_instead_of_failing(
        self, tmp_path: Path
    ) -> None:
        database = tmp_path / "shared.sqlite3"
        _create_table(database)
        context = multiprocessing.get_context("spawn")
        start = context.Event()
        writers = [context.Process(target=_writer, args=(str(database), p, start)) for p in (1, 2)]
        for writer in writers:
            writer.start()
        start.set()
        for writer in writers:
            writer.join(120)
        assert [w.exitcode for w in writers] == [0, 0]
        assert _counted(database) == 2 * TRANSACTIONS


def _create_table(database: Path) -> None:
    # The test's own process keeps off tortoise: its global state belongs to the other tests.
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE counted (process INTEGER, n INTEGER, seen INTEGER)")
        connection.commit()


def _counted(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        (written,) = connection.execute(
            "SELECT COUNT(DISTINCT process || '-' || n) FROM counted"
        ).fetchone()
    return int(written)
