"""Settings in effect, read once from `GOVHUB_*` environment variables and `.env`.

Every secret can also come from a file: `GOVHUB_SECRET_KEY_FILE=/run/secrets/key` is read in
place of `GOVHUB_SECRET_KEY`. A bad value stops the process at start with the variable named.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "GOVHUB_"
DEV_SECRET_KEY = "dev-only-secret-key-change-me-in-production-0000"


class FileSecretsSource(PydanticBaseSettingsSource):
    """Reads `<VAR>_FILE` for every field, so secrets never have to sit in the environment."""

    def __init__(self, settings_cls: type[BaseSettings], prefix: str) -> None:
        super().__init__(settings_cls)
        self.prefix = prefix

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        variable = f"{self.prefix}{field_name.upper()}_FILE"
        path = os.environ.get(variable)
        if not path:
            return None, field_name, False
        try:
            return Path(path).read_text(encoding="utf-8").strip(), field_name, False
        except OSError as exc:
            raise SettingsError(f"{variable}: cannot read {path}: {exc.strerror}") from exc

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                values[key] = value
        return values


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


class BlockSettings(BaseSettings):
    """Base of a block of settings with its own prefix, e.g. `GOVHUB_WECHAT_OA_`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        prefix = str(settings_cls.model_config.get("env_prefix", ""))
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            FileSecretsSource(settings_cls, prefix),
        )


class Settings(BlockSettings):
    """Top-level settings. Blocks for each platform live beside the code that uses them."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    env: str = Field("development", description="development, test or production")
    database_url: str = Field(
        "sqlite://var/govhub.sqlite3",
        description="tortoise URL: sqlite://path or postgres://user:pass@host:5432/db",
    )
    redis_url: str | None = Field(
        None, description="redis://host:6379/0; unset runs the embedded store and job runner"
    )
    redis_prefix: str = Field("govhub:", description="prefix of every Redis key GovHub writes")
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET_KEY), description="signs tokens and keys the hashes of phones and IDs"
    )
    data_keys: SecretStr | None = Field(
        None,
        description=(
            "comma-separated `id:base64key` list of AES-256 keys for personal data; the first "
            "encrypts, all decrypt (rotation). Unset derives one key from the secret key"
        ),
    )
    host: str = Field("127.0.0.1", description="address `govhub serve` listens on")
    port: int = Field(8000, ge=1, le=65535, description="port `govhub serve` listens on")
    workers: int = Field(1, ge=1, le=64, description="app processes for `govhub serve`")
    public_base_url: str = Field(
        "http://127.0.0.1:8000", description="how residents and platforms reach this server"
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(False, description="one JSON object per log line")
    default_locale: str = Field("zh-CN", description="locale of messages without Accept-Language")
    rate_limit_per_ip: int = Field(
        600, ge=1, description="requests a client address may make to the gateway per minute"
    )
    max_in_flight: int = Field(
        64,
        ge=1,
        description="gateway invocations one app process works on at once; past it a request "
        "is answered SERVER_BUSY (503, Retry-After) at once instead of queueing",
    )
    db_pool_max: int = Field(20, ge=1, description="PostgreSQL connections per app process")
    run_scheduler: bool | None = Field(
        None,
        description=(
            "run periodic jobs inside `govhub serve`; unset means yes when embedded (production "
            "runs one `govhub scheduler` instead)"
        ),
    )
    trusted_proxies: str = Field(
        "",
        description=(
            "comma-separated CIDRs of the load balancers in front; only from them is the client "
            "address taken from X-Forwarded-For"
        ),
    )
    idempotency_ttl: int = Field(
        86400, ge=60, description="seconds an Idempotency-Key and its answer are kept"
    )
    idempotency_takeover_seconds: int = Field(
        120,
        ge=5,
        description="seconds after which a claim whose request died without committing may be "
        "taken over by a retry",
    )
    scheduler_interval_seconds: float = Field(
        60.0, ge=0.05, le=60, description="how often the scheduler looks for periodic jobs due"
    )
    dev_endpoints: bool = Field(
        True, description="dev-only pages (sandbox SMS outbox); forced off in production"
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        import ipaddress

        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"not a CIDR: {item}") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
            raise ValueError("must start with sqlite:// or postgres://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _known_redis(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def embedded(self) -> bool:
        """True when there is no Redis: store, rate limits and jobs live in this one process."""
        return self.redis_url is None

    @property
    def scheduler_in_app(self) -> bool:
        return self.embedded if self.run_scheduler is None else self.run_scheduler

    @property
    def dev_endpoints_enabled(self) -> bool:
        return self.dev_endpoints and not self.is_production

    def check_production(self) -> None:
        if self.is_production and self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            raise SettingsError("GOVHUB_SECRET_KEY: must be set in production")


def load(block: type[BlockSettings], **overrides: Any) -> Any:
    """Builds one settings block, turning a validation error into one naming the variables."""
    try:
        return block(**overrides)
    except ValidationError as exc:
        prefix = str(block.model_config.get("env_prefix", ""))
        problems = "; ".join(
            f"{prefix}{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(problems) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings: Settings = load(Settings)
    settings.check_production()
    return settings


def describe(settings: BaseSettings) -> dict[str, str]:
    """The settings in effect as `VAR=value`, secrets masked, for `govhub check`."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    shown: dict[str, str] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            text = "********" if value.get_secret_value() else "(empty)"
        elif value is None:
            text = "(unset)"
        else:
            text = str(value)
            if "://" in text and "@" in text:
                scheme, rest = text.split("://", 1)
                text = f"{scheme}://****@{rest.split('@', 1)[1]}"
        shown[f"{prefix}{name.upper()}"] = text
    return shown


__all__ = ["Settings", "SettingsError", "describe", "get_settings", "load"]
