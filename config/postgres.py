"""The PostgreSQL engine GovHub uses: tortoise's asyncpg client, without the session reset.

asyncpg's pool resets every connection it takes back (`pg_advisory_unlock_all(); CLOSE ALL;
UNLISTEN *; RESET ALL;`): one more statement and round trip after each query run outside a
transaction and after each transaction, close to doubling the statements of a read-mostly
request. GovHub keeps no session state on pooled connections (no SET, LISTEN, advisory lock
or cursor: announcements go through the store, locks through the store or SELECT … FOR UPDATE
in a transaction), so there is nothing to reset. A transaction left open is still rolled back
on release: asyncpg does that before the reset query, whatever the query is.
"""

from __future__ import annotations

from asyncpg.connection import Connection
from tortoise.backends.asyncpg.client import AsyncpgDBClient

ENGINE = "config.postgres"


class StatelessConnection(Connection):  # type: ignore[misc]  # asyncpg is untyped
    def get_reset_query(self) -> str:
        return ""


class StatelessAsyncpgClient(AsyncpgDBClient):
    connection_class = StatelessConnection


client_class = StatelessAsyncpgClient
