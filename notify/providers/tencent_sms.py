"""Tencent Cloud SMS: `SendSms` (API version 2021-01-11) signed with TC3-HMAC-SHA256.

Signing: the canonical request is `POST\\n/\\n\\n` + the signed headers (`content-type`, `host`)
as `name:value\\n` + `\\n` + their names joined by `;` + `\\n` + the SHA-256 hex of the body;
the string to sign is `TC3-HMAC-SHA256\\n<timestamp>\\n<date>/sms/tc3_request\\n` + the SHA-256
hex of the canonical request; the key is derived by chaining HMAC-SHA256 over the UTC date,
the service and `tc3_request`, starting from `"TC3" + SecretKey`.

Delivery receipts (status callback) name the message by the `SerialNo` SendSms returned
(`sid` in the callback).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import orjson

from channels.platform import platform_http
from notify.kinds import Kind
from notify.providers.base import (
    Outcome,
    OutgoingMessage,
    Receipt,
    SendResult,
    json_object,
    receipt_items,
    result,
)
from notify.settings import TencentSmsSettings, sms_settings, tencent_sms_settings

SERVICE = "sms"
API_VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"

# Per-number `Code` of SendStatusSet and `Error.Code` of a refused call.
RESULTS: dict[str, Outcome] = {
    "Ok": Outcome.SENT,
    "InternalError": Outcome.RETRY,
    "InternalError.Timeout": Outcome.RETRY,
    "InternalError.RequestTimeException": Outcome.RETRY,
    "InternalError.SendAndRecvFail": Outcome.RETRY,
    "RequestLimitExceeded": Outcome.RETRY,
    "AuthFailure.SignatureExpire": Outcome.RETRY,
    "LimitExceeded.PhoneNumberThirtySecondLimit": Outcome.RETRY,
    "LimitExceeded.PhoneNumberOneHourLimit": Outcome.RETRY,
    "FailedOperation.InsufficientBalanceInSmsPackage": Outcome.RETRY,
    "LimitExceeded.PhoneNumberDailyLimit": Outcome.PERMANENT,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": Outcome.PERMANENT,
    "InvalidParameterValue.IncorrectPhoneNumber": Outcome.PERMANENT,
    "InvalidParameterValue.TemplateParameterFormatError": Outcome.PERMANENT,
    "FailedOperation.PhoneNumberInBlacklist": Outcome.PERMANENT,
    "FailedOperation.SignatureIncorrectOrUnapproved": Outcome.PERMANENT,
    "FailedOperation.TemplateIncorrectOrUnapproved": Outcome.PERMANENT,
    "FailedOperation.ContainSensitiveWord": Outcome.PERMANENT,
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": Outcome.PERMANENT,
    "AuthFailure.SignatureFailure": Outcome.PERMANENT,
    "AuthFailure.SecretIdNotFound": Outcome.PERMANENT,
}


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tc3_authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    payload: bytes,
    timestamp: int,
    content_type: str = CONTENT_TYPE,
) -> str:
    """The `Authorization` header of a POST with a JSON body, signing content-type and host."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    signed_headers = "content-type;host"
    canonical_request = (
        f"POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n"
        f"{signed_headers}\n{_sha256(payload)}"
    )
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{_sha256(canonical_request.encode())}"
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


class TencentSmsProvider:
    name = "tencent_sms"
    kind = Kind.SMS

    def __init__(self, settings: TencentSmsSettings, http: httpx.AsyncClient, sign_name: str):
        if not settings.configured:
            raise RuntimeError("GOVHUB_SMS_TENCENT_SECRET_ID / _SECRET_KEY / _SDK_APP_ID unset")
        self.settings = settings
        self.http = http
        self.sign_name = sign_name
        self.host = urlsplit(settings.endpoint).netloc

    @classmethod
    def from_settings(cls) -> TencentSmsProvider:
        return cls(tencent_sms_settings(), platform_http("tencent_sms"), sms_settings().sign_name)

    def headers(self, payload: bytes, now: int) -> dict[str, str]:
        assert self.settings.secret_id is not None
        assert self.settings.secret_key is not None
        authorization = tc3_authorization(
            secret_id=self.settings.secret_id,
            secret_key=self.settings.secret_key.get_secret_value(),
            service=SERVICE,
            host=self.host,
            payload=payload,
            timestamp=now,
        )
        return {
            "Authorization": authorization,
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(now),
            "X-TC-Version": API_VERSION,
            "X-TC-Region": self.settings.region,
        }

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        rendered = message.rendered
        body = {
            "PhoneNumberSet": [f"+86{message.recipient.address}"],
            "SmsSdkAppId": self.settings.sdk_app_id,
            "SignName": self.sign_name,
            "TemplateId": rendered.template.sms.tencent_id,
            "TemplateParamSet": [value for _, value in rendered.sms_params()],
            "SessionContext": message.reference,
        }
        payload = orjson.dumps(body)
        now = int(datetime.now(UTC).timestamp())
        response = await self.http.post(
            self.settings.endpoint, content=payload, headers=self.headers(payload, now)
        )
        return interpret(response)


def interpret(response: httpx.Response) -> SendResult:
    """Maps the answer through `RESULTS`: the call's error if any, else the number's status."""
    fallback = Outcome.RETRY if response.status_code >= 500 else Outcome.PERMANENT
    data = json_object(response.content).get("Response")
    if not isinstance(data, dict):
        return SendResult(fallback, f"http_{response.status_code}")
    error = data.get("Error")
    if isinstance(error, dict):
        code = str(error.get("Code", "?"))
        return result(RESULTS, code, detail=str(error.get("Message", "")), default=fallback)
    statuses = data.get("SendStatusSet")
    if not isinstance(statuses, list) or not statuses or not isinstance(statuses[0], dict):
        return SendResult(fallback, "no-status")
    status = statuses[0]
    return result(
        RESULTS,
        str(status.get("Code", "?")),
        message_id=str(status.get("SerialNo") or "") or None,
        detail=str(status.get("Message", "")),
    )


def parse_receipts(body: bytes) -> list[Receipt]:
    """Reads a status callback: a JSON list of `{sid, report_status, errmsg, …}`."""
    return [
        Receipt(
            str(item["sid"]), item.get("report_status") == "SUCCESS", str(item.get("errmsg", ""))
        )
        for item in receipt_items(body, "sid")
    ]


RECEIPT_ACK = {"result": 0, "errmsg": "OK"}
