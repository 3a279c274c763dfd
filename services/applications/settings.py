"""Settings of online applications (`GOVHUB_APPLICATIONS_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class ApplicationSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_APPLICATIONS_", env_file=".env", extra="ignore"
    )

    storage: str = Field("local", description="where uploaded materials are kept: local")
    storage_dir: str = Field("var/files", description="folder of the local storage")
    max_upload_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="largest material a resident may upload"
    )
    link_seconds: int = Field(
        600, ge=30, le=86400, description="how long a signed link to a material works"
    )
    scanner: str = Field("none", description="virus scan of uploads: none")


@lru_cache(maxsize=1)
def application_settings() -> ApplicationSettings:
    settings: ApplicationSettings = load(ApplicationSettings)
    return settings
