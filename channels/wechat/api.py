"""Calls to the WeChat API through our pooled async client, with one shared access token per app.

The token lives in the store, so every process uses the same one. Only the holder of a lock
fetches a new one: ahead of expiry (others keep using the still-valid token meanwhile), when
none is cached, and when WeChat says it is invalid or expired (40001 / 42001), then the call
is retried once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from channels.platform import platform_http
from channels.wechat.errors import WeChatApiError
from channels.wechat.settings import WeChatApp, wechat_config
from config.runtime import runtime
from config.store import LockNotAcquired, Store

logger = logging.getLogger(__name__)

TOKEN_REJECTED = frozenset({40001, 40014, 42001})
REFRESH_AHEAD = 300.0  # seconds before expiry when one holder fetches the next token
LOCK_TTL = 10.0
LOCK_WAIT = 8.0


@dataclass(frozen=True, slots=True)
class CachedToken:
    token: str
    expires_at: float

    def fresh(self, now: float) -> bool:
        return self.expires_at - now > REFRESH_AHEAD

    def valid(self, now: float) -> bool:
        return self.expires_at > now


class WeChatApi:
    def __init__(self, http: httpx.AsyncClient, store: Store, base: str) -> None:
        self.http = http
        self.store = store
        self.base = base.rstrip("/")

    # -- access token -------------------------------------------------------------------------

    async def access_token(self, app: WeChatApp, *, rejected: str | None = None) -> str:
        """A valid token for `app`; `rejected` is one WeChat just refused, never handed out."""
        now = time.time()
        cached = await self._cached(app)
        if cached is not None and cached.token != rejected and cached.valid(now):
            if cached.fresh(now):
                return cached.token
            try:  # nearing expiry: one holder refreshes, the others go on with this one
                async with self.store.lock(_token_key(app), ttl=LOCK_TTL, wait=0.05):
                    return await self._refresh(app, rejected)
            except LockNotAcquired:
                return cached.token
        try:
            async with self.store.lock(_token_key(app), ttl=LOCK_TTL, wait=LOCK_WAIT):
                return await self._refresh(app, rejected)
        except LockNotAcquired:
            raise WeChatApiError("token-lock") from None

    async def _cached(self, app: WeChatApp) -> CachedToken | None:
        raw = await self.store.get(_token_key(app))
        if raw is None:
            return None
        data = orjson.loads(raw)
        return CachedToken(str(data["token"]), float(data["expires_at"]))

    async def _refresh(self, app: WeChatApp, rejected: str | None) -> str:
        """Runs under the lock: another holder may have refreshed while we waited."""
        now = time.time()
        cached = await self._cached(app)
        if cached is not None and cached.token != rejected and cached.fresh(now):
            return cached.token
        data = await self.get(
            "/cgi-bin/token",
            {"grant_type": "client_credential", "appid": app.app_id, "secret": app.secret},
        )
        token, expires_in = str(data["access_token"]), float(data.get("expires_in", 7200))
        record = {"token": token, "expires_at": now + expires_in}
        await self.store.set(_token_key(app), orjson.dumps(record).decode(), ttl=expires_in)
        logger.info("wechat access token refreshed for %s", app.app_id)
        return token

    # -- calls --------------------------------------------------------------------------------

    async def get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        """A call that needs no access token (token, code2Session, OAuth code exchange)."""
        return _checked(await self._send("GET", path, params, None))

    async def call(
        self, app: WeChatApp, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """POSTs `body` with the app's access token; one refresh-and-retry on a refused token."""
        token = await self.access_token(app)
        data = await self._send("POST", path, {"access_token": token}, body)
        if data.get("errcode") in TOKEN_REJECTED:
            token = await self.access_token(app, rejected=token)
            data = await self._send("POST", path, {"access_token": token}, body)
        return _checked(data)

    async def _send(
        self, method: str, path: str, params: dict[str, str], body: dict[str, Any] | None
    ) -> dict[str, Any]:
        # WeChat wants UTF-8 text in JSON bodies, not \\u escapes (menus would show them).
        content = None if body is None else orjson.dumps(body)
        headers = {} if body is None else {"Content-Type": "application/json; charset=utf-8"}
        try:
            response = await self.http.request(
                method, self.base + path, params=params, content=content, headers=headers
            )
            data = orjson.loads(response.content)
        except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
            logger.warning("wechat %s failed: %s", path, type(exc).__name__)
            raise WeChatApiError("unreachable") from None
        if not isinstance(data, dict):
            raise WeChatApiError("bad-answer")
        return data


def _token_key(app: WeChatApp) -> str:
    return f"wechat:access_token:{app.app_id}"


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    errcode = data.get("errcode", 0)
    if errcode not in (0, None):
        raise WeChatApiError(int(errcode), str(data.get("errmsg", "")))
    return data


def wechat_api() -> WeChatApi:
    """The API client over the process's WeChat HTTP client and store."""
    return WeChatApi(platform_http("wechat"), runtime().store, wechat_config().platform.api_base)
