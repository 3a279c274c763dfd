"""Parameters and results of the notify actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from gateway.paging import PageParams
from notify.models import NotificationStatus
from notify.templates import Category, Event


class NoParams(BaseModel):
    pass


class PreferenceRead(BaseModel):
    category: Category
    enabled: bool
    mandatory: bool


class SetPreferenceParams(BaseModel):
    category: Category
    enabled: bool


class SubscribeParams(BaseModel):
    """What the resident accepted in `requestSubscribeMessage`, by event."""

    events: list[Event] = Field(min_length=1, max_length=10)
    long_term: bool = False


class ConsentRead(BaseModel):
    channel: str
    event: str
    remaining: int | None  # None: a long-term subscription


class RegisterDeviceParams(BaseModel):
    token: str = Field(min_length=8, max_length=255)
    platform: Literal["ios", "android", "harmony"]
    locale: Literal["zh-CN", "en"] = "zh-CN"


class DeviceParams(BaseModel):
    token: str = Field(min_length=8, max_length=255)


class Done(BaseModel):
    ok: bool = True


class MessagesParams(PageParams):
    """Messages newest first, a page at a time."""

    status: NotificationStatus | None = None
    citizen_id: int | None = None
    event: Event | None = None


class MessageParams(BaseModel):
    id: int


class NotificationRead(BaseModel):
    id: int
    event: str
    citizen_id: int | None
    channel: str | None
    route: list[str]
    step: int
    kind: str | None
    provider: str | None
    status: NotificationStatus
    urgent: bool
    attempts: int
    total_attempts: int
    next_attempt_at: datetime
    recipient: str | None  # masked
    provider_message_id: str | None
    last_error: str | None
    failure_reason: str | None
    params: dict[str, Any]  # masked
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None


class AttemptRead(BaseModel):
    kind: str
    provider: str | None
    outcome: str
    code: str | None
    detail: str | None
    duration_ms: int
    attempted_at: datetime


class NotificationDetail(NotificationRead):
    attempts_made: list[AttemptRead]


class SummaryRead(BaseModel):
    by_status: dict[str, int]
