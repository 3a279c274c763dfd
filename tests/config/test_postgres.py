"""PostgreSQL connections go back to the pool without asyncpg's session reset: nothing is sent
after a query, and a transaction that failed is still rolled back before the next use."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from tortoise import connections
from tortoise.transactions import in_transaction

from config.postgres import StatelessAsyncpgClient
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "services", reason="PostgreSQL only")


class Failed(Exception):
    pass


async def failing_transaction() -> None:
    async with in_transaction() as connection:
        await connection.execute_query("SELECT 1")
        raise Failed


class TestPooledConnections:
    @pytest.mark.asyncio
    async def test_the_engine_is_ours_and_releases_without_a_reset_query(
        self, app: FastAPI, db: None
    ) -> None:
        client = connections.get("default")
        assert isinstance(client, StatelessAsyncpgClient)
        async with client.acquire_connection() as connection:
            assert connection.get_reset_query() == ""

    @pytest.mark.asyncio
    async def test_a_failed_transaction_leaves_no_transaction_behind(
        self, app: FastAPI, db: None
    ) -> None:
        with pytest.raises(Failed):
            await failing_transaction()
        stuck = await connections.get("default").execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity"
            " WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
        )
        assert stuck == [{"n": 0}]
