"""The bench app plus the baseline of the queue benchmark: a bare route doing one store INCR.

Only `bench/queue.py` serves this factory; the production app never carries the route.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI

from bench.app import create_bench_app
from config.runtime import runtime

router = APIRouter(prefix="/bench", include_in_schema=False)


@router.post("/queue-incr")
async def queue_incr() -> dict[str, Any]:
    """What the cheapest possible number dispenser does: one atomic INCR, nothing else."""
    number = await runtime().store.incr("bench:queue-incr")
    return {"code": "OK", "message": "OK", "data": {"number": number}}


def create_queue_bench_app() -> FastAPI:
    app = create_bench_app()
    app.include_router(router)
    return app
