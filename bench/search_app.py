"""The bench app plus the baseline of the catalogue search benchmark: a bare route doing the
search `catalog.search` does, with nothing around it.

Only `bench/search.py` serves this factory; the production app never carries the route.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from bench.app import _OK_PREFIX, JSON, create_bench_app
from services.catalog.schemas import SearchParams
from services.catalog.service import catalog

router = APIRouter(prefix="/bench", include_in_schema=False)


@router.post("/catalog-search")
async def catalogue_search(request: Request) -> Response:
    """Validated from the body's bytes, encoded straight to bytes, as `/bench/catalog-item`."""
    params = SearchParams.model_validate_json(await request.body())
    found = await catalog.search(params)
    return Response(_OK_PREFIX + found.model_dump_json().encode() + b"}", media_type=JSON)


def create_search_bench_app() -> FastAPI:
    app = create_bench_app()
    app.include_router(router)
    return app
