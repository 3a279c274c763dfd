"""WeChat web authorization for the city-services H5 pages.

`start` sends the resident to WeChat with a signed `state` carrying where to return; the
callback checks the signature and expiry, claims the state once (a replayed callback is
refused), trades the code for the openid, signs the resident in and lands on `next` with the
GovHub tokens in the URL fragment (never sent to a server nor in a Referer). `next` may only be
a path of this site.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import orjson

from channels.identity.crypto import derive_key
from channels.identity.service import sign_in_channel_account
from channels.wechat.api import wechat_api
from channels.wechat.errors import (
    CodeInvalid,
    OAuthStateInvalid,
    OAuthStateReused,
    RedirectInvalid,
    WeChatApiError,
)
from channels.wechat.settings import OfficialAccount, wechat_config
from config.runtime import runtime
from gateway.clients import is_site_path
from gateway.schemas import Channel

STATE_TTL = 600
# WeChat's answers for a code that is wrong, expired or already used.
CODE_REJECTED = frozenset({40029, 40163, 41008, 42003})


@dataclass(frozen=True, slots=True)
class OAuthState:
    app_id: str
    nonce: str
    expires_at: int
    next: str


def page_url(base_url: str, app_id: str, path: str) -> str:
    """A page of this site opened through WeChat OAuth, so the page knows the resident."""
    return f"{base_url.rstrip('/')}/channels/wechat/{app_id}/oauth/start?next={quote(path)}"


def safe_next(target: str) -> str:
    """`target` when it is a path of this site, else `RedirectInvalid` (no open redirect)."""
    if not is_site_path(target):
        raise RedirectInvalid()
    return target


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StateSigner:
    """HMAC-signed, expiring `state` values; the key is derived from GOVHUB_SECRET_KEY."""

    def _mac(self, payload: str) -> str:
        key = derive_key("wechat-oauth-state")
        return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())

    def issue(self, app_id: str, next_path: str, now: float | None = None) -> str:
        expires_at = int((time.time() if now is None else now) + STATE_TTL)
        body = {"a": app_id, "n": secrets.token_urlsafe(12), "x": expires_at, "p": next_path}
        payload = _b64(orjson.dumps(body))
        return f"{payload}.{self._mac(payload)}"

    def read(self, app_id: str, state: str, now: float | None = None) -> OAuthState:
        payload, _, mac = state.partition(".")
        if not mac or not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            raise OAuthStateInvalid()
        try:
            body = orjson.loads(_unb64(payload))
            parsed = OAuthState(str(body["a"]), str(body["n"]), int(body["x"]), str(body["p"]))
        except (ValueError, KeyError, TypeError):
            raise OAuthStateInvalid() from None
        if parsed.app_id != app_id or parsed.expires_at < (time.time() if now is None else now):
            raise OAuthStateInvalid()
        return parsed


class WeChatOAuth:
    def __init__(self, signer: StateSigner | None = None) -> None:
        self.signer = signer or StateSigner()

    def authorize_url(
        self, account: OfficialAccount, next_path: str, scope: str | None = None
    ) -> str:
        config = wechat_config()
        state = self.signer.issue(account.app_id, safe_next(next_path))
        base_url = runtime().settings.public_base_url.rstrip("/")
        query = urlencode(
            {
                "appid": account.app_id,
                "redirect_uri": f"{base_url}/channels/wechat/{account.app_id}/oauth/callback",
                "response_type": "code",
                "scope": scope or config.oauth_scope,
                "state": state,
            }
        )
        return f"{config.platform.open_base}/connect/oauth2/authorize?{query}#wechat_redirect"

    async def complete(self, account: OfficialAccount, code: str, state: str) -> str:
        """The landing URL (`next` with the tokens in its fragment) once the resident is in."""
        parsed = self.signer.read(account.app_id, state)
        ttl = max(parsed.expires_at - time.time(), 1) + 60
        if not await runtime().store.set_if_absent(f"wechat:oauth:state:{parsed.nonce}", "1", ttl):
            raise OAuthStateReused()
        identity = await exchange_code(account, code)
        pair = await sign_in_channel_account(
            Channel.WECHAT_OA, account.app_id, identity["openid"], unionid=identity.get("unionid")
        )
        fragment = urlencode(
            {
                "access_token": pair.access_token,
                "refresh_token": pair.refresh_token,
                "expires_in": pair.expires_in,
                "token_type": pair.token_type,
            }
        )
        base_url = runtime().settings.public_base_url.rstrip("/")
        return f"{base_url}{safe_next(parsed.next)}#{fragment}"


async def exchange_code(account: OfficialAccount, code: str) -> dict[str, str]:
    """The resident's openid (and unionid when WeChat gives one) for an OAuth code."""
    try:
        data = await wechat_api().get(
            "/sns/oauth2/access_token",
            {
                "appid": account.app_id,
                "secret": account.secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
    except WeChatApiError as exc:
        if exc.errcode in CODE_REJECTED:
            raise CodeInvalid() from None
        raise
    if not data.get("openid"):
        raise WeChatApiError("no-openid")
    return {k: str(data[k]) for k in ("openid", "unionid") if data.get(k)}


oauth = WeChatOAuth()
