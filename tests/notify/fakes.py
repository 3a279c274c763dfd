"""Fake platform servers at the HTTP boundary. Each one checks the request the way the real
platform does, with its own implementation of the signing rules (written from the vendors'
documentation, independently of notify's), and refuses what does not verify."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import orjson
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

Clock = Callable[[], datetime]


def _json(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=orjson.dumps(body), headers={"Content-Type": "json"})


def server_error() -> httpx.Response:
    return httpx.Response(500, text="<html>500 Internal Server Error</html>")


# --------------------------------------------------------------------------- Alibaba Cloud SMS

ALIYUN_KEY_ID = "LTAI-test-key-id"
ALIYUN_SECRET = "aliyun-test-secret"


def aliyun_encode(text: str) -> str:
    """RFC 3986 as the RPC signature documents it: only A-Z a-z 0-9 - _ . ~ stay literal."""
    unreserved = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    return "".join(chr(b) if b in unreserved else f"%{b:02X}" for b in text.encode())


def aliyun_expected_signature(method: str, params: dict[str, str], secret: str) -> str:
    pairs = sorted((aliyun_encode(k), aliyun_encode(v)) for k, v in params.items())
    canonical = "&".join(f"{k}={v}" for k, v in pairs)
    text = "&".join([method, aliyun_encode("/"), aliyun_encode(canonical)])
    mac = hmac.new((secret + "&").encode(), text.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


@dataclass
class FakeAliyunSms:
    """Plays dysmsapi.aliyuncs.com `SendSms`: checks the signature, answers `code` (OK by
    default), or 500s while `down_until` has not passed on `clock`."""

    clock: Clock
    secret: str = ALIYUN_SECRET
    code: str = "OK"
    down_until: datetime | None = None
    accepted: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    server_errors: int = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down_until is not None and self.clock() < self.down_until:
            self.server_errors += 1
            return server_error()
        assert request.method == "POST"
        assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
        params = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        signature = params.pop("Signature", "")
        expected = aliyun_expected_signature("POST", params, self.secret)
        if not hmac.compare_digest(signature, expected):
            self.refused.append("signature")
            return _json({"Code": "SignatureDoesNotMatch", "Message": "bad signature"}, 400)
        assert params["AccessKeyId"] == ALIYUN_KEY_ID
        assert params["Action"] == "SendSms"
        assert params["Version"] == "2017-05-25"
        assert params["SignatureMethod"] == "HMAC-SHA1"
        assert params["SignatureVersion"] == "1.0"
        assert params["Format"] == "JSON"
        assert len(params["SignatureNonce"]) >= 16
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - stamp).total_seconds()) < 900
        if self.code != "OK":
            return _json({"Code": self.code, "Message": "refused", "RequestId": "r"})
        self.accepted.append(params)
        biz_id = f"{900000 + len(self.accepted)}^0"
        return _json({"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"})


# ---------------------------------------------------------------------------- Tencent Cloud SMS

TENCENT_SECRET_ID = "AKID-test-secret-id"
TENCENT_SECRET_KEY = "tencent-test-secret-key"
TENCENT_APP_ID = "1400000001"


def tc3_expected_signature(request: httpx.Request, secret_key: str) -> str:
    """Recomputes TC3-HMAC-SHA256 from what the request carries, header by signed header."""
    authorization = request.headers["authorization"]
    _, _, rest = authorization.partition(" ")
    parts = dict(item.strip().split("=", 1) for item in rest.split(","))
    signed = parts["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed)
    payload_hash = hashlib.sha256(request.content).hexdigest()
    canonical = "\n".join(
        [
            request.method,
            request.url.path or "/",
            request.url.query.decode(),
            canonical_headers,
            parts["SignedHeaders"],
            payload_hash,
        ]
    )
    stamp = int(request.headers["x-tc-timestamp"])
    day = time.strftime("%Y-%m-%d", time.gmtime(stamp))
    scope = f"{day}/sms/tc3_request"
    assert parts["Credential"] == f"{TENCENT_SECRET_ID}/{scope}"
    text = "\n".join(
        ["TC3-HMAC-SHA256", str(stamp), scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("TC3" + secret_key).encode()
    for part in (day, "sms", "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@dataclass
class FakeTencentSms:
    """Plays sms.tencentcloudapi.com `SendSms` 2021-01-11; `code` is the number's status, or
    `error` the call's error code."""

    secret_key: str = TENCENT_SECRET_KEY
    code: str = "Ok"
    error: str | None = None
    accepted: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.status >= 500:
            return server_error()
        signature = request.headers["authorization"].rsplit("Signature=", 1)[1]
        if not hmac.compare_digest(signature, tc3_expected_signature(request, self.secret_key)):
            return self._error("AuthFailure.SignatureFailure")
        assert "host" in request.headers["authorization"].split("SignedHeaders=")[1]
        assert request.headers["x-tc-action"] == "SendSms"
        assert request.headers["x-tc-version"] == "2021-01-11"
        assert request.headers["x-tc-region"] == "ap-guangzhou"
        assert abs(int(request.headers["x-tc-timestamp"]) - time.time()) < 300
        body = orjson.loads(request.content)
        assert body["SmsSdkAppId"] == TENCENT_APP_ID
        if self.error is not None:
            return self._error(self.error)
        if self.code == "Ok":
            self.accepted.append(body)
        status = {
            "SerialNo": f"2019:{len(self.accepted)}",
            "PhoneNumber": body["PhoneNumberSet"][0],
            "Fee": 1,
            "SessionContext": body.get("SessionContext", ""),
            "Code": self.code,
            "Message": "send success" if self.code == "Ok" else "refused",
            "IsoCode": "CN",
        }
        return _json({"Response": {"SendStatusSet": [status], "RequestId": "r"}})

    @staticmethod
    def _error(code: str) -> httpx.Response:
        return _json({"Response": {"Error": {"Code": code, "Message": code}, "RequestId": "r"}})


# ------------------------------------------------------------------------------------- WeChat

WECHAT_BASE = "https://wechat.test"


@dataclass
class FakeWeChat:
    """Plays api.weixin.qq.com for tokens and the two message APIs: a message is accepted only
    with a token this server issued to that app and has not revoked."""

    apps: dict[str, str]
    errcode: int = 0
    status: int = 200
    tokens: dict[str, str] = field(default_factory=dict)  # token -> app id
    tokens_issued: int = 0
    accepted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.status >= 500:
            return server_error()
        params = request.url.params
        if request.url.path == "/cgi-bin/token":
            assert params["grant_type"] == "client_credential"
            if self.apps.get(params["appid"]) != params["secret"]:
                return _json({"errcode": 40125, "errmsg": "invalid appsecret"})
            self.tokens_issued += 1
            token = f"token-{self.tokens_issued}-{secrets.token_hex(4)}"
            self.tokens[token] = params["appid"]
            return _json({"access_token": token, "expires_in": 7200})
        if params.get("access_token") not in self.tokens:
            return _json({"errcode": 40001, "errmsg": "invalid credential"})
        body = orjson.loads(request.content)
        if self.errcode:
            return _json({"errcode": self.errcode, "errmsg": "refused"})
        self.accepted.append((request.url.path, body))
        return _json({"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(self.accepted)})


# ------------------------------------------------------------------------------------- Alipay

ALIPAY_APP_ID = "2021000000000077"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class FakeAlipay:
    """Plays the OpenAPI gateway: checks our RSA2 signature, answers `code`, signs its answer
    with the platform key."""

    app_key: rsa.RSAPrivateKey
    platform_key: rsa.RSAPrivateKey
    code: str = "10000"
    status: int = 200
    accepted: list[dict[str, Any]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.status >= 500:
            return server_error()
        params = dict(parse_qsl(request.content.decode()))
        sign = params.pop("sign")
        unsigned = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        self.app_key.public_key().verify(
            base64.b64decode(sign), unsigned.encode(), padding.PKCS1v15(), hashes.SHA256()
        )  # raises on a bad signature: the test fails loudly
        assert params["app_id"] == ALIPAY_APP_ID
        assert params["sign_type"] == "RSA2"
        assert params["method"] == "alipay.open.app.mini.templatemessage.send"
        content = orjson.loads(params["biz_content"])
        if self.code == "10000":
            self.accepted.append(content)
            answer = {"code": "10000", "msg": "Success"}
        else:
            answer = {"code": self.code, "msg": "Failed", "sub_code": "isv.refused"}
        key = "alipay_open_app_mini_templatemessage_send_response"
        inner = orjson.dumps(answer).decode()
        signature = base64.b64encode(
            self.platform_key.sign(inner.encode(), padding.PKCS1v15(), hashes.SHA256())
        ).decode()
        return httpx.Response(200, text=f'{{"{key}":{inner},"sign":"{signature}"}}')


# ------------------------------------------------------------------------------ push gateway

PUSH_URL = "https://push.test/v1/messages"
PUSH_SECRET = "push-test-secret"


@dataclass
class FakePushGateway:
    """Checks `X-GovHub-Signature` (HMAC-SHA256 of `<timestamp>.<body>`) and answers `status`."""

    status: int = 200
    accepted: list[dict[str, Any]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        stamp = request.headers["x-govhub-timestamp"]
        assert abs(int(stamp) - time.time()) < 300
        mac = hmac.new(PUSH_SECRET.encode(), f"{stamp}.".encode() + request.content, "sha256")
        if request.headers["x-govhub-signature"] != "v1=" + mac.hexdigest():
            return httpx.Response(401)
        if self.status >= 300:
            return httpx.Response(self.status)
        body = orjson.loads(request.content)
        self.accepted.append(body)
        return _json({"message_id": f"push-{len(self.accepted)}"}, self.status)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))
