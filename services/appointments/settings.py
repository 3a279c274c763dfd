"""Settings of hall appointments (`GOVHUB_APPOINTMENTS_*`)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class AppointmentSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_APPOINTMENTS_", env_file=".env", extra="ignore"
    )

    timezone: str = Field("Asia/Shanghai", description="local time of the halls")
    booking_days: int = Field(14, ge=1, le=60, description="days ahead residents may book")
    cancel_cutoff_minutes: int = Field(
        60, ge=0, description="no cancelling or rescheduling closer than this to the start"
    )
    check_in_early_minutes: int = Field(
        60, ge=0, description="how long before the start a booking may be checked in"
    )
    no_show_grace_minutes: int = Field(
        15, ge=0, description="after the end of a slot, an unchecked booking is a no-show"
    )
    no_show_limit: int = Field(3, ge=1, description="no-shows that block booking")
    no_show_window_days: int = Field(30, ge=1, description="days the no-shows are counted over")
    block_days: int = Field(7, ge=1, description="days booking stays blocked")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def appointment_settings() -> AppointmentSettings:
    settings: AppointmentSettings = load(AppointmentSettings)
    return settings
