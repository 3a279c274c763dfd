"""Filters and rows of the audit log as staff read it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuditQuery(BaseModel):
    """Newest first; every filter is optional. `before_id` pages back from the last row seen."""

    actor_type: str | None = Field(None, max_length=16)
    actor_id: int | None = Field(None, ge=1, le=2**62)
    service: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=64)
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = Field(None, ge=1, le=2**62)
    limit: int = Field(50, ge=1, le=200)


class AuditRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    request_id: str
    channel: str
    actor_type: str
    actor_id: int | None
    service: str
    action: str
    outcome: str
    status: int
    latency_ms: float
    params: dict[str, object] | None  # masked when written
