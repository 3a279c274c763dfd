"""Settings of ratings (`GOVHUB_RATINGS_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class RatingSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_RATINGS_", env_file=".env", extra="ignore")

    rectification_days: int = Field(
        15, ge=1, le=60, description="working days a department has to close a 差评's rectification"
    )
    pending_days: int = Field(
        90, ge=1, le=366, description="how far back `ratings.pending` looks for unrated matters"
    )
    ranking_min_count: int = Field(
        10, ge=1, description="ratings a department or item needs to be ranked"
    )


@lru_cache(maxsize=1)
def rating_settings() -> RatingSettings:
    settings: RatingSettings = load(RatingSettings)
    return settings
