"""WeChat Pay API v3 (direct merchant): JSAPI for official-account pages and mini-programs, APP.

Only the SDK's pure helpers (`wechatpayv3.utils`, pinned at 2.0.4) are used: request signing
(`build_authorization`, SHA256-RSA), signature checks (`rsa_verify`) and AEAD_AES_256_GCM
decryption (`aes_decrypt`). HTTP goes through our own pooled `httpx.AsyncClient`, because the
SDK's `AsyncCore` opens a client of its own in `__aenter__` that cannot be given to it. Its
`callback()` does not check how old a notification is; `verify_notification` does (5 minutes).

Platform keys: public-key mode (`public_key` + `public_key_id`, no network) and/or platform
certificates, read from `cert_dir` and fetched from `/v3/certificates` when an unknown serial
turns up (at most once a minute, so forged serials cannot make us hammer the platform).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import httpx
import orjson
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from wechatpayv3.utils import (
    aes_decrypt,
    build_authorization,
    load_certificate,
    load_private_key,
    load_public_key,
    rsa_sign,
    rsa_verify,
)

from payments.providers.base import (
    Acknowledgement,
    ClientPayment,
    CreateRequest,
    Notification,
    NotificationRejected,
    PaymentReport,
    ProviderContext,
    ProviderError,
    RefundReport,
    RefundRequest,
)
from payments.providers.common import (
    CHINA_TIME,
    check_fresh,
    json_acknowledgement,
    still_accepted,
)
from payments.settings import WeChatPaySettings, wechatpay_settings
from payments.states import PaymentOutcome, RefundOutcome, TradeType

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
_CERT_REFRESH_INTERVAL = 60.0

# trade_state of a transaction → what it means to us.
TRADE_STATES: dict[str, PaymentOutcome] = {
    "SUCCESS": PaymentOutcome.PAID,
    "REFUND": PaymentOutcome.PAID,  # paid, then a refund was started
    "NOTPAY": PaymentOutcome.PENDING,
    "USERPAYING": PaymentOutcome.PENDING,
    "CLOSED": PaymentOutcome.CLOSED,
    "REVOKED": PaymentOutcome.CLOSED,
    "PAYERROR": PaymentOutcome.FAILED,
}
# status / refund_status of a refund → what it means to us.
REFUND_STATES: dict[str, RefundOutcome] = {
    "SUCCESS": RefundOutcome.SUCCEEDED,
    "PROCESSING": RefundOutcome.PROCESSING,
    "CLOSED": RefundOutcome.FAILED,
    "ABNORMAL": RefundOutcome.FAILED,
}
# Error codes after which asking again cannot help.
FINAL_ERRORS = frozenset(
    {"PARAM_ERROR", "INVALID_REQUEST", "NOT_ENOUGH", "ORDERPAID", "SIGN_ERROR", "NO_AUTH"}
)


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def payment_report(resource: Mapping[str, Any]) -> PaymentReport:
    """A transaction (notification resource or query answer) as a report."""
    status = str(resource["trade_state"])
    amount = resource.get("amount") or {}
    return PaymentReport(
        out_trade_no=str(resource["out_trade_no"]),
        outcome=TRADE_STATES.get(status, PaymentOutcome.PENDING),
        amount_fen=int(amount["total"]) if "total" in amount else None,
        currency=str(amount.get("currency", "CNY")),
        provider_trade_no=resource.get("transaction_id"),
        app_id=resource.get("appid"),
        merchant_id=resource.get("mchid"),
        paid_at=parse_time(resource.get("success_time")),
        platform_status=status,
    )


def refund_report(resource: Mapping[str, Any], status_key: str) -> RefundReport:
    """A refund (notification resource: `refund_status`; API answer: `status`) as a report."""
    status = str(resource[status_key])
    amount = resource.get("amount") or {}
    return RefundReport(
        out_refund_no=str(resource["out_refund_no"]),
        outcome=REFUND_STATES.get(status, RefundOutcome.PROCESSING),
        out_trade_no=resource.get("out_trade_no"),
        amount_fen=int(amount["refund"]) if "refund" in amount else None,
        provider_refund_no=resource.get("refund_id"),
        platform_status=status,
    )


PlatformKeyLookup = Callable[[str], Awaitable[RSAPublicKey | None]]


async def signature_ok(headers: Mapping[str, str], body: str, key_for: PlatformKeyLookup) -> bool:
    """The platform's RSA-SHA256 signature over "timestamp\nnonce\nbody\n", by the platform
    key the Wechatpay-Serial header names."""
    stamp = headers.get("wechatpay-timestamp", "")
    nonce = headers.get("wechatpay-nonce", "")
    signature = headers.get("wechatpay-signature", "")
    serial = headers.get("wechatpay-serial", "")
    if headers.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
        return False
    if not (stamp and nonce and signature and serial):
        return False
    key = await key_for(serial)
    if key is None:
        return False
    try:
        return bool(rsa_verify(stamp, nonce, body, signature, key))
    except (ValueError, TypeError):
        return False


def decrypt_resource(resource: Mapping[str, Any], apiv3_key: str) -> dict[str, Any]:
    """A notification's AEAD_AES_256_GCM resource, opened with the APIv3 key."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise NotificationRejected(f"unknown algorithm {resource.get('algorithm')!r}")
    plain = aes_decrypt(
        nonce=str(resource["nonce"]),
        ciphertext=str(resource["ciphertext"]),
        associated_data=str(resource.get("associated_data") or ""),
        apiv3_key=apiv3_key,
    )
    if plain is None:
        raise NotificationRejected("resource does not decrypt with the APIv3 key")
    decoded = orjson.loads(plain)
    if not isinstance(decoded, dict):
        raise NotificationRejected("resource is not an object")
    return decoded


async def read_notification(
    headers: Mapping[str, str],
    body: bytes,
    key_for: PlatformKeyLookup,
    apiv3_key: str,
    max_skew: int,
) -> Notification:
    """A WeChat Pay v3 notification, checked (signature, serial, age) and opened: the one code
    path of the real provider and of the sandbox that stands in for it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotificationRejected("body is not UTF-8") from None
    if not await signature_ok(headers, text, key_for):
        raise NotificationRejected("bad or missing signature")
    check_fresh(headers.get("wechatpay-timestamp", ""), max_skew)
    try:
        data = orjson.loads(body)
        event_type = str(data["event_type"])
        resource = decrypt_resource(data["resource"], apiv3_key)
        if event_type.startswith("TRANSACTION."):
            return Notification(str(data["id"]), payment=payment_report(resource))
        if event_type.startswith("REFUND."):
            return Notification(str(data["id"]), refund=refund_report(resource, "refund_status"))
        return Notification(str(data["id"]))
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
        raise NotificationRejected(f"malformed notification: {exc!r}") from None


class WeChatPayProvider:
    name: ClassVar[str] = "wechatpay"

    def __init__(
        self,
        settings: WeChatPaySettings,
        http: httpx.AsyncClient,
        notify_url: str,
        max_skew: int = 300,
    ) -> None:
        assert settings.private_key is not None
        assert settings.apiv3_key is not None
        assert settings.mchid is not None
        self._settings = settings
        self._http = http
        self._notify_url = notify_url
        self._max_skew = max_skew
        self._mchid = settings.mchid
        self._serial_no = settings.merchant_serial_no or ""
        self._base = settings.api_base.rstrip("/")
        self._private_key: RSAPrivateKey = load_private_key(settings.private_key.get_secret_value())
        self._apiv3_key = settings.apiv3_key.get_secret_value()
        self._public_key: RSAPublicKey | None = (
            load_public_key(settings.public_key) if settings.public_key else None
        )
        self._previous_key: RSAPublicKey | None = (
            load_public_key(settings.previous_public_key) if settings.previous_public_key else None
        )
        self._certificates: dict[int, tuple[RSAPublicKey, datetime]] = {}  # serial → key, expiry
        self._certs_refreshed_at = 0.0
        self._load_cert_dir()
        self._appids: dict[TradeType, str] = {
            trade_type: appid
            for trade_type, appid in (
                (TradeType.JSAPI, settings.appid),
                (TradeType.MINIPROGRAM, settings.mp_appid),
                (TradeType.APP, settings.app_appid),
                # Native and H5 need an appid bound to the merchant: the official account's, or
                # the mini-program's when there is none.
                (TradeType.NATIVE, settings.appid or settings.mp_appid),
                (TradeType.H5, settings.appid or settings.mp_appid),
            )
            if appid
        }
        self.trade_types = frozenset(self._appids)

    @classmethod
    def from_settings(cls, context: ProviderContext) -> WeChatPayProvider | None:
        settings = wechatpay_settings()
        if not settings.configured:
            return None
        return cls(
            settings,
            context.http_client(),
            context.notify_url(cls.name),
            context.payments.notification_max_skew_seconds,
        )

    # ---------------------------------------------------------------- platform keys

    def _load_cert_dir(self) -> None:
        folder = self._settings.cert_dir
        if not folder or not Path(folder).is_dir():
            return
        for path in sorted(Path(folder).glob("*.pem")):
            self._add_certificate(path.read_text(encoding="utf-8"))

    def _add_certificate(self, pem: str) -> None:
        certificate = load_certificate(pem)
        if certificate is None:
            return
        now = datetime.now(certificate.not_valid_after_utc.tzinfo)
        if certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            key = certificate.public_key()
            if isinstance(key, RSAPublicKey):
                expiry = certificate.not_valid_after_utc
                self._certificates[certificate.serial_number] = (key, expiry)

    async def _platform_key(self, serial: str) -> RSAPublicKey | None:
        """The platform key `serial` names, while it is valid: the configured public key, the
        previous one until its rotation window closes, or a certificate until it expires (the
        platform overlaps an old and a new certificate when it renews them)."""
        if self._public_key is not None and serial == self._settings.public_key_id:
            return self._public_key
        if (
            self._previous_key is not None
            and serial == self._settings.previous_public_key_id
            and still_accepted(self._settings.previous_key_until)
        ):
            return self._previous_key
        try:
            number = int(serial, 16)
        except ValueError:
            return None
        if number not in self._certificates and self._may_refresh_certificates():
            await self._refresh_certificates()
        found = self._certificates.get(number)
        if found is None or not still_accepted(found[1]):
            return None
        return found[0]

    def _may_refresh_certificates(self) -> bool:
        if self._public_key is not None and not self._settings.cert_dir:
            return False  # public-key mode only: there are no certificates to fetch
        return time.monotonic() - self._certs_refreshed_at >= _CERT_REFRESH_INTERVAL

    async def _refresh_certificates(self) -> None:
        """Fetches the platform certificates; they come encrypted with our APIv3 key, which is
        what vouches for them (the platform cannot sign with a key we do not have yet)."""
        self._certs_refreshed_at = time.monotonic()
        try:
            status, data = await self._call("GET", "/v3/certificates", verify=False)
        except ProviderError:
            return
        if status != 200:
            return
        for item in data.get("data", []):
            sealed = item.get("encrypt_certificate") or {}
            pem = aes_decrypt(
                nonce=sealed.get("nonce", ""),
                ciphertext=sealed.get("ciphertext", ""),
                associated_data=sealed.get("associated_data", ""),
                apiv3_key=self._apiv3_key,
            )
            if pem:
                self._add_certificate(pem)

    # ---------------------------------------------------------------- HTTP

    async def _call(
        self, method: str, path: str, payload: Mapping[str, Any] | None = None, verify: bool = True
    ) -> tuple[int, dict[str, Any]]:
        """One signed API call; the answer's signature is checked before it is believed."""
        body = orjson.dumps(payload).decode() if payload is not None else ""
        headers = {
            "Authorization": build_authorization(
                path, method, self._mchid, self._serial_no, self._private_key, data=body or None
            ),
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "GovHub",
        }
        if self._settings.public_key_id:
            headers["Wechatpay-Serial"] = self._settings.public_key_id
        try:
            response = await self._http.request(
                method, self._base + path, content=body.encode() or None, headers=headers
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"WeChat Pay unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise ProviderError(f"WeChat Pay answered {response.status_code}")
        answer = {k.lower(): v for k, v in response.headers.items()}
        signed = "wechatpay-signature" in answer
        if (verify and response.is_success) or signed:
            if not await signature_ok(answer, response.text, self._platform_key):
                raise ProviderError("WeChat Pay answer carries a wrong signature")
        data = orjson.loads(response.content) if response.content else {}
        return response.status_code, data if isinstance(data, dict) else {}

    @staticmethod
    def _refusal(status: int, data: Mapping[str, Any]) -> ProviderError:
        code = str(data.get("code", status))
        return ProviderError(
            f"WeChat Pay refused: {code} {data.get('message', '')}".strip(),
            retryable=code not in FINAL_ERRORS and status not in (400, 401, 403),
            code=code,
        )

    # ---------------------------------------------------------------- PaymentProvider

    def payer_app_id(self, trade_type: TradeType) -> str | None:
        """JSAPI and mini-program payments name the payer by openid, which is per app."""
        if trade_type not in (TradeType.JSAPI, TradeType.MINIPROGRAM):
            return None  # app, Native and H5 payers are whoever pays
        return self._appids.get(trade_type)

    async def create(self, request: CreateRequest) -> ClientPayment:
        appid = self._appids.get(request.trade_type)
        if appid is None:
            raise ProviderError("trade type not configured", retryable=False, code="TRADE_TYPE")
        payload: dict[str, Any] = {
            "appid": appid,
            "mchid": self._mchid,
            "description": request.description,
            "out_trade_no": request.out_trade_no,
            "time_expire": request.expires_at.astimezone(CHINA_TIME).isoformat(timespec="seconds"),
            "notify_url": self._notify_url,
            "amount": {"total": request.amount_fen, "currency": "CNY"},
        }
        if request.trade_type in (TradeType.NATIVE, TradeType.H5):
            return await self._create_by_url(request, appid, payload)
        if request.trade_type == TradeType.APP:
            path = "/v3/pay/transactions/app"
        else:
            if not request.payer_id:
                raise ProviderError("openid required", retryable=False, code="PAYER")
            payload["payer"] = {"openid": request.payer_id}
            path = "/v3/pay/transactions/jsapi"
        status, data = await self._call("POST", path, payload)
        if status != 200 or "prepay_id" not in data:
            raise self._refusal(status, data)
        prepay_id = str(data["prepay_id"])
        params = (
            self._app_params(appid, prepay_id)
            if request.trade_type == TradeType.APP
            else self._jsapi_params(appid, prepay_id)
        )
        return ClientPayment(params=params, app_id=appid, merchant_id=self._mchid)

    async def _create_by_url(
        self, request: CreateRequest, appid: str, payload: dict[str, Any]
    ) -> ClientPayment:
        """Native answers a `code_url` to show as a QR code; H5 an `h5_url` the phone browser
        opens (WeChat checks it against the payer's address and the merchant's domain)."""
        if request.trade_type == TradeType.H5:
            if not request.client_ip:
                raise ProviderError("payer address required", retryable=False, code="PAYER")
            payload["scene_info"] = {
                "payer_client_ip": request.client_ip,
                "h5_info": {"type": "Wap"},
            }
            path, answer_key = "/v3/pay/transactions/h5", "h5_url"
        else:
            path, answer_key = "/v3/pay/transactions/native", "code_url"
        status, data = await self._call("POST", path, payload)
        if status != 200 or answer_key not in data:
            raise self._refusal(status, data)
        return ClientPayment(
            params={answer_key: str(data[answer_key])}, app_id=appid, merchant_id=self._mchid
        )

    def _jsapi_params(self, appid: str, prepay_id: str) -> dict[str, Any]:
        """`wx.requestPayment` / `WeixinJSBridge` parameters, signed with the merchant key."""
        stamp, nonce, package = (
            str(int(time.time())),
            secrets.token_hex(16),
            f"prepay_id={prepay_id}",
        )
        return {
            "appId": appid,
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": self.sign_fields([appid, stamp, nonce, package]),
        }

    def _app_params(self, appid: str, prepay_id: str) -> dict[str, Any]:
        """The APP SDK's `PayReq` fields."""
        stamp, nonce = str(int(time.time())), secrets.token_hex(16)
        return {
            "appid": appid,
            "partnerid": self._mchid,
            "prepayid": prepay_id,
            "package": "Sign=WXPay",
            "noncestr": nonce,
            "timestamp": stamp,
            "sign": self.sign_fields([appid, stamp, nonce, prepay_id]),
        }

    def sign_fields(self, fields: list[str]) -> str:
        """SHA256-RSA over the fields, one per line, as the client payment APIs want."""
        return str(rsa_sign(self._private_key, "\n".join(fields) + "\n"))

    async def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        return await read_notification(
            headers, body, self._platform_key, self._apiv3_key, self._max_skew
        )

    def acknowledge(
        self, accepted: bool, reason: str = "", headers: Mapping[str, str] | None = None
    ) -> Acknowledgement:
        return json_acknowledgement(accepted, reason)

    async def query(self, out_trade_no: str) -> PaymentReport:
        path = f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no)}?mchid={self._mchid}"
        status, data = await self._call("GET", path)
        if status == 404 and data.get("code") == "ORDER_NOT_EXIST":
            return PaymentReport(out_trade_no=out_trade_no, outcome=PaymentOutcome.UNKNOWN)
        if status != 200:
            raise self._refusal(status, data)
        try:
            return payment_report(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"unexpected query answer: {exc!r}") from None

    async def close(self, out_trade_no: str) -> None:
        path = f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no)}/close"
        status, data = await self._call("POST", path, {"mchid": self._mchid})
        if status in (200, 204) or data.get("code") in ("ORDER_NOT_EXIST", "ORDER_CLOSED"):
            return
        raise self._refusal(status, data)

    async def refund(self, request: RefundRequest) -> RefundReport:
        payload = {
            "out_trade_no": request.out_trade_no,
            "out_refund_no": request.out_refund_no,
            "reason": request.reason[:80],
            "notify_url": self._notify_url,
            "amount": {"refund": request.amount_fen, "total": request.total_fen, "currency": "CNY"},
        }
        status, data = await self._call("POST", "/v3/refund/domestic/refunds", payload)
        if status == 200:
            return refund_report(data, "status")
        error = self._refusal(status, data)
        if error.retryable:
            raise error
        return RefundReport(
            out_refund_no=request.out_refund_no,
            outcome=RefundOutcome.FAILED,
            out_trade_no=request.out_trade_no,
            platform_status=error.code or str(status),
        )

    async def download_statement(self, day: date) -> bytes:
        status, data = await self._call(
            "GET", f"/v3/bill/tradebill?bill_date={day.isoformat()}&bill_type=ALL"
        )
        if status != 200 or "download_url" not in data:
            raise self._refusal(status, data)
        url = urlsplit(str(data["download_url"]))
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {
            "Authorization": build_authorization(
                path, "GET", self._mchid, self._serial_no, self._private_key
            )
        }
        try:
            response = await self._http.get(str(data["download_url"]), headers=headers)
        except httpx.HTTPError as exc:
            raise ProviderError(f"statement download failed: {type(exc).__name__}") from exc
        if not response.is_success:
            raise ProviderError(f"statement download answered {response.status_code}")
        # The file's answer carries no platform signature; the digest from the signed answer
        # above is what vouches for it.
        digest = hashlib.sha1(response.content).hexdigest()
        if data.get("hash_type") != "SHA1" or digest != str(data.get("hash_value", "")).lower():
            raise ProviderError("statement does not match the digest the platform signed")
        return response.content

    async def aclose(self) -> None:
        await self._http.aclose()
