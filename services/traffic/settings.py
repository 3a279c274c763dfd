"""Settings of traffic violations (`GOVHUB_TRAFFIC_*`)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, get_settings, load


class TrafficSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_TRAFFIC_", env_file=".env", extra="ignore")

    source: str = Field("sandbox", description="where violations come from")
    timezone: str = Field("Asia/Shanghai", description="the day a surcharge is counted in")
    report_backoff_seconds: int = Field(
        30, ge=1, description="wait after the first failed report of a paid fine, doubled each time"
    )
    report_backoff_max_seconds: int = Field(
        3600, ge=1, description="the longest wait between reports of a paid fine"
    )
    report_attention_after: int = Field(
        10, ge=1, description="failed reports after which staff are asked to look (retries go on)"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sandbox_allowed(self) -> bool:
        return not get_settings().is_production


@lru_cache(maxsize=1)
def traffic_settings() -> TrafficSettings:
    settings: TrafficSettings = load(TrafficSettings)
    return settings
