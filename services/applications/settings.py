"""Settings of online applications (`GOVHUB_APPLICATIONS_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load

STORAGE_KINDS = ("local", "s3")
SCANNER_KINDS = ("none", "clamav")


class ApplicationSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_APPLICATIONS_", env_file=".env", extra="ignore"
    )

    storage: str = Field("local", description="where uploaded materials are kept: local or s3")
    storage_dir: str = Field("var/files", description="folder of the local storage")
    s3_endpoint_url: str | None = Field(
        None, description="S3-compatible endpoint (MinIO, Ceph, OSS); unset: AWS S3 of the region"
    )
    s3_bucket: str = Field("", description="bucket of the s3 storage (must exist)")
    s3_region: str = Field("us-east-1", description="region the requests are signed for")
    s3_access_key_id: str | None = Field(
        None, description="access key id; unset: the AWS default credential chain"
    )
    s3_secret_access_key: SecretStr | None = Field(None, description="its secret access key")
    s3_key_prefix: str = Field("", description="prepended to every object key, e.g. govhub/")
    s3_path_style: bool = Field(
        False, description="path-style URLs (MinIO, Ceph) instead of bucket host names"
    )
    max_upload_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="largest material a resident may upload"
    )
    link_seconds: int = Field(
        600, ge=30, le=86400, description="how long a signed link to a material works"
    )
    scanner: str = Field("none", description="virus scan of uploads: none or clamav")
    clamd_host: str = Field("127.0.0.1", description="address of clamd for the clamav scanner")
    clamd_port: int = Field(3310, ge=1, le=65535, description="TCP port of clamd")
    clamd_timeout_seconds: float = Field(
        10.0, gt=0, description="how long clamd may take to answer one upload"
    )

    @field_validator("storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if value not in STORAGE_KINDS:
            raise ValueError(f"one of {', '.join(STORAGE_KINDS)}")
        return value

    @field_validator("scanner")
    @classmethod
    def _known_scanner(cls, value: str) -> str:
        if value not in SCANNER_KINDS:
            raise ValueError(f"one of {', '.join(SCANNER_KINDS)}")
        return value

    @field_validator("s3_bucket")
    @classmethod
    def _bucket_for_s3(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("storage") == "s3" and not value:
            raise ValueError("needed when GOVHUB_APPLICATIONS_STORAGE=s3")
        return value


@lru_cache(maxsize=1)
def application_settings() -> ApplicationSettings:
    settings: ApplicationSettings = load(ApplicationSettings)
    return settings
