"""Alibaba Cloud SMS: `SendSms` (Dysmsapi 2017-05-25) signed with the RPC signature V1.

Signing (HMAC-SHA1): every parameter but `Signature` is percent-encoded (RFC 3986: only
`A-Z a-z 0-9 - _ . ~` stay literal, UTF-8 bytes as `%XY`), sorted by name and joined as
`k=v&…`; the string to sign is `METHOD&%2F&` + the percent-encoded joined string; the key is
the AccessKey secret followed by `&`; the signature is the base64 of the digest.

Delivery receipts (`SmsReport`, HTTP batch push) name the message by the `BizId` SendSms
returned.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

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
from notify.settings import AliyunSmsSettings, aliyun_sms_settings, sms_settings

API_VERSION = "2017-05-25"

# Result codes of SendSms (the `Code` field) and of the API gateway in front of it.
RESULTS: dict[str, Outcome] = {
    "OK": Outcome.SENT,
    "isp.SYSTEM_ERROR": Outcome.RETRY,
    "isv.BUSINESS_LIMIT_CONTROL": Outcome.RETRY,
    "isv.OUT_OF_SERVICE": Outcome.RETRY,
    "isv.AMOUNT_NOT_ENOUGH": Outcome.RETRY,
    "Throttling.User": Outcome.RETRY,
    "ServiceUnavailable": Outcome.RETRY,
    "SignatureNonceUsed": Outcome.RETRY,
    "InvalidTimeStamp.Expired": Outcome.RETRY,
    "isv.MOBILE_NUMBER_ILLEGAL": Outcome.PERMANENT,
    "isv.MOBILE_COUNT_OVER_LIMIT": Outcome.PERMANENT,
    "isv.TEMPLATE_MISSING_PARAMETERS": Outcome.PERMANENT,
    "isv.SMS_TEMPLATE_ILLEGAL": Outcome.PERMANENT,
    "isv.SMS_SIGNATURE_ILLEGAL": Outcome.PERMANENT,
    "isv.INVALID_PARAMETERS": Outcome.PERMANENT,
    "isv.INVALID_JSON_PARAM": Outcome.PERMANENT,
    "isv.PARAM_LENGTH_LIMIT": Outcome.PERMANENT,
    "isv.BLACK_KEY_CONTROL_LIMIT": Outcome.PERMANENT,
    "isv.DAY_LIMIT_CONTROL": Outcome.PERMANENT,
    "isp.RAM_PERMISSION_DENY": Outcome.PERMANENT,
    "SignatureDoesNotMatch": Outcome.PERMANENT,
    "InvalidAccessKeyId.NotFound": Outcome.PERMANENT,
}


def percent_encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_query(params: Mapping[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def rpc_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    digest = hmac.new(
        f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AliyunSmsProvider:
    name = "aliyun_sms"
    kind = Kind.SMS

    def __init__(self, settings: AliyunSmsSettings, http: httpx.AsyncClient, sign_name: str):
        if not settings.configured:
            raise RuntimeError("GOVHUB_SMS_ALIYUN_ACCESS_KEY_ID / _SECRET are not set")
        self.settings = settings
        self.http = http
        self.sign_name = sign_name

    @classmethod
    def from_settings(cls) -> AliyunSmsProvider:
        return cls(aliyun_sms_settings(), platform_http("aliyun_sms"), sms_settings().sign_name)

    def signed_params(self, business: Mapping[str, str], now: datetime) -> dict[str, str]:
        assert self.settings.access_key_id is not None
        assert self.settings.access_key_secret is not None
        params = {
            "AccessKeyId": self.settings.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": self.settings.region_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": timestamp(now),
            "Version": API_VERSION,
            **business,
        }
        secret = self.settings.access_key_secret.get_secret_value()
        return params | {"Signature": rpc_signature("POST", params, secret)}

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        rendered = message.rendered
        business = {
            "PhoneNumbers": message.recipient.address,
            "SignName": self.sign_name,
            "TemplateCode": rendered.template.sms.aliyun_code,
            "TemplateParam": orjson.dumps(dict(rendered.sms_params())).decode(),
            "OutId": message.reference,
        }
        response = await self.http.post(
            self.settings.endpoint,
            content=canonical_query(self.signed_params(business, datetime.now(UTC))).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        return interpret(response)


def interpret(response: httpx.Response) -> SendResult:
    """Maps a SendSms answer through `RESULTS`; an answer without a code by its HTTP status."""
    fallback = Outcome.RETRY if response.status_code >= 500 else Outcome.PERMANENT
    data = json_object(response.content)
    code = data.get("Code")
    if not isinstance(code, str):
        return SendResult(fallback, f"http_{response.status_code}")
    return result(
        RESULTS,
        code,
        message_id=str(data.get("BizId") or "") or None,
        detail=str(data.get("Message", "")),
        default=fallback,
    )


def parse_receipts(body: bytes) -> list[Receipt]:
    """Reads an SmsReport push: a JSON list of `{biz_id, success, err_code, …}`."""
    return [
        Receipt(str(item["biz_id"]), bool(item.get("success")), str(item.get("err_code", "")))
        for item in receipt_items(body, "biz_id")
    ]


RECEIPT_ACK = {"code": 0, "msg": "成功"}
