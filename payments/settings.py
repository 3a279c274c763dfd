"""Settings of the payments module (`GOVHUB_PAYMENTS_*`) and of WeChat Pay (`GOVHUB_WECHATPAY_*`).
Alipay payments read the block of the Alipay app, `channels.alipay.settings` (`GOVHUB_ALIPAY_*`).

Every field can be read from a file with the `_FILE` suffix (`GOVHUB_WECHATPAY_PRIVATE_KEY_FILE`),
which is how keys and certificates are meant to be given. A provider whose required fields are
unset is not configured: its notify endpoint answers 404 and it cannot be chosen for an order.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, get_settings, load


class PaymentSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_PAYMENTS_", env_file=".env", extra="ignore"
    )

    order_ttl_minutes: int = Field(15, ge=1, le=24 * 60, description="minutes an order may be paid")
    sandbox: bool = Field(
        True, description="offer the sandbox provider and its cashier page (never in production)"
    )
    notification_max_skew_seconds: int = Field(
        300, ge=30, description="oldest notification timestamp accepted (WeChat Pay, sandbox)"
    )
    outbox_lease_seconds: int = Field(
        60, ge=5, description="how long a worker owns an outbox entry before another may retry it"
    )
    outbox_max_attempts: int = Field(
        12, ge=1, description="fulfilment attempts before an outbox entry is flagged for staff"
    )
    refund_max_attempts: int = Field(
        10, ge=1, description="submissions of a refund before it is flagged for staff"
    )
    status_query_interval_seconds: int = Field(
        5, ge=1, description="least time between two provider queries caused by status polls"
    )

    @property
    def sandbox_enabled(self) -> bool:
        return self.sandbox and not get_settings().is_production


class WeChatPaySettings(BlockSettings):
    """WeChat Pay API v3, direct merchant. Platform keys: public-key mode (`public_key` and
    `public_key_id`, merchants since late 2024) and/or platform certificates in `cert_dir`."""

    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_WECHATPAY_", env_file=".env", extra="ignore"
    )

    mchid: str | None = Field(None, description="merchant id (商户号)")
    appid: str | None = Field(None, description="official account appid (JSAPI in H5 pages)")
    mp_appid: str | None = Field(None, description="mini-program appid")
    app_appid: str | None = Field(None, description="mobile app appid (APP pay)")
    merchant_serial_no: str | None = Field(None, description="serial of the merchant API cert")
    private_key: SecretStr | None = Field(None, description="merchant API private key, PEM")
    apiv3_key: SecretStr | None = Field(None, description="APIv3 key (32 bytes)")
    public_key: str | None = Field(None, description="platform public key, PEM (public-key mode)")
    public_key_id: str | None = Field(None, description="platform public key id, PUB_KEY_ID_…")
    cert_dir: str | None = Field(None, description="folder of platform certificates (*.pem)")
    previous_public_key: str | None = Field(
        None, description="rotation: the platform public key being replaced, PEM"
    )
    previous_public_key_id: str | None = Field(
        None, description="rotation: the id of the platform public key being replaced"
    )
    previous_key_until: datetime | None = Field(
        None, description="rotation: the previous platform key is accepted until then (ISO 8601)"
    )
    api_base: str = Field("https://api.mch.weixin.qq.com", description="API base URL")

    @property
    def configured(self) -> bool:
        has_platform_key = bool(self.public_key and self.public_key_id) or bool(self.cert_dir)
        return bool(
            self.mchid
            and self.merchant_serial_no
            and self.private_key
            and self.apiv3_key
            and has_platform_key
            and (self.appid or self.mp_appid or self.app_appid)
        )


@lru_cache(maxsize=1)
def payment_settings() -> PaymentSettings:
    settings: PaymentSettings = load(PaymentSettings)
    return settings


@lru_cache(maxsize=1)
def wechatpay_settings() -> WeChatPaySettings:
    settings: WeChatPaySettings = load(WeChatPaySettings)
    return settings
