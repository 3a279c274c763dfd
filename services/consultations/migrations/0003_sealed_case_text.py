"""The resident's words, the answers and the timeline texts are sealed with the data key: the
columns are renamed *_cipher and every row written before is sealed in place.

The title column widens to text for its ciphertext. SQLite keeps any length in a varchar, so
there the widening changes only the recorded state: rebuilding the table would delete the
cases' timeline rows through their ON DELETE CASCADE."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from services.consultations import sealing

BATCH = 500
CASE_COLUMNS = (
    ("title_cipher", sealing.TITLE),
    ("text_cipher", sealing.TEXT),
    ("answer_cipher", sealing.ANSWER),
)
EVENT_COLUMNS = (("text_cipher", sealing.EVENT_TEXT),)


class WidenOffSqlite(ops.AlterField):
    async def database_forward(self, app_label: str, old_state: Any, new_state: Any,
                               state_editor: Any = None) -> None:
        if state_editor is not None and state_editor.DIALECT != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label: str, old_state: Any, new_state: Any,
                                state_editor: Any = None) -> None:
        if state_editor is not None and state_editor.DIALECT != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)


async def _rewrite(model: Any, columns: tuple[tuple[str, str], ...], change: Any) -> None:
    last = 0
    names = [column for column, _ in columns]
    while rows := await model.filter(id__gt=last).order_by("id").limit(BATCH).values("id", *names):
        for row in rows:
            written = {
                column: change(row[column], purpose)
                for column, purpose in columns
                if row[column] is not None
            }
            await model.filter(id=row["id"]).update(**written)
        last = rows[-1]["id"]


async def seal_rows(apps: Any, schema_editor: Any) -> None:
    await _rewrite(apps.get_model("consultations", "Case"), CASE_COLUMNS, sealing.seal)
    await _rewrite(apps.get_model("consultations", "CaseEvent"), EVENT_COLUMNS, sealing.seal)


async def open_rows(apps: Any, schema_editor: Any) -> None:
    await _rewrite(apps.get_model("consultations", "Case"), CASE_COLUMNS, sealing.unseal)
    await _rewrite(apps.get_model("consultations", "CaseEvent"), EVENT_COLUMNS, sealing.unseal)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_answered_sweep_index")]

    initial = False

    operations = [
        ops.RenameField(model_name="Case", old_name="title", new_name="title_cipher"),
        ops.RenameField(model_name="Case", old_name="text", new_name="text_cipher"),
        ops.RenameField(model_name="Case", old_name="answer", new_name="answer_cipher"),
        ops.RenameField(model_name="CaseEvent", old_name="text", new_name="text_cipher"),
        WidenOffSqlite(model_name="Case", name="title_cipher", field=fields.TextField()),
        ops.RunPython(seal_rows, open_rows),
    ]
