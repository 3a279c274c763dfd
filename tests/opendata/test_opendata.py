"""Open data for developers: the catalogue, downloads page by page as JSON and CSV, keys that are
refused when missing, wrong or revoked, each key's rate limit and usage, and no personal data in
any dataset."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from services.applications.models import Application, ApplicationForm
from services.catalog.models import Hall, Implementation
from services.opendata.datasets import DATASETS as DEFINED
from services.opendata.datasets import SMALL_COUNT
from services.opendata.seed import DEMO_KEY, seed_opendata
from tests.applications.test_applications import BIRTH_ANSWERS, submitted
from tests.as_staff import invoke_as_staff
from tests.notify.helpers import make_resident
from tests.opendata.conftest import DATASETS, all_csv, all_json, as_manager, get, issue_key
from tests.queue.helpers import id_number, verified_citizen

_serial = itertools.count(1)


async def past_application(
    citizen_id: int, item_code: str, submitted_at: datetime, decided_after: float | None = None
) -> None:
    """An application submitted at `submitted_at`, decided `decided_after` days later if given."""
    form = await ApplicationForm.get(item_code=item_code)
    await Application.create(
        application_no=f"SQ{next(_serial):012d}",
        citizen_id=citizen_id,
        channel="app",
        form_id=form.id,
        item_code=item_code,
        item_name=form.title,
        state="approved" if decided_after is not None else "in_review",
        promised_days=5,
        submitted_at=submitted_at,
        due_at=submitted_at + timedelta(days=7),
        decided_at=None if decided_after is None else submitted_at + timedelta(days=decided_after),
    )


def months_ago(months: int) -> datetime:
    now = datetime.now(UTC)
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    return datetime(year, month + 1, 10, 4, tzinfo=UTC)


async def history(citizen_id: int) -> None:
    """Applications over four months and two items; two of them decided late."""
    for months, item, decided in (
        (3, "WS002", 2.0),
        (3, "WS002", 9.0),
        (3, "GA006", None),
        (2, "WS002", 3.0),
        (1, "GA006", 8.0),
        (0, "WS002", None),
    ):
        await past_application(citizen_id, item, months_ago(months), decided)


class TestCatalogue:
    @pytest.mark.asyncio
    async def test_the_catalogue_needs_no_key_and_declares_every_field(
        self, client: httpx.AsyncClient
    ) -> None:
        answer = await client.get(DATASETS)
        assert answer.status_code == 200
        catalogue = {d["name"]: d for d in answer.json()["data"]}
        assert set(catalogue) == {"service-items", "halls", "processing-monthly"}
        for name, dataset in catalogue.items():
            assert [f["name"] for f in dataset["fields"]] == list(DEFINED[name].field_names)
            assert all(f["description"]["zh"] and f["description"]["en"] for f in dataset["fields"])
            assert dataset["formats"] == ["json", "csv"]
            assert dataset["url"] == f"{DATASETS}/{name}"
        assert catalogue["processing-monthly"]["order"] == ["month", "item_code"]

    @pytest.mark.asyncio
    async def test_the_routes_are_in_the_openapi_document(self, client: httpx.AsyncClient) -> None:
        paths = (await client.get("/openapi.json")).json()["paths"]
        download = paths[f"{DATASETS}/{{name}}"]["get"]
        assert {p["name"] for p in download["parameters"]} >= {"X-Api-Key", "format", "cursor"}
        assert "429" in download["responses"]
        assert "text/csv" in str(download["responses"])
        assert DATASETS in paths


class TestDownload:
    @pytest.mark.asyncio
    async def test_json_pages_hold_every_service_item_exactly_once(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        rows = await all_json(client, "service-items", key, limit=7)
        keys = [(r["item_code"], r["region_code"]) for r in rows]
        assert keys == sorted(keys)
        assert len(keys) == len(set(keys)) == await Implementation.all().count()
        first = (await get(client, "service-items", key, limit=1)).json()["data"]
        assert first["dataset"]["name"] == "service-items"
        assert first["dataset"]["version"]
        assert first["items"] == rows[:1]

    @pytest.mark.asyncio
    async def test_csv_pages_hold_the_same_rows_with_a_header(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        for name in ("service-items", "halls"):
            header, rows, _ = await all_csv(client, name, key, limit=4)
            assert header == list(DEFINED[name].field_names)
            expected = await all_json(client, name, key, limit=1000)
            assert len(rows) == len(expected)
            for line, row in zip(rows, expected, strict=True):
                assert line[0] == row[header[0]]
        assert len(rows) == await Hall.all().count()

    @pytest.mark.asyncio
    async def test_halls_count_their_open_windows(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        halls = await all_json(client, "halls", key, limit=100)
        first = await Hall.all().order_by("code").first()
        assert first is not None
        windows = {h["hall_code"]: h["windows"] for h in halls}
        assert windows.pop(first.code) == 2  # the closed window is not counted
        assert set(windows.values()) == {0}

    @pytest.mark.asyncio
    async def test_processing_is_counted_by_month_and_item_across_pages(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        citizen = await make_resident(phone="13600136000")
        await history(citizen)
        for decided in (3.0, 3.0, 3.0, 4.0):  # the oldest month's WS002 grows to six
            await past_application(citizen, "WS002", months_ago(3), decided)
        rows = await all_json(client, "processing-monthly", key, limit=1)
        keys = [(r["month"], r["item_code"]) for r in rows]
        assert keys == sorted(set(keys))
        assert len(keys) == 5
        oldest = {r["item_code"]: r for r in rows if r["month"] == rows[0]["month"]}
        assert oldest["WS002"] | {"item_name": ""} == {
            "month": rows[0]["month"],
            "item_code": "WS002",
            "item_name": "",
            "submitted": 6,
            "completed": 6,
            "overdue": None,  # one, decided on the ninth day, due on the seventh: withheld
            "average_days": 4.0,
        }
        assert oldest["GA006"]["submitted"] is None  # one application
        assert oldest["GA006"]["completed"] == 0  # none is not a small count
        assert oldest["GA006"]["average_days"] is None
        assert oldest["GA006"]["overdue"] is None  # open, past its date: one, withheld
        _, csv_rows, _ = await all_csv(client, "processing-monthly", key, limit=2)
        assert [(r[0], r[1]) for r in csv_rows] == keys
        first = {(r[0], r[1]): r for r in csv_rows}[keys[0][0], "GA006"]
        assert first[3:] == ["", "0", "", ""]  # null is an empty cell

    @pytest.mark.asyncio
    async def test_small_counts_and_averages_over_few_decisions_are_withheld(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        citizen = await make_resident(phone="13600136000")
        # five submitted, four decided, two late (one decided on the tenth day, one still open)
        for decided in (1.0, 2.0, 3.0, 10.0, None):
            await past_application(citizen, "WS002", months_ago(1), decided)
        for _ in range(SMALL_COUNT - 1):
            await past_application(citizen, "GA006", months_ago(1))
        rows = {r["item_code"]: r for r in await all_json(client, "processing-monthly", key, 10)}
        counts = ("submitted", "completed", "overdue", "average_days")
        assert [rows["WS002"][c] for c in counts] == [5, None, None, None]
        assert [rows["GA006"][c] for c in counts] == [None, 0, None, None]  # four, all open
        catalogue = (await client.get(DATASETS)).json()["data"]
        fields = next(d for d in catalogue if d["name"] == "processing-monthly")
        assert all(f["nullable"] for f in fields["fields"] if f["name"] in counts)

    @pytest.mark.asyncio
    async def test_a_forged_cursor_is_refused(self, client: httpx.AsyncClient, key: str) -> None:
        answer = await get(client, "halls", key, cursor="not-a-cursor")
        assert answer.status_code == 400
        assert answer.json()["code"] == "CURSOR_INVALID"


class TestKeys:
    @pytest.mark.asyncio
    async def test_a_missing_or_wrong_key_is_refused(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        key_id = key.split("_")[1]
        for presented in (None, "", "od_123", key[:-1] + ("A" if key[-1] != "A" else "B")):
            answer = await get(client, "halls", presented)
            assert answer.status_code == 401
            body = answer.json()
            assert body["code"] == "OPENDATA_KEY_INVALID"
            assert body["request_id"]
        english = await client.get(
            f"{DATASETS}/halls", headers={"Accept-Language": "en", "X-Api-Key": f"od_{key_id}"}
        )
        assert "X-Api-Key" in english.json()["message"]

    @pytest.mark.asyncio
    async def test_a_revoked_key_is_refused_from_the_next_request(
        self, app: FastAPI, client: httpx.AsyncClient, key: str
    ) -> None:
        assert (await get(client, "halls", key)).status_code == 200
        revoked = await as_manager(app, "revoke-key", {"key_id": key.split("_")[1]})
        assert revoked["revoked_at"] is not None
        answer = await get(client, "halls", key)
        assert answer.status_code == 401
        assert answer.json()["code"] == "OPENDATA_KEY_REVOKED"
        listed = await as_manager(app, "keys", {})
        assert listed["items"] == []
        with_revoked = await as_manager(app, "keys", {"include_revoked": True})
        assert [k["key_id"] for k in with_revoked["items"]] == [revoked["key_id"]]

    @pytest.mark.asyncio
    async def test_an_unknown_dataset_is_named(self, client: httpx.AsyncClient, key: str) -> None:
        answer = await get(client, "residents", key)
        assert answer.status_code == 404
        assert answer.json()["code"] == "OPENDATA_DATASET_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_only_staff_holding_opendata_manage_issue_keys(
        self, app: FastAPI, published: None
    ) -> None:
        params = {"developer_name": "x", "organisation": "y", "contact_email": "a@b.cn"}
        refused = await invoke_as_staff(
            app, "opendata", "issue-key", params, frozenset({"catalog.edit"})
        )
        assert refused.code == "PERMISSION_DENIED"
        unknown = await invoke_as_staff(
            app, "opendata", "revoke-key", {"key_id": "0123456789ab"}, frozenset({"*"})
        )
        assert unknown.code == "OPENDATA_KEY_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_the_secret_is_stored_hashed_and_the_demo_key_works(
        self, client: httpx.AsyncClient, key: str
    ) -> None:
        from services.opendata.models import DeveloperKey

        stored = await DeveloperKey.get(key_id=key.split("_")[1])
        assert key.split("_", 2)[2] not in stored.secret_hash
        said: list[str] = []
        await seed_opendata(said.append)
        await seed_opendata(said.append)  # idempotent
        assert DEMO_KEY in said[0]
        assert (await get(client, "halls", DEMO_KEY)).status_code == 200


class TestRateLimit:
    @pytest.mark.asyncio
    async def test_past_its_limit_a_key_gets_429_with_retry_after(
        self, app: FastAPI, client: httpx.AsyncClient, published: None
    ) -> None:
        key = await issue_key(app, rate_limit_per_minute=3)
        for _ in range(2):  # a second try only if the minute's window turned mid-way
            minute = int(time.time()) // 60
            statuses = [(await get(client, "halls", key)).status_code for _ in range(3)]
            refused = await get(client, "halls", key)
            if int(time.time()) // 60 == minute:
                break
        assert statuses == [200, 200, 200]
        assert refused.status_code == 429
        assert refused.json()["code"] == "OPENDATA_RATE_LIMITED"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        other = await issue_key(app, rate_limit_per_minute=3)
        assert (await get(client, "halls", other)).status_code == 200  # each key its own window


class TestUsage:
    @pytest.mark.asyncio
    async def test_requests_and_rows_are_counted_per_day_and_dataset(
        self, app: FastAPI, client: httpx.AsyncClient, key: str
    ) -> None:
        for _ in range(2):
            assert (await get(client, "service-items", key, limit=5)).status_code == 200
        halls = await Hall.all().count()
        assert (await get(client, "halls", key, format="csv")).status_code == 200
        assert (await get(client, "nothing-here", key)).status_code == 404
        [listed] = (await as_manager(app, "keys", {}))["items"]
        assert listed["requests_total"] == listed["requests_today"] == 3
        assert listed["rows_total"] == 10 + halls
        assert listed["last_used_on"] is not None
        usage = await as_manager(app, "usage", {"key_id": listed["key_id"]})
        by_dataset = {u["dataset"]: (u["requests"], u["rows"]) for u in usage["items"]}
        assert by_dataset == {"service-items": (2, 10), "halls": (1, halls)}


BANNED = (
    "phone",
    "mobile",
    "id_number",
    "id_card",
    "citizen",
    "openid",
    "unionid",
    "applicant",
    "person",
    "resident",
    "mother",
    "father",
    "child",
    "email",
    "application_no",
    "home_address",
)


class TestNoPersonalData:
    @pytest.mark.asyncio
    async def test_no_row_has_an_undeclared_or_personal_field_nor_a_residents_data(
        self, app: FastAPI, client: httpx.AsyncClient, key: str
    ) -> None:
        phone = "13800138000"
        citizen = await make_resident(phone=phone)
        verified = await verified_citizen(datetime(1990, 5, 17).date())
        await history(citizen)
        await history(verified.id)
        sent = await submitted(app, citizen, "WS002", BIRTH_ANSWERS)
        assert sent["state"] == "submitted"
        secrets_of_residents = [
            phone,
            id_number(datetime(1990, 5, 17).date()),
            *BIRTH_ANSWERS.values(),
            sent["application_no"],
        ]
        for name, dataset in DEFINED.items():
            allowed = set(dataset.field_names)
            assert "name" not in allowed
            assert "address" not in allowed
            assert not [f for f in allowed for word in BANNED if word in f], name
            rows = await all_json(client, name, key, limit=50)
            assert rows, name
            assert all(set(row) == allowed for row in rows), name
            _, _, raw = await all_csv(client, name, key, limit=50)
            text = raw.decode("utf-8-sig") + str(rows)
            for secret in secrets_of_residents:
                assert secret not in text, (name, secret)
