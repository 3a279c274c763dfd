"""Alipay mini-program sign-in against a fake Alipay gateway that checks our RSA2 signature and
signs its answers with a platform key made in the test (public-key and certificate modes)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import orjson
import pytest
import pytest_asyncio
from alipay import DCAliPay
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from channels.alipay.client import _signer
from channels.alipay.settings import SANDBOX_GATEWAY, alipay_settings
from channels.identity.models import ChannelAccount
from channels.identity.service import authenticate
from config.runtime import Runtime
from gateway.schemas import CitizenPrincipal

APP_ID = "2021000000000001"
URL = "/api/v1/auth/alipay-mp"
RESPONSE_KEY = "alipay_system_oauth_token_response"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa2(key: rsa.RSAPrivateKey, text: str) -> str:
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer: str, issuer_key: rsa.RSAPrivateKey, serial: int
) -> str:
    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Platform"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Test Unit"),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]
        )

    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(issuer_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class FakeAlipay:
    """Plays the OpenAPI gateway for `alipay.system.oauth.token`."""

    app_key: rsa.RSAPrivateKey
    platform_key: rsa.RSAPrivateKey
    users: dict[str, dict[str, str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    requests: list[dict[str, str]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    expect_cert_sn: tuple[str, str] | None = None
    tamper: Callable[[str], str] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        params = dict(parse_qsl(request.content.decode()))
        self.requests.append(params)
        sign = params.pop("sign")
        unsigned = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        self.app_key.public_key().verify(
            base64.b64decode(sign), unsigned.encode(), padding.PKCS1v15(), hashes.SHA256()
        )  # raises on a bad signature: the test fails loudly
        assert params["sign_type"] == "RSA2"
        assert params["app_id"] == APP_ID
        if self.expect_cert_sn is not None:
            assert (params["app_cert_sn"], params["alipay_root_cert_sn"]) == self.expect_cert_sn
        code = params.get("code", "")
        if code in self.used or code not in self.users:
            error = {
                "code": "40002",
                "msg": "Invalid Arguments",
                "sub_code": "isv.code-invalid",
                "sub_msg": "授权码code无效",
            }
            return self._signed("error_response", orjson.dumps(error).decode())
        self.used.add(code)
        content = orjson.dumps(
            {**self.users[code], "access_token": "authusrB", "expires_in": 1296000}
        ).decode()
        return self._signed(RESPONSE_KEY, content)

    def _signed(self, key: str, content: str) -> httpx.Response:
        signature = rsa2(self.platform_key, content)
        if self.tamper is not None:
            content = self.tamper(content)
        raw = f'{{"{key}":{content},"sign":"{signature}"}}'
        return httpx.Response(200, content=raw.encode(), headers={"content-type": "text/html"})


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {"app": new_key(), "platform": new_key(), "root": new_key(), "stranger": new_key()}


@pytest.fixture
def fake_alipay(keys: dict[str, rsa.RSAPrivateKey]) -> FakeAlipay:
    return FakeAlipay(keys["app"], keys["platform"])


@pytest.fixture
def public_key_mode(
    monkeypatch: pytest.MonkeyPatch, keys: dict[str, rsa.RSAPrivateKey]
) -> Iterator[None]:
    monkeypatch.setenv("GOVHUB_ALIPAY_APP_ID", APP_ID)
    monkeypatch.setenv("GOVHUB_ALIPAY_GATEWAY", SANDBOX_GATEWAY)
    monkeypatch.setenv("GOVHUB_ALIPAY_APP_PRIVATE_KEY", private_pem(keys["app"]))
    monkeypatch.setenv("GOVHUB_ALIPAY_ALIPAY_PUBLIC_KEY", public_pem(keys["platform"]))
    alipay_settings.cache_clear()
    yield
    alipay_settings.cache_clear()
    _signer.cache_clear()


@pytest_asyncio.fixture
async def alipay_http(rt: Runtime, fake_alipay: FakeAlipay) -> AsyncIterator[None]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake_alipay.handle))
    rt.extras["http.alipay"] = http
    yield
    rt.extras.pop("http.alipay", None)
    await http.aclose()


async def login(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await client.post(URL, json={"code": code})


@pytest.mark.usefixtures("public_key_mode", "alipay_http")
class TestPublicKeyMode:
    @pytest.mark.asyncio
    async def test_code_becomes_a_session(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay
    ) -> None:
        fake_alipay.users["auth-1"] = {"user_id": "2088000000000001"}
        response = await login(client, "auth-1")
        assert response.status_code == 200, response.text
        principal = await authenticate(response.json()["data"]["access_token"])
        assert isinstance(principal, CitizenPrincipal)
        account = await ChannelAccount.get(channel="alipay_mp", external_id="2088000000000001")
        assert account.app_id == APP_ID
        assert fake_alipay.urls[0].startswith(SANDBOX_GATEWAY)
        sent = fake_alipay.requests[0]
        assert sent["method"] == "alipay.system.oauth.token"
        assert sent["grant_type"] == "authorization_code"
        assert "biz_content" not in sent

    @pytest.mark.asyncio
    async def test_open_id_when_there_is_no_user_id(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay
    ) -> None:
        fake_alipay.users["auth-2"] = {"open_id": "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"}
        assert (await login(client, "auth-2")).status_code == 200
        assert await ChannelAccount.filter(channel="alipay_mp").count() == 1

    @pytest.mark.asyncio
    async def test_used_or_unknown_code(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay
    ) -> None:
        fake_alipay.users["auth-3"] = {"user_id": "2088000000000003"}
        assert (await login(client, "auth-3")).status_code == 200
        for code in ("auth-3", "never-issued"):
            response = await login(client, code)
            assert response.status_code == 401
            assert response.json()["code"] == "ALIPAY_CODE_INVALID"

    @pytest.mark.asyncio
    async def test_forged_answer_is_refused(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay, keys: dict[str, Any]
    ) -> None:
        fake_alipay.users["auth-4"] = {"user_id": "2088000000000004"}
        fake_alipay.platform_key = keys["stranger"]
        response = await login(client, "auth-4")
        assert response.status_code == 502
        assert response.json()["code"] == "ALIPAY_SIGNATURE_INVALID"
        assert await ChannelAccount.all().count() == 0

    @pytest.mark.asyncio
    async def test_altered_answer_is_refused(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay
    ) -> None:
        fake_alipay.users["auth-5"] = {"user_id": "2088000000000005"}
        fake_alipay.tamper = lambda content: content.replace("2088000000000005", "2088000000000666")
        response = await login(client, "auth-5")
        assert response.json()["code"] == "ALIPAY_SIGNATURE_INVALID"
        assert await ChannelAccount.all().count() == 0

    @pytest.mark.asyncio
    async def test_unparseable_answer(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay, rt: Runtime
    ) -> None:
        broken = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(502)))
        rt.extras["http.alipay"] = broken
        response = await login(client, "auth-6")
        await broken.aclose()
        assert response.status_code == 502
        assert response.json()["code"] == "ALIPAY_API_ERROR"


class TestCertificateMode:
    @pytest.mark.asyncio
    async def test_signed_with_cert_serials_and_verified_with_the_platform_cert(
        self,
        client: httpx.AsyncClient,
        fake_alipay: FakeAlipay,
        alipay_http: None,
        keys: dict[str, rsa.RSAPrivateKey],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        root = certificate("Test Root", keys["root"], "Test Root", keys["root"], 1)
        app_cert = certificate(APP_ID, keys["app"], "Test Root", keys["root"], 2)
        platform_cert = certificate("Alipay", keys["platform"], "Test Root", keys["root"], 3)
        monkeypatch.setenv("GOVHUB_ALIPAY_APP_ID", APP_ID)
        monkeypatch.setenv("GOVHUB_ALIPAY_APP_PRIVATE_KEY", private_pem(keys["app"]))
        monkeypatch.setenv("GOVHUB_ALIPAY_APP_CERT", app_cert)
        monkeypatch.setenv("GOVHUB_ALIPAY_ALIPAY_CERT", platform_cert)
        monkeypatch.setenv("GOVHUB_ALIPAY_ALIPAY_ROOT_CERT", root)
        alipay_settings.cache_clear()
        fake_alipay.expect_cert_sn = (
            DCAliPay.get_cert_sn(app_cert),
            DCAliPay.get_root_cert_sn(root),
        )
        fake_alipay.users["auth-7"] = {"user_id": "2088000000000007"}
        try:
            response = await login(client, "auth-7")
        finally:
            alipay_settings.cache_clear()
            _signer.cache_clear()
        assert response.status_code == 200, response.text
        assert fake_alipay.urls[0].startswith("https://openapi.alipay.com/gateway.do")


class TestNotConfigured:
    @pytest.mark.asyncio
    async def test_answers_not_found(self, client: httpx.AsyncClient) -> None:
        alipay_settings.cache_clear()
        response = await login(client, "auth-8")
        assert response.status_code == 404
        assert response.json()["code"] == "CHANNEL_NOT_CONFIGURED"


def phone_grant(platform_key: rsa.RSAPrivateKey, aes_key: bytes, mobile: str) -> str:
    """What my.getPhoneNumber hands the mini-program: the AES-sealed mobile, signed by Alipay."""
    from cryptography.hazmat.primitives import padding as block_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    content = orjson.dumps({"code": "10000", "msg": "Success", "mobile": mobile})
    padder = block_padding.PKCS7(128).padder()
    padded = padder.update(content) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(bytes(16))).encryptor()
    response = base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()
    sign = rsa2(platform_key, f'"{response}"')
    grant = {"response": response, "sign": sign, "sign_type": "RSA2", "encrypt_type": "AES"}
    return orjson.dumps(grant).decode()


@pytest.mark.usefixtures("public_key_mode", "alipay_http")
class TestPhoneFromGetPhoneNumber:
    AES_KEY = bytes(range(16))

    @pytest.fixture(autouse=True)
    def aes_key(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        monkeypatch.setenv("GOVHUB_ALIPAY_AES_KEY", base64.b64encode(self.AES_KEY).decode())
        alipay_settings.cache_clear()
        yield
        alipay_settings.cache_clear()

    @pytest.mark.asyncio
    async def test_alipay_then_app_is_one_resident(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay, keys: dict[str, Any]
    ) -> None:
        from tests.app.helpers import PHONE, app_login
        from tests.identity.test_channel_accounts import citizen_of

        fake_alipay.users["auth-p1"] = {"user_id": "2088000000000101"}
        grant = phone_grant(keys["platform"], self.AES_KEY, PHONE)
        response = await client.post(URL, json={"code": "auth-p1", "phone_response": grant})
        assert response.status_code == 200, response.text
        app = await app_login(client)
        assert citizen_of(app) == citizen_of(response.json()["data"])

    @pytest.mark.asyncio
    async def test_a_forged_phone_grant_is_refused(
        self, client: httpx.AsyncClient, fake_alipay: FakeAlipay, keys: dict[str, Any]
    ) -> None:
        fake_alipay.users["auth-p2"] = {"user_id": "2088000000000102"}
        grant = phone_grant(keys["stranger"], self.AES_KEY, "13812345678")
        response = await client.post(URL, json={"code": "auth-p2", "phone_response": grant})
        assert response.status_code == 400
        assert response.json()["code"] == "ALIPAY_PHONE_INVALID"
        assert await ChannelAccount.all().count() == 0
