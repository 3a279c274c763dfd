"""Settings of consultations and complaints (`GOVHUB_CONSULTATIONS_*`)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class ConsultationSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_CONSULTATIONS_", env_file=".env", extra="ignore"
    )

    consultation_days: int = Field(
        5, ge=1, le=60, description="working days a department has to answer a consultation"
    )
    complaint_days: int = Field(
        15, ge=1, le=60, description="working days a department has to answer a complaint"
    )
    suggestion_days: int = Field(
        15, ge=1, le=60, description="working days a department has to answer a suggestion"
    )
    reopen_days: int = Field(
        15, ge=1, le=90, description="days after an answer within which a resident may reopen"
    )
    timezone: str = Field(
        "Asia/Shanghai", description="local time in which working days and deadlines are counted"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def days_for(self, kind: str) -> int:
        days: int = getattr(self, f"{kind}_days")
        return days


@lru_cache(maxsize=1)
def consultation_settings() -> ConsultationSettings:
    settings: ConsultationSettings = load(ConsultationSettings)
    return settings
