"""Pieces the migrations share: a widening that SQLite does not need, and rewriting a table's
columns in place (sealing text written before in clear, and opening it again backwards).

Migration files import these; they must keep working for every migration that uses them, so
change their behaviour only by adding to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tortoise.migrations import operations as ops

BATCH = 500


class WidenOffSqlite(ops.AlterField):
    """An AlterField to a wider type, applied everywhere but SQLite, where it changes only the
    recorded state: SQLite keeps any length in a varchar, and tortoise would rebuild the table,
    which deletes the rows of every table referencing it with ON DELETE CASCADE."""

    async def database_forward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is not None and state_editor.DIALECT != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is not None and state_editor.DIALECT != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)


Columns = Sequence[tuple[str, str]]  # (column, purpose)


async def rewrite_columns(model: Any, columns: Columns, change: Callable[[str, str], str]) -> None:
    """Every row's value of each column replaced by `change(value, purpose)`, a batch at a time
    by primary key (NULLs stay). `model` is the migration's historical model."""
    names = [column for column, _ in columns]
    last = 0  # generated ids start at 1
    while rows := await model.filter(id__gt=last).order_by("id").limit(BATCH).values("id", *names):
        for row in rows:
            written = {
                column: change(row[column], purpose)
                for column, purpose in columns
                if row[column] is not None
            }
            if written:
                await model.filter(id=row["id"]).update(**written)
        last = rows[-1]["id"]
