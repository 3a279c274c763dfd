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
