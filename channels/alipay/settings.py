"""Alipay settings (`GOVHUB_ALIPAY_*`): the one Alipay open-platform app GovHub signs as, used by
the mini-program sign-in, subscribe messages (`notify`) and Alipay payments (`payments`).

Keys and certificates are PEM text, best read from files
(`GOVHUB_ALIPAY_APP_PRIVATE_KEY_FILE=/run/secrets/alipay_app_key.pem`). Public-key mode needs
`ALIPAY_PUBLIC_KEY`; certificate mode needs `APP_CERT`, `ALIPAY_CERT` and `ALIPAY_ROOT_CERT`
instead. Without an app id and a private key Alipay is not configured: the Alipay login answers
404 and the Alipay payment provider is not offered. `SELLER_ID` and `WAP_RETURN_URL` are read by
payments only.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load

PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"
SANDBOX_GATEWAY = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"


class AlipaySettings(BlockSettings):
    """Alipay open platform, RSA2. Public-key mode (`alipay_public_key`) or certificate mode
    (`app_cert`, `alipay_cert`, `alipay_root_cert`)."""

    model_config = SettingsConfigDict(env_prefix="GOVHUB_ALIPAY_", env_file=".env", extra="ignore")

    app_id: str | None = Field(
        None, description="AppId of the Alipay mini-program (sign-in, messages and payments)"
    )
    gateway: str = Field(
        PRODUCTION_GATEWAY, description=f"OpenAPI gateway; the sandbox is {SANDBOX_GATEWAY}"
    )
    app_private_key: SecretStr | None = Field(None, description="app private key (PEM), RSA2")
    alipay_public_key: str | None = Field(None, description="Alipay public key (public-key mode)")
    app_cert: str | None = Field(None, description="app public-key certificate (cert mode)")
    alipay_cert: str | None = Field(None, description="Alipay public-key certificate (cert mode)")
    alipay_root_cert: str | None = Field(None, description="Alipay root certificate (cert mode)")
    previous_alipay_public_key: str | None = Field(
        None, description="rotation: the Alipay public key being replaced (public-key mode)"
    )
    previous_alipay_cert: str | None = Field(
        None, description="rotation: the Alipay public-key certificate being replaced (cert mode)"
    )
    previous_key_until: datetime | None = Field(
        None, description="rotation: the previous Alipay key is accepted until then (ISO 8601)"
    )
    seller_id: str | None = Field(
        None, description="payments: merchant PID (2088…), checked on payment notifications"
    )
    wap_return_url: str | None = Field(
        None, description="payments: where wap pay returns the resident"
    )

    @property
    def cert_mode(self) -> bool:
        return bool(self.app_cert and self.alipay_cert and self.alipay_root_cert)

    @property
    def configured(self) -> bool:
        has_key = self.app_private_key is not None and bool(self.app_private_key.get_secret_value())
        return bool(self.app_id) and has_key and (self.cert_mode or bool(self.alipay_public_key))


@lru_cache(maxsize=1)
def alipay_settings() -> AlipaySettings:
    settings: AlipaySettings = load(AlipaySettings)
    return settings
