"""Serving a built web client: history-mode pages, cache headers, nothing before the build."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from gateway.clients import ASSET_CACHE, PAGE_CACHE, BuiltClient, client_router


@pytest_asyncio.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Path, httpx.AsyncClient]]:
    app = FastAPI()
    app.include_router(client_router(BuiltClient("/h5", tmp_path / "dist")))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield tmp_path / "dist", http


def build(dist: Path) -> None:
    (dist / "js").mkdir(parents=True)
    (dist / "index.html").write_text("<html>resident</html>")
    (dist / "js" / "app.3f2a.js").write_text("console.log(1)")


@pytest.mark.asyncio
async def test_nothing_is_served_before_the_build(
    served: tuple[Path, httpx.AsyncClient],
) -> None:
    _, http = served
    assert (await http.get("/h5/")).status_code == 404
    assert (await http.get("/h5/pages/queue/index")).status_code == 404


@pytest.mark.asyncio
async def test_pages_answer_the_client_and_assets_are_cached(
    served: tuple[Path, httpx.AsyncClient],
) -> None:
    dist, http = served
    build(dist)
    for path in ("/h5", "/h5/", "/h5/pages/queue/ticket?id=3"):
        page = await http.get(path)
        assert page.status_code == 200, path
        assert page.text == "<html>resident</html>"
        assert page.headers["cache-control"] == PAGE_CACHE
    asset = await http.get("/h5/js/app.3f2a.js")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == ASSET_CACHE


@pytest.mark.asyncio
async def test_a_missing_asset_or_a_path_outside_is_not_found(
    served: tuple[Path, httpx.AsyncClient],
) -> None:
    dist, http = served
    build(dist)
    (dist.parent / "secret.txt").write_text("no")
    assert (await http.get("/h5/js/gone.1234.js")).status_code == 404
    assert (await http.get("/h5/%2E%2E/secret.txt")).status_code == 404
