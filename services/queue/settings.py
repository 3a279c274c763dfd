"""Settings of queue numbers (`GOVHUB_QUEUE_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class QueueSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_QUEUE_", env_file=".env", extra="ignore")

    enforce_opening_hours: bool = Field(
        True, description="numbers are handed out only while the hall is open"
    )
    near_ahead: int = Field(3, ge=1, description="the 'N ahead of you' event fires at N")
    recent_services: int = Field(
        20, ge=1, description="finished numbers the estimated wait averages over"
    )
    recent_days: int = Field(7, ge=1, description="how far back those finished numbers may be")
    live_max_seconds: float = Field(
        300, gt=0, description="a live stream ends after this; clients reconnect"
    )
    stream_ticket_seconds: int = Field(
        60,
        ge=1,
        le=3600,
        description="how long a single-use ticket for opening a live stream (`?ticket=`) is valid",
    )


@lru_cache(maxsize=1)
def queue_settings() -> QueueSettings:
    settings: QueueSettings = load(QueueSettings)
    return settings
