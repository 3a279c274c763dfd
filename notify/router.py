"""Dev-only pages of the notify module (sandbox SMS outbox)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from gateway.http import ok
from notify.outbox import outbox_entries

dev_router = APIRouter(prefix="/dev", tags=["development"])


@dev_router.get("/sms", summary="Sandbox SMS outbox, newest first (development only)")
async def sandbox_sms(
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    phone: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """What the sandbox SMS provider would have sent; filter by `phone` to find one code."""
    return ok([entry.model_dump(mode="json") for entry in await outbox_entries(limit, phone)])
