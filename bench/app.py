"""The production app plus the baseline routes the gateway benchmark compares it with.

Only the benchmark serves this factory (`uvicorn bench.app:create_bench_app --factory`): the
baselines share the process, middleware and settings of the gateway they are measured against,
and the production app never carries them.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel
from starlette.responses import Response

from gateway.app import create_app

ItemDetail = Callable[[str, str | None], Awaitable[BaseModel]]
JSON = "application/json"
_OK_PREFIX = b'{"code":"OK","message":"OK","data":'


def catalogue_item_detail() -> ItemDetail | None:
    """`services.catalog.service.item_detail`, or None while the catalogue does not offer it."""
    try:
        module = importlib.import_module("services.catalog.service")
    except ImportError:
        return None
    found: ItemDetail | None = getattr(module, "item_detail", None)
    return found


class CatalogueItemQuery(BaseModel):
    code: str
    region: str | None = None


router = APIRouter(prefix="/bench", include_in_schema=False)
_item_detail = catalogue_item_detail()


@router.get("/bare")
@router.post("/bare")
async def bare() -> dict[str, Any]:
    """A plain FastAPI JSON route: the ceiling of this server."""
    return {"code": "OK", "message": "OK", "data": {"bare": True}}


@router.post("/catalog-item")
async def catalogue_item(request: Request) -> Response:
    """The catalogue read the gateway's `catalog.item` does, with nothing around it.

    As lean as a hand-written route gets, so that (c)/(b) measures the pipeline alone: the body
    is validated by pydantic straight from its bytes and the guide encoded by pydantic straight
    to bytes. (A body parameter and a returned dict would add FastAPI's dependency solving and
    `jsonable_encoder`, a baseline slower than the gateway, against which anything looks thin.)
    """
    query = CatalogueItemQuery.model_validate_json(await request.body())
    if _item_detail is None:
        return Response(b'{"code":"NOT_FOUND","data":null}', 404, media_type=JSON)
    item = await _item_detail(query.code, query.region)
    return Response(_OK_PREFIX + item.model_dump_json().encode() + b"}", media_type=JSON)


@router.post("/catalog-ping")
async def catalogue_ping() -> dict[str, Any]:
    """What `catalog.ping` answers, for runs before the catalogue offers item details."""
    return {"code": "OK", "message": "OK", "data": {"pong": True}}


def create_bench_app() -> FastAPI:
    app = create_app()
    app.include_router(router)
    return app
