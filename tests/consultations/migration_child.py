"""Run by test_sealing in its own process: builds a database at the last migration before
sealing, writes a case in clear, migrates forward, then back, and prints what it read."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate

from channels.identity.crypto import open_optional, open_text
from config.database import ensure_sqlite_folder, tortoise_config
from config.settings import Settings
from services.consultations.models import (
    ANSWER_PURPOSE,
    EVENT_TEXT_PURPOSE,
    TEXT_PURPOSE,
    TITLE_PURPOSE,
)

BEFORE = "consultations.0002_answered_sweep_index"
RATINGS_BEFORE = "ratings.0001_initial"
AT = "'2026-12-01 02:00:00+00:00'"


async def on_postgres_server(url: str, *statements: str) -> None:
    """Runs statements naming the url's database (`{name}`) from the server's `test` one."""
    server, name = url.replace("postgres://", "postgresql://").rsplit("/", 1)
    conn = await asyncpg.connect(f"{server}/test")
    try:
        for statement in statements:
            await conn.execute(statement.format(name=name))
    finally:
        await conn.close()


DROP = 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


async def rows(sql: str) -> list[dict[str, Any]]:
    return list(await connections.get("default").execute_query_dict(sql))


async def main(url: str, words: list[str]) -> dict[str, Any]:
    title, text, answer = words
    if url.startswith("postgres"):
        await on_postgres_server(url, DROP, 'CREATE DATABASE "{name}"')
    settings = Settings(database_url=url)
    ensure_sqlite_folder(settings)
    config = tortoise_config(settings)
    await migrate(config=config)
    await migrate(config=config, app_labels=["consultations"], target=BEFORE)
    await migrate(config=config, app_labels=["ratings"], target=RATINGS_BEFORE)
    client = connections.get("default")
    await client.execute_script(
        "INSERT INTO consultations_case (id, case_no, citizen_id, channel, kind, state,"
        " department_id, title, text, contact, due_at, answer, answered_at, created_at,"
        f" updated_at) VALUES (1, 'GD261201AAAAA', 7, 'app', 'consultation', 'answered', 3,"
        f" '{title}', '{text}', 'message', {AT}, '{answer}', {AT}, {AT}, {AT});"
        "INSERT INTO consultations_event (id, case_id, move, from_state, to_state, actor_type,"
        f" department_id, text, at) VALUES (1, 1, 'submit', 'submitted', 'submitted',"
        f" 'resident', 3, NULL, {AT}), (2, 1, 'answer', 'submitted', 'answered', 'staff', 3,"
        f" '{answer}', {AT});"
        "INSERT INTO consultations_faq (id, case_id, department_id, question, answer,"
        f" published_at) VALUES (1, 1, 3, '公积金问答', '按规定提取', {AT});"
        "INSERT INTO ratings_rating (id, rating_no, kind, reference, citizen_id, channel, level,"
        " reasons, comment, item_code, item_name, handled_at, rated_at, month, excluded)"
        f" VALUES (1, 'PJ1', 'application', 'SQ1', 7, 'app', 1, '[]', '{text}', 'WS002', '出生',"
        f" {AT}, {AT}, '2026-12', false);"
        "INSERT INTO ratings_case (id, rating_id, item_code, month, state, opened_at, due_on,"
        f" resident_said) VALUES (1, 1, 'WS002', '2026-12', 'called_back', {AT}, '2026-12-20',"
        f" '{answer}');"
    )
    await migrate(config=config)
    (case,) = await rows("SELECT title_cipher, text_cipher, answer_cipher FROM consultations_case")
    events = await rows("SELECT text_cipher FROM consultations_event ORDER BY id")
    report: dict[str, Any] = {
        "sealed": not {title, text, answer} & set(case.values()),
        "opens": [
            open_text(case["title_cipher"], TITLE_PURPOSE),
            open_text(case["text_cipher"], TEXT_PURPOSE),
            open_text(case["answer_cipher"], ANSWER_PURPOSE),
        ],
        "events": [open_optional(e["text_cipher"], EVENT_TEXT_PURPOSE) for e in events],
        "faq": len(await rows("SELECT id FROM consultations_faq")),
    }
    (rating,) = await rows("SELECT comment_cipher FROM ratings_rating")
    (rectification,) = await rows("SELECT resident_said_cipher FROM ratings_case")
    report["ratings"] = [
        open_text(rating["comment_cipher"], "ratings.comment"),
        open_text(rectification["resident_said_cipher"], "ratings.resident_said"),
    ]
    await migrate(config=config, app_labels=["consultations"], target=BEFORE)
    (clear,) = await rows("SELECT title, text, answer FROM consultations_case")
    report["backwards"] = [clear["title"], clear["text"], clear["answer"]]
    await Tortoise.close_connections()
    if url.startswith("postgres"):
        await on_postgres_server(url, DROP)
    return report


if __name__ == "__main__":
    sys.stdout.write(
        json.dumps(asyncio.run(main(sys.argv[1], json.loads(sys.argv[2]))), ensure_ascii=False)
        + "\n"
    )
