"""Filters and rows of the audit log as staff read it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gateway.paging import PageParams, TimeRange


class AuditQuery(PageParams, TimeRange):
    """Newest first, a page at a time; every filter is optional."""

    actor_type: str | None = Field(None, max_length=16)
    actor_id: int | None = Field(None, ge=1, le=2**62)
    service: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=64)


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
