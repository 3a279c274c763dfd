"""Settings of utility bills (`GOVHUB_BILLS_*`)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, get_settings, load


class BillsSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_BILLS_", env_file=".env", extra="ignore")

    timezone: str = Field("Asia/Shanghai", description="local time of due dates and receipts")
    sandbox: bool = Field(True, description="the sandbox companies (never in production)")
    max_accounts: int = Field(20, ge=1, le=200, description="accounts one resident may bind")
    write_off_backoff_seconds: int = Field(
        30, ge=1, description="wait after the first failed write-off, doubled each time"
    )
    write_off_backoff_max_seconds: int = Field(
        3600, ge=1, description="the longest wait between write-off attempts"
    )
    write_off_attention_after: int = Field(
        10, ge=1, description="failed attempts after which staff are asked to look (retries go on)"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sandbox_enabled(self) -> bool:
        return self.sandbox and not get_settings().is_production


@lru_cache(maxsize=1)
def bills_settings() -> BillsSettings:
    settings: BillsSettings = load(BillsSettings)
    return settings
