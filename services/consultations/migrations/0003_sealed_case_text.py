"""The resident's words, the answers and the timeline texts are sealed with the data key: the
columns are renamed *_cipher and every row written before is sealed in place. The title column
widens to text for its ciphertext (not on SQLite: `WidenOffSqlite`)."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from channels.identity.crypto import open_text, seal_text
from config.migration_ops import WidenOffSqlite, rewrite_columns

CASE_COLUMNS = (
    ("title_cipher", "consultations.title"),
    ("text_cipher", "consultations.text"),
    ("answer_cipher", "consultations.answer"),
)
EVENT_COLUMNS = (("text_cipher", "consultations.event_text"),)


async def seal_rows(apps: Any, schema_editor: Any) -> None:
    await rewrite_columns(apps.get_model("consultations", "Case"), CASE_COLUMNS, seal_text)
    await rewrite_columns(
        apps.get_model("consultations", "CaseEvent"), EVENT_COLUMNS, seal_text
    )


async def open_rows(apps: Any, schema_editor: Any) -> None:
    await rewrite_columns(apps.get_model("consultations", "Case"), CASE_COLUMNS, open_text)
    await rewrite_columns(
        apps.get_model("consultations", "CaseEvent"), EVENT_COLUMNS, open_text
    )


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
