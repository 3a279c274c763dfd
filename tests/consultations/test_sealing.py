"""The resident's words in a case are sealed at rest: the database holds no title, question,
answer or reason in clear; the keys rotate over them; and cases and ratings written before
sealing are sealed in place by the migrations, their timeline kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from tortoise import connections

from channels.identity.crypto import (
    BlindIndex,
    DataCipher,
    Key,
    PersonalData,
    configured_data_keys,
    configured_hash_keys,
    open_text,
)
from channels.identity.keys import rotate_keys
from channels.identity.sealed import SEALED_TABLES
from services.applications.models import Application, LibraryField
from services.consultations.models import (
    ANSWER_PURPOSE,
    EVENT_TEXT_PURPOSE,
    TITLE_PURPOSE,
    Case,
    CaseEvent,
)
from services.demands.models import Department
from services.ratings.models import Rating, RectificationCase
from tests.conftest import BACKEND, PG_URL, RUN_ID
from tests.consultations.conftest import HOUSING, as_resident, as_staff, ok, resident

TITLE = "租房提取公积金的额度"
TEXT = "我叫李四，电话13912345678，想问租房每月能提取多少公积金？"
ANSWER = "按月提取，每月不超过一千五百元。"
REASON = "没有说明需要哪些材料"


async def raw_rows(*tables: str) -> str:
    client = connections.get("default")
    rows = [await client.execute_query_dict(f'SELECT * FROM "{table}"') for table in tables]
    return json.dumps(rows, default=str, ensure_ascii=False)


async def answered_and_reopened(app: FastAPI) -> tuple[int, str]:
    citizen = await resident()
    params = {"kind": "consultation", "department": HOUSING, "title": TITLE, "text": TEXT}
    no = ok(await as_resident(app, "submit", params, citizen))["case_no"]
    ok(await as_staff(app, "answer", {"case_no": no, "text": ANSWER}, HOUSING))
    ok(await as_resident(app, "reopen", {"case_no": no, "reason": REASON}, citizen))
    return citizen, no


class TestSealedAtRest:
    @pytest.mark.asyncio
    async def test_rows_hold_no_words_of_the_case_and_the_resident_reads_them_all(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen, no = await answered_and_reopened(app)
        stored = await raw_rows("consultations_case", "consultations_event")
        for words in (TITLE, TEXT, "13912345678", "李四", ANSWER, REASON):
            assert words not in stored

        case = ok(await as_resident(app, "detail", {"case_no": no}, citizen))
        assert (case["title"], case["text"], case["answer"]) == (TITLE, TEXT, ANSWER)
        assert [e["text"] for e in case["timeline"]] == [None, ANSWER, REASON]
        inbox = ok(await as_staff(app, "inbox", {}, HOUSING))
        assert [c["title"] for c in inbox["items"]] == [TITLE]

    @pytest.mark.asyncio
    async def test_a_column_moved_into_another_does_not_open(
        self, app: FastAPI, catalog: None
    ) -> None:
        await answered_and_reopened(app)
        case = await Case.get()
        with pytest.raises(Exception, match="open|decrypt|authent"):
            open_text(case.text_cipher, TITLE_PURPOSE)


class TestKeyRotation:
    def test_every_sealed_table_of_cases_applications_and_webhooks_is_walked(self) -> None:
        for model in (
            Case,
            CaseEvent,
            Application,
            LibraryField,
            Department,
            Rating,
            RectificationCase,
        ):
            assert model in SEALED_TABLES

    @pytest.mark.asyncio
    async def test_rotation_rewrites_cases_and_their_timeline(
        self, app: FastAPI, catalog: None
    ) -> None:
        await answered_and_reopened(app)
        new = PersonalData(
            DataCipher([Key("k2", os.urandom(32)), *configured_data_keys()]),
            BlindIndex(configured_hash_keys()),
        )
        report = await rotate_keys(new, batch=1)
        assert report.tables["consultations_case"].rewritten == 1
        assert report.tables["consultations_event"].rewritten == 2  # the answer and the reason
        case = await Case.get()
        assert case.title_cipher.startswith("k2:")
        assert new.open(case.title_cipher, TITLE_PURPOSE) == TITLE
        assert new.open(case.answer_cipher or "", ANSWER_PURPOSE) == ANSWER
        texts = [e.text_cipher for e in await CaseEvent.all().order_by("id")]
        assert texts[0] is None
        assert [new.open(t or "", EVENT_TEXT_PURPOSE) for t in texts[1:]] == [ANSWER, REASON]


# The migration runs in a child process: this one's ORM belongs to the other tests.
CHILD = Path(__file__).with_name("migration_child.py")


def _child_database() -> str:
    if BACKEND == "services":
        return PG_URL.rsplit("/", 1)[0] + f"/govhub_test_{RUN_ID}_sealing"
    return ""


class TestMigration:
    def test_cases_and_ratings_written_before_sealing_are_sealed_in_place(
        self, tmp_path: Path
    ) -> None:
        url = _child_database() or f"sqlite://{tmp_path}/before.sqlite3"
        done = subprocess.run(
            [sys.executable, str(CHILD), url, json.dumps([TITLE, TEXT, ANSWER])],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        assert report == {
            "sealed": True,
            "opens": [TITLE, TEXT, ANSWER],
            "events": [None, ANSWER],
            "faq": 1,
            "ratings": [TEXT, ANSWER],
            "backwards": [TITLE, TEXT, ANSWER],
        }
