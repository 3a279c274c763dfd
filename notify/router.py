"""Dev-only pages of the notify module (sandbox SMS outbox)."""

from __future__ import annotations

from fastapi import APIRouter

dev_router = APIRouter(prefix="/dev", tags=["development"])
