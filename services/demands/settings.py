"""Settings of fee demands (`GOVHUB_DEMANDS_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class DemandSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_DEMANDS_", env_file=".env", extra="ignore")

    webhook_timeout_seconds: float = Field(
        5.0, gt=0, le=30, description="how long a department's webhook receiver may take"
    )
    webhook_backoff_seconds: int = Field(
        30, ge=1, description="wait after the first failed delivery, doubled each time"
    )
    webhook_backoff_max_seconds: int = Field(
        3600, ge=1, description="the longest wait between two delivery attempts"
    )
    webhook_concurrency: int = Field(
        8, ge=1, le=64, description="how many departments' webhooks are sent at the same time"
    )
    webhook_retry_hours: int = Field(
        72, ge=48, description="how long a webhook is retried before it is given up (dead)"
    )
    default_expiry_days: int = Field(
        30, ge=1, le=365, description="expiry of a demand created without one"
    )


@lru_cache(maxsize=1)
def demand_settings() -> DemandSettings:
    settings: DemandSettings = load(DemandSettings)
    return settings
