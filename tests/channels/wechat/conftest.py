"""A fake WeChat server at the HTTP boundary, the accounts it knows (WeChat's published sample
account among them), and a test app made of the real WeChat routes over a small registry of
demo actions standing in for the city services."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import pytest_asyncio
from fastapi import FastAPI
from pydantic import BaseModel
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from channels.identity.service import authenticate
from channels.wechat.router import auth_router, router
from channels.wechat.settings import wechat_config
from config.runtime import Runtime
from gateway.audit import AuditSink
from gateway.http import RequestIdMiddleware, install_error_handlers
from gateway.paging import Page, PageParams
from gateway.registry import Registry, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from gateway.service import Gateway

# WeChat's published message-encryption sample account.
SAMPLE_APP_ID = "wx5823bf96d3bd56c7"
SAMPLE_TOKEN = "QDG6eK"
SAMPLE_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SAMPLE_SECRET = "sample-app-secret"
# A second account, configured through the accounts file, in plain mode only.
SECOND_APP_ID = "wx00000000second01"
SECOND_TOKEN = "second-token"
SECOND_SECRET = "second-secret"
MP_APP_ID = "wxminiprogram00001"
MP_SECRET = "mini-program-secret"
API_BASE = "https://wechat.test"
OPEN_BASE = "https://open.wechat.test"
REPLY_BUDGET = 0.4
ORIGINAL_ID = "gh_citysvc0001"


class FakeWeChat:
    """Plays api.weixin.qq.com: tokens, customer-service messages, menus, codes."""

    def __init__(self) -> None:
        self.apps = {
            SAMPLE_APP_ID: SAMPLE_SECRET,
            SECOND_APP_ID: SECOND_SECRET,
            MP_APP_ID: MP_SECRET,
        }
        self.tokens_issued = 0
        self.token_lifetime = 7200
        self.token_delay = 0.0
        self.valid_tokens: set[str] = set()
        self.custom_messages: list[dict[str, Any]] = []
        self.custom_send_down = False  # answers 500 to customer-service messages while set
        self.menus: list[bytes] = []
        self.oauth_codes: dict[str, dict[str, str]] = {}
        self.mp_codes: dict[str, dict[str, str]] = {}
        self.phone_codes: dict[str, str] = {}
        self.used_codes: set[str] = set()
        self.requests: list[httpx.Request] = []

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, params = request.url.path, request.url.params
        if path == "/cgi-bin/token":
            return await self._token(params)
        if path in ("/sns/oauth2/access_token", "/sns/jscode2session"):
            codes = self.oauth_codes if path.startswith("/sns/oauth2") else self.mp_codes
            code = params.get("code") or params.get("js_code", "")
            if self.apps.get(params.get("appid", "")) != params.get("secret"):
                return _json({"errcode": 40125, "errmsg": "invalid appsecret"})
            return self._redeem(codes, code)
        if params.get("access_token") not in self.valid_tokens:
            return _json({"errcode": 40001, "errmsg": "invalid credential"})
        body = orjson.loads(request.content) if request.content else {}
        if path == "/cgi-bin/message/custom/send":
            if self.custom_send_down:
                return httpx.Response(500, text="upstream unavailable")
            self.custom_messages.append(body)
            return _json({"errcode": 0, "errmsg": "ok"})
        if path == "/cgi-bin/menu/create":
            self.menus.append(request.content)
            return _json({"errcode": 0, "errmsg": "ok"})
        if path == "/wxa/business/getuserphonenumber":
            phone = self.phone_codes.pop(body.get("code", ""), None)
            if phone is None:
                return _json({"errcode": 40029, "errmsg": "invalid code"})
            info = {"phoneNumber": f"+86{phone}", "purePhoneNumber": phone, "countryCode": "86"}
            return _json({"errcode": 0, "errmsg": "ok", "phone_info": info})
        return httpx.Response(404)

    async def _token(self, params: httpx.QueryParams) -> httpx.Response:
        if self.apps.get(params.get("appid", "")) != params.get("secret"):
            return _json({"errcode": 40125, "errmsg": "invalid appsecret"})
        self.tokens_issued += 1
        token = f"TOKEN-{params['appid']}-{self.tokens_issued}"
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        self.valid_tokens.add(token)
        return _json({"access_token": token, "expires_in": self.token_lifetime})

    def _redeem(self, codes: dict[str, dict[str, str]], code: str) -> httpx.Response:
        if code in self.used_codes:
            return _json({"errcode": 40163, "errmsg": "code been used"})
        if code not in codes:
            return _json({"errcode": 40029, "errmsg": "invalid code"})
        self.used_codes.add(code)
        return _json(codes[code])


def _json(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, content=orjson.dumps(body), headers={"content-type": "text/plain"})


# -- WeChat's side of a callback --------------------------------------------------------------


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def text_xml(content: str, msg_id: str, openid: str = "o-resident-1") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(
    event: str, key: str = "", openid: str = "o-resident-1", created: int | None = None
) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{created or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey></xml>"
    )


@dataclass
class Push:
    """One callback as WeChat would send it: query string and body."""

    params: dict[str, str]
    body: bytes


def plain_push(xml: str, token: str = SAMPLE_TOKEN, timestamp: int | None = None) -> Push:
    ts, nonce = str(timestamp or int(time.time())), "2741852963"
    return Push(
        {"signature": sign(token, ts, nonce), "timestamp": ts, "nonce": nonce}, xml.encode()
    )


def sealed_push(
    xml: str,
    app_id: str = SAMPLE_APP_ID,
    token: str = SAMPLE_TOKEN,
    aes_key: str = SAMPLE_AES_KEY,
) -> Push:
    ts, nonce = str(int(time.time())), "1372623149"
    sealed = WeChatCrypto(token, aes_key, app_id).encrypt_message(xml, nonce, ts)
    encrypt = sealed.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    body = (
        f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    params = {
        "signature": sign(token, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": "o-resident-1",
        "encrypt_type": "aes",
        "msg_signature": sign(token, ts, nonce, encrypt),
    }
    return Push(params, body.encode())


def open_reply(xml: str) -> str:
    """What WeChat does with a sealed passive reply: check its signature, then decrypt."""
    crypto = WeChatCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_APP_ID)
    envelope = {
        tag: xml.split(f"<{tag}>")[1]
        .split(f"</{tag}>")[0]
        .removeprefix("<![CDATA[")
        .removesuffix("]]>")
        for tag in ("Encrypt", "MsgSignature", "TimeStamp", "Nonce")
    }
    return str(
        crypto.decrypt_message(
            {"Encrypt": envelope["Encrypt"]},
            envelope["MsgSignature"],
            envelope["TimeStamp"],
            envelope["Nonce"],
        )
    )


# -- demo services the keywords point at ------------------------------------------------------


class SearchParams(BaseModel):
    q: str


class Item(BaseModel):
    code: str
    name: str
    summary: str


class SearchResult(BaseModel):
    items: list[Item]


class Ticket(BaseModel):
    label: str
    ahead: int
    estimated_wait_seconds: int
    window_name: str | None = None


@dataclass
class Calls:
    searches: list[str] = field(default_factory=list)
    tickets: list[int] = field(default_factory=list)
    slow_seconds: float = 1.0


def build_demo_services(calls: Calls) -> list[Service]:
    catalog = Service("catalog", "办事指南", "Service guide")
    queue = Service("queue", "排队叫号", "Queue")

    @catalog.action()
    async def search(request: ServiceRequest, params: SearchParams) -> SearchResult:
        """Searches the guide; 慢 takes longer than WeChat waits."""
        calls.searches.append(params.q)
        if params.q == "慢":
            await asyncio.sleep(calls.slow_seconds)
        return SearchResult(
            items=[Item(code="C-001", name=f"{params.q}办理", summary="材料与流程")]
        )

    @queue.action("my-numbers", identity=IdentityLevel.LOGGED_IN)
    async def my_numbers(request: ServiceRequest, params: PageParams) -> Page[Ticket]:
        """The signed-in resident's numbers today, one page like the real action."""
        assert request.citizen is not None
        calls.tickets.append(request.citizen.citizen_id)
        ticket = Ticket(label="A012", ahead=3, estimated_wait_seconds=600)
        return Page[Ticket](items=[ticket], next_cursor=None)

    return [catalog, queue]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def wechat_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps([{"app_id": SECOND_APP_ID, "secret": SECOND_SECRET, "token": SECOND_TOKEN}])
    )
    env = {
        "GOVHUB_WECHAT_OA_APP_ID": SAMPLE_APP_ID,
        "GOVHUB_WECHAT_OA_SECRET": SAMPLE_SECRET,
        "GOVHUB_WECHAT_OA_TOKEN": SAMPLE_TOKEN,
        "GOVHUB_WECHAT_OA_AES_KEY": SAMPLE_AES_KEY,
        "GOVHUB_WECHAT_OA_ACCOUNTS_FILE": str(accounts),
        "GOVHUB_WECHAT_MP_APP_ID": MP_APP_ID,
        "GOVHUB_WECHAT_MP_SECRET": MP_SECRET,
        "GOVHUB_WECHAT_API_BASE": API_BASE,
        "GOVHUB_WECHAT_OPEN_BASE": OPEN_BASE,
        "GOVHUB_WECHAT_REPLY_BUDGET": str(REPLY_BUDGET),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    wechat_config.cache_clear()
    yield
    wechat_config.cache_clear()


@pytest_asyncio.fixture
async def fake_wechat(rt: Runtime, db: None, wechat_env: None) -> AsyncIterator[FakeWeChat]:
    fake = FakeWeChat()
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake.handle))
    rt.extras["http.wechat"] = http
    yield fake
    rt.extras.pop("http.wechat", None)
    await http.aclose()


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest_asyncio.fixture
async def wechat(
    rt: Runtime, fake_wechat: FakeWeChat, calls: Calls
) -> AsyncIterator[httpx.AsyncClient]:
    """The WeChat routes over the demo services, driven in-process."""
    app = FastAPI()
    app.state.gateway = Gateway(
        Registry(build_demo_services(calls)),
        rt.store,
        authenticator=authenticate,
        audit=AuditSink(),
        rate_limit_per_ip=1000,
    )
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(auth_router)
    app.add_middleware(RequestIdMiddleware)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("10.9.8.7", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://govhub.test") as client:
        yield client
    await app.state.gateway.audit.stop()


async def push(
    client: httpx.AsyncClient, message: Push, app_id: str = SAMPLE_APP_ID
) -> httpx.Response:
    return await client.post(
        f"/channels/wechat/{app_id}/callback", params=message.params, content=message.body
    )
