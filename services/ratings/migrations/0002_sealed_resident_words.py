"""The resident's words in a rating (the comment) and in its rectification case (what they
said when called back) are sealed with the data key: the columns are renamed *_cipher, widen
to text for the ciphertexts (not on SQLite: `WidenOffSqlite`), and every row written before is
sealed in place."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from channels.identity.crypto import open_text, seal_text
from config.migration_ops import WidenOffSqlite, rewrite_columns

RATING = (("comment_cipher", "ratings.comment"),)
CASE = (("resident_said_cipher", "ratings.resident_said"),)


async def seal_rows(apps: Any, schema_editor: Any) -> None:
    await rewrite_columns(apps.get_model("ratings", "Rating"), RATING, seal_text)
    await rewrite_columns(apps.get_model("ratings", "RectificationCase"), CASE, seal_text)


async def open_rows(apps: Any, schema_editor: Any) -> None:
    await rewrite_columns(apps.get_model("ratings", "Rating"), RATING, open_text)
    await rewrite_columns(apps.get_model("ratings", "RectificationCase"), CASE, open_text)


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    initial = False

    operations = [
        ops.RenameField(model_name="Rating", old_name="comment", new_name="comment_cipher"),
        ops.RenameField(
            model_name="RectificationCase", old_name="resident_said", new_name="resident_said_cipher"
        ),
        WidenOffSqlite(model_name="Rating", name="comment_cipher", field=fields.TextField(null=True)),
        WidenOffSqlite(
            model_name="RectificationCase",
            name="resident_said_cipher",
            field=fields.TextField(null=True),
        ),
        ops.RunPython(seal_rows, open_rows),
    ]
