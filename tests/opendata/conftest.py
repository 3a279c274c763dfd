"""The demo catalogue with its online forms and three windows (two open) at the first hall, a
developer key issued by staff, and calls to the open-data routes."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.applications.seed import seed_forms
from services.applications.settings import application_settings
from services.appointments.models import Window
from services.catalog.models import Hall
from services.catalog.seed import seed_catalog
from tests.as_staff import invoke_as_staff

MANAGE = frozenset({"opendata.manage"})
DATASETS = "/api/v1/open/datasets"


@pytest_asyncio.fixture
async def published(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[None]:
    monkeypatch.setattr(application_settings(), "storage_dir", str(tmp_path / "files"))
    await seed_catalog(lambda _: None)
    await seed_forms(lambda _: None)
    hall = await Hall.all().order_by("code").first()
    assert hall is not None
    for code, active in (("01", True), ("02", True), ("03", False)):
        await Window.create(hall=hall, code=code, name=f"{code} 号窗口", active=active)
    yield


async def as_manager(app: FastAPI, action: str, params: dict[str, Any]) -> Any:
    result = await invoke_as_staff(app, "opendata", action, params, MANAGE)
    assert result.ok, (result.code, result.message)
    return result.data


async def issue_key(app: FastAPI, rate_limit_per_minute: int = 1000) -> str:
    issued = await as_manager(
        app,
        "issue-key",
        {
            "developer_name": "李开发",
            "organisation": "厦门数据创新实验室",
            "contact_email": "dev@lab.example.cn",
            "rate_limit_per_minute": rate_limit_per_minute,
        },
    )
    key: str = issued["key"]
    return key


@pytest_asyncio.fixture
async def key(app: FastAPI, published: None) -> str:
    return await issue_key(app)


async def get(
    client: httpx.AsyncClient, name: str, key: str | None, **query: Any
) -> httpx.Response:
    headers = {} if key is None else {"X-Api-Key": key}
    return await client.get(f"{DATASETS}/{name}", params=query, headers=headers)


async def all_json(client: httpx.AsyncClient, name: str, key: str, limit: int) -> list[Any]:
    """Every row, following `next_cursor` to the end."""
    rows: list[Any] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        answer = await get(client, name, key, **query)
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        rows += data["items"]
        cursor = data["next_cursor"]
        if cursor is None:
            return rows


async def all_csv(
    client: httpx.AsyncClient, name: str, key: str, limit: int
) -> tuple[list[str], list[list[str]], bytes]:
    """The header of each page, every row, and every byte downloaded."""
    header: list[str] = []
    rows: list[list[str]] = []
    raw = b""
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"limit": limit, "format": "csv"}
        answer = await get(client, name, key, **query | ({"cursor": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
        raw += answer.content
        page = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert not header or page[0] == header
        header = page[0]
        rows += page[1:]
        cursor = answer.headers.get("x-next-cursor")
        if cursor is None:
            return header, rows, raw
