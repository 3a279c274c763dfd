"""Settings of the notify module.

- `GOVHUB_NOTIFY_*`: routing, quiet hours, retries, rate limits, which provider carries each
  kind of message (the sandbox by default, so `make run` needs no platform account).
- `GOVHUB_SMS_*`: the SMS provider (`sandbox`, `aliyun` or `tencent`) and the sign name, with
  `GOVHUB_SMS_ALIYUN_*` and `GOVHUB_SMS_TENCENT_*` for the vendors.
- `GOVHUB_PUSH_*`: the app push gateway (HTTPS webhook signed with HMAC-SHA256).

Every API base is a setting, so tests and sandboxes point them at local fakes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, SettingsError, load
from gateway.schemas import Channel
from notify.kinds import Kind

DEFAULT_FALLBACK: dict[str, list[str]] = {
    "wechat_oa": ["sms"],
    "wechat_mp": ["sms"],
    "alipay_mp": ["sms"],
    "app": ["sms"],
    "web": [],
}
DEFAULT_RATE_LIMITS: dict[str, int] = {
    "wechat_template": 1200,
    "wechat_subscribe": 1200,
    "alipay_subscribe": 600,
    "aliyun_sms": 600,
    "tencent_sms": 600,
    "webhook_push": 1200,
}


class NotifySettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_NOTIFY_", env_file=".env", extra="ignore")

    wechat_oa_provider: str = Field(
        "sandbox", description="official-account messages: sandbox or wechat"
    )
    wechat_mp_provider: str = Field(
        "sandbox", description="mini-program subscribe messages: sandbox or wechat"
    )
    alipay_mp_provider: str = Field(
        "sandbox", description="Alipay mini-program subscribe messages: sandbox or alipay"
    )
    push_provider: str = Field("sandbox", description="app push: sandbox or webhook")
    fallback: dict[str, list[str]] = Field(
        default_factory=lambda: dict(DEFAULT_FALLBACK),
        description=(
            'JSON: per channel, the kinds tried after its own, e.g. {"wechat_oa": ["sms"]}; '
            "kinds are wechat_oa, wechat_mp, alipay_mp, push, sms"
        ),
    )
    quiet_hours: str = Field(
        "22:00-08:00", description="HH:MM-HH:MM when non-urgent messages wait; empty: none"
    )
    timezone: str = Field("Asia/Shanghai", description="time zone of the quiet hours")
    max_attempts: int = Field(
        8, ge=1, le=50, description="tries per provider before falling back or dead-lettering"
    )
    retry_base: float = Field(30.0, gt=0, description="seconds before the first retry")
    retry_max: float = Field(3600.0, gt=0, description="longest wait between two retries")
    lease_seconds: float = Field(
        120.0, gt=0, description="how long a worker holds a message before another may take it"
    )
    sweep_batch: int = Field(200, ge=1, description="messages handled per sweep")
    rate_limits: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_RATE_LIMITS),
        description="JSON: messages per minute per provider name; missing means unlimited",
    )
    template_ids_file: Path | None = Field(
        None,
        description=(
            "JSON file of platform template ids per event: "
            '{"payment_succeeded": {"wechat_oa": "…", "aliyun": "SMS_…", "tencent": "…"}}'
        ),
    )
    receipt_token: SecretStr | None = Field(
        None, description="secret path segment of the SMS receipt endpoints; unset: off"
    )
    wechat_mp_state: str = Field(
        "formal", description="mini-program version subscribe messages open: formal, trial…"
    )

    @field_validator("fallback")
    @classmethod
    def _known_kinds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        channels = {c.value for c in Channel}
        kinds = {k.value for k in Kind}
        for channel, route in value.items():
            if channel not in channels:
                raise ValueError(f"unknown channel {channel!r}")
            unknown = [k for k in route if k not in kinds]
            if unknown:
                raise ValueError(f"unknown kind {unknown[0]!r} for {channel}")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        if value.strip():
            parse_window(value)
        return value.strip()


def parse_window(text: str) -> tuple[int, int]:
    """`22:00-08:00` as minutes after midnight (start, end)."""
    try:
        start, end = (part.strip() for part in text.split("-"))
        return _minutes(start), _minutes(end)
    except ValueError:
        raise ValueError("expected HH:MM-HH:MM") from None


def _minutes(text: str) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(text)
    return hours * 60 + minutes


class SmsSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_SMS_", env_file=".env", extra="ignore")

    provider: str = Field("sandbox", description="SMS provider: sandbox, aliyun or tencent")
    sign_name: str = Field("GovHub", description="the sign name registered with the vendor")


class AliyunSmsSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_SMS_ALIYUN_", env_file=".env", extra="ignore"
    )

    access_key_id: str | None = Field(None, description="AccessKey id of a RAM user")
    access_key_secret: SecretStr | None = Field(None, description="its AccessKey secret")
    endpoint: str = Field("https://dysmsapi.aliyuncs.com/", description="Dysms API base")
    region_id: str = Field("cn-hangzhou", description="RegionId sent with each request")

    @property
    def configured(self) -> bool:
        return bool(self.access_key_id) and bool(_secret(self.access_key_secret))


class TencentSmsSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_SMS_TENCENT_", env_file=".env", extra="ignore"
    )

    secret_id: str | None = Field(None, description="SecretId of a CAM user")
    secret_key: SecretStr | None = Field(None, description="its SecretKey")
    sdk_app_id: str | None = Field(None, description="SmsSdkAppId (1400…)")
    endpoint: str = Field("https://sms.tencentcloudapi.com/", description="SMS API base")
    region: str = Field("ap-guangzhou", description="X-TC-Region")

    @property
    def configured(self) -> bool:
        return bool(self.secret_id and self.sdk_app_id) and bool(_secret(self.secret_key))


class PushSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_PUSH_", env_file=".env", extra="ignore")

    webhook_url: str | None = Field(None, description="HTTPS endpoint of the push gateway")
    webhook_secret: SecretStr | None = Field(None, description="HMAC-SHA256 key it checks")
    key_id: str = Field("govhub", description="sent as X-GovHub-Key-Id, for key rotation")

    @property
    def configured(self) -> bool:
        return bool(self.webhook_url) and bool(_secret(self.webhook_secret))


def _secret(value: SecretStr | None) -> str:
    return "" if value is None else value.get_secret_value()


@lru_cache(maxsize=1)
def notify_settings() -> NotifySettings:
    settings: NotifySettings = load(NotifySettings)
    return settings


@lru_cache(maxsize=1)
def sms_settings() -> SmsSettings:
    settings: SmsSettings = load(SmsSettings)
    return settings


@lru_cache(maxsize=1)
def aliyun_sms_settings() -> AliyunSmsSettings:
    settings: AliyunSmsSettings = load(AliyunSmsSettings)
    return settings


@lru_cache(maxsize=1)
def tencent_sms_settings() -> TencentSmsSettings:
    settings: TencentSmsSettings = load(TencentSmsSettings)
    return settings


@lru_cache(maxsize=1)
def push_settings() -> PushSettings:
    settings: PushSettings = load(PushSettings)
    return settings


@lru_cache(maxsize=1)
def template_id_overrides() -> dict[str, dict[str, str]]:
    """Platform template ids a deployment registered, by event and platform key."""
    path = notify_settings().template_ids_file
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"GOVHUB_NOTIFY_TEMPLATE_IDS_FILE: {path}: {exc}") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise SettingsError("GOVHUB_NOTIFY_TEMPLATE_IDS_FILE: expected an object of objects")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw.items()}


def reload_notify_settings() -> None:
    """Reads every notify block again (after the environment changed)."""
    for loader in (
        notify_settings,
        sms_settings,
        aliyun_sms_settings,
        tencent_sms_settings,
        push_settings,
        template_id_overrides,
    ):
        loader.cache_clear()
