"""Settings of the notify module (`GOVHUB_SMS_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class SmsSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_SMS_", env_file=".env", extra="ignore")

    provider: str = Field(
        "sandbox", description="SMS provider (see notify/providers/sms.py SMS_PROVIDERS)"
    )


@lru_cache(maxsize=1)
def sms_settings() -> SmsSettings:
    settings: SmsSettings = load(SmsSettings)
    return settings
