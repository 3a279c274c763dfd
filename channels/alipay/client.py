"""Alipay OpenAPI calls: signed RSA2 by python-alipay-sdk, sent through our async client, and
the answer's signature verified before anything in it is believed.

The SDK's own HTTP (`urlopen`) blocks the event loop, so only its pure parts are used: the
request body (`build_body`, `sign_data`) and the answer check
(`_verify_and_return_sync_response`, an internal helper: the SDK version is pinned).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import httpx
import orjson
from alipay import AliPay, BaseAliPay, DCAliPay
from alipay.exceptions import AliPayException, AliPayValidationError

from channels.alipay.errors import AlipayApiError, AlipaySignatureInvalid
from channels.alipay.settings import AlipaySettings, alipay_settings
from channels.platform import platform_http
from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Channel

logger = logging.getLogger(__name__)

BEIJING = timezone(timedelta(hours=8))  # Alipay reads request timestamps as Beijing time
SUCCESS = "10000"


@lru_cache(maxsize=4)
def _signer(
    app_id: str,
    private_key: str,
    public_key: str | None,
    app_cert: str | None,
    alipay_cert: str | None,
    root_cert: str | None,
) -> BaseAliPay:
    if app_cert and alipay_cert and root_cert:
        return DCAliPay(
            appid=app_id,
            app_private_key_string=private_key,
            app_public_key_cert_string=app_cert,
            alipay_public_key_cert_string=alipay_cert,
            alipay_root_cert_string=root_cert,
            sign_type="RSA2",
        )
    return AliPay(
        appid=app_id,
        app_private_key_string=private_key,
        alipay_public_key_string=public_key,
        sign_type="RSA2",
    )


def signer_for(settings: AlipaySettings) -> BaseAliPay:
    """The SDK object that signs and verifies as the configured app: `DCAliPay` in certificate
    mode, `AliPay` in public-key mode. The one construction path for every Alipay caller (this
    client, the payments provider); cached per set of keys."""
    assert settings.app_id is not None
    assert settings.app_private_key is not None
    return _signer(
        settings.app_id,
        settings.app_private_key.get_secret_value(),
        settings.alipay_public_key,
        settings.app_cert,
        settings.alipay_cert,
        settings.alipay_root_cert,
    )


def signed_body(
    signer: BaseAliPay, method: str, biz_content: dict[str, Any] | None = None, **params: str | None
) -> str:
    """The signed, URL-encoded parameters of one OpenAPI call, for every Alipay caller. The SDK
    stamps a request with the machine's local time; Alipay reads the stamp as Beijing time, so
    it is set here. Empty `biz_content` is left out (calls such as `alipay.system.oauth.token`
    take none), and so are empty `notify_url` / `return_url` (the SDK drops them)."""
    stamp = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    data = signer.build_body(method, biz_content or {}, timestamp=stamp, **params)
    if not biz_content:
        data.pop("biz_content", None)
    return str(signer.sign_data(data))


class AlipayClient:
    def __init__(self, settings: AlipaySettings, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.http = http
        self.signer = signer_for(settings)

    async def call(
        self, method: str, biz_content: dict[str, Any] | None = None, **params: str
    ) -> dict[str, Any]:
        """The verified `<method>_response` content; `AlipayApiError` for a refusal."""
        body = signed_body(self.signer, method, biz_content, **params)
        try:
            response = await self.http.post(
                self.settings.gateway,
                content=body.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
            )
        except httpx.HTTPError as exc:
            logger.warning("alipay %s failed: %s", method, type(exc).__name__)
            raise AlipayApiError("unreachable") from None
        return self._verified(response.text, method.replace(".", "_") + "_response")

    def _verified(self, raw: str, response_type: str) -> dict[str, Any]:
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise AlipayApiError("bad-answer") from None
        if not isinstance(parsed, dict):
            raise AlipayApiError("bad-answer")
        error = parsed.get("error_response")
        if isinstance(error, dict) or "sign" not in parsed:
            failure = error or parsed.get(response_type) or {}
            raise AlipayApiError(str(failure.get("code", "?")), str(failure.get("sub_code", "")))
        try:
            content: dict[str, Any] = self.signer._verify_and_return_sync_response(
                raw, response_type
            )
        except (AliPayValidationError, AliPayException, ValueError, TypeError):
            # AliPayValidationError: wrong signature, the others: an answer we cannot check.
            raise AlipaySignatureInvalid() from None
        code = content.get("code")
        if code is not None and str(code) != SUCCESS:
            raise AlipayApiError(str(code), str(content.get("sub_code", "")))
        return content


def alipay_client() -> AlipayClient:
    settings = alipay_settings()
    if not settings.configured:
        raise GovError(Code.CHANNEL_NOT_CONFIGURED, channel=Channel.ALIPAY_MP.value)
    return AlipayClient(settings, platform_http("alipay"))
