"""The migrated schema keeps every uniqueness the models declare.

Uniqueness is what makes de-duplication, idempotency and exactly-once work, and a migration can
lose it silently (tortoise's SQLite table rebuild for AlterField drops `unique_together`).
"""

from __future__ import annotations

import pytest
from tortoise import Tortoise, connections

from tests.conftest import BACKEND


async def unique_column_sets(table: str) -> set[frozenset[str]]:
    connection = connections.get("default")
    found: set[frozenset[str]] = set()
    if BACKEND == "services":
        rows = await connection.execute_query_dict(
            """
            SELECT i.relname AS name, array_agg(a.attname::text) AS columns
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
            WHERE t.relname = $1 AND x.indisunique
            GROUP BY i.relname
            """,
            [table],
        )
        return {frozenset(row["columns"]) for row in rows}
    for index in await connection.execute_query_dict(f'PRAGMA index_list("{table}")'):
        if index["unique"]:
            columns = await connection.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
            found.add(frozenset(c["name"] for c in columns))
    return found


def declared_uniques() -> list[tuple[str, frozenset[str]]]:
    declared = []
    for models in Tortoise.apps.values():
        for model in models.values():
            meta = model._meta
            for group in meta.unique_together or ():
                columns = frozenset(meta.fields_map[f].source_field or f for f in group)
                declared.append((meta.db_table, columns))
            for name, field in meta.fields_map.items():
                if field.unique and not field.pk and not getattr(field, "reference", None):
                    declared.append((meta.db_table, frozenset({field.source_field or name})))
    return declared


class TestUniqueness:
    @pytest.mark.asyncio
    async def test_every_declared_uniqueness_exists(self, db: None) -> None:
        missing = [
            (table, sorted(columns))
            for table, columns in declared_uniques()
            if columns not in await unique_column_sets(table)
        ]
        assert declared_uniques(), "no uniqueness declared at all: the check would be empty"
        assert missing == []
