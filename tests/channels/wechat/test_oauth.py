"""WeChat OAuth for the H5 pages: signed single-use state, no open redirect, sign-in."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from channels.identity.models import ChannelAccount
from channels.identity.service import authenticate
from channels.wechat.oauth import StateSigner
from gateway.schemas import CitizenPrincipal
from tests.channels.wechat.conftest import OPEN_BASE, SAMPLE_APP_ID, SECOND_APP_ID, FakeWeChat

START = f"/channels/wechat/{SAMPLE_APP_ID}/oauth/start"
CALLBACK = f"/channels/wechat/{SAMPLE_APP_ID}/oauth/callback"


async def start(client: httpx.AsyncClient, next_path: str = "/h5/bills?tab=water") -> str:
    response = await client.get(START, params={"next": next_path})
    assert response.status_code == 302, response.text
    return response.headers["location"]


def state_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["state"][0]


class TestStart:
    @pytest.mark.asyncio
    async def test_redirects_to_the_authorize_page(self, wechat: httpx.AsyncClient) -> None:
        location = await start(wechat)
        url = urlsplit(location)
        query = parse_qs(url.query)
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{OPEN_BASE}/connect/oauth2/authorize"
        assert url.fragment == "wechat_redirect"
        assert query["appid"] == [SAMPLE_APP_ID]
        assert query["scope"] == ["snsapi_base"]
        assert query["response_type"] == ["code"]
        assert query["redirect_uri"][0].endswith(CALLBACK)

    @pytest.mark.asyncio
    async def test_userinfo_scope_on_request(self, wechat: httpx.AsyncClient) -> None:
        response = await wechat.get(START, params={"next": "/h5", "scope": "snsapi_userinfo"})
        assert parse_qs(urlsplit(response.headers["location"]).query)["scope"] == [
            "snsapi_userinfo"
        ]

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/path",
            "/\\evil.example",
            "javascript:alert(1)",
            "h5/relative",
            "/h5/\r\nLocation: https://evil.example",
            "/h5#fragment",
        ],
    )
    async def test_next_must_be_a_path_of_this_site(
        self, wechat: httpx.AsyncClient, target: str
    ) -> None:
        response = await wechat.get(START, params={"next": target})
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "OAUTH_REDIRECT_INVALID"


class TestCallback:
    @pytest.mark.asyncio
    async def test_code_signs_the_resident_in_and_lands_on_next(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.oauth_codes["code-1"] = {"openid": "o-h5-1", "unionid": "u-1"}
        state = state_of(await start(wechat))
        response = await wechat.get(CALLBACK, params={"code": "code-1", "state": state})
        assert response.status_code == 302, response.text
        landing = urlsplit(response.headers["location"])
        assert landing.path == "/h5/bills"
        assert landing.query == "tab=water"
        tokens = parse_qs(landing.fragment)
        principal = await authenticate(tokens["access_token"][0])
        assert isinstance(principal, CitizenPrincipal)
        account = await ChannelAccount.get(channel="wechat_oa", external_id="o-h5-1")
        assert account.unionid == "u-1"
        assert principal.citizen_id == account.citizen_id

    @pytest.mark.asyncio
    async def test_state_is_single_use(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.oauth_codes["code-2"] = {"openid": "o-h5-2"}
        fake_wechat.oauth_codes["code-3"] = {"openid": "o-h5-3"}
        state = state_of(await start(wechat))
        first = await wechat.get(CALLBACK, params={"code": "code-2", "state": state})
        again = await wechat.get(CALLBACK, params={"code": "code-3", "state": state})
        assert first.status_code == 302
        assert again.status_code == 409
        assert again.json()["code"] == "OAUTH_STATE_REUSED"
        assert not await ChannelAccount.filter(external_id="o-h5-3").exists()

    @pytest.mark.asyncio
    async def test_tampered_state(self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat) -> None:
        fake_wechat.oauth_codes["code-4"] = {"openid": "o-h5-4"}
        state = state_of(await start(wechat))
        payload, mac = state.split(".")
        forged = StateSigner().issue(SAMPLE_APP_ID, "/h5").split(".")[0] + "." + mac
        for bad in (forged, payload + ".AAAA", "garbage", payload):
            response = await wechat.get(CALLBACK, params={"code": "code-4", "state": bad})
            assert response.status_code == 403, bad
            assert response.json()["code"] == "OAUTH_STATE_INVALID"
        assert not await ChannelAccount.filter(external_id="o-h5-4").exists()

    @pytest.mark.asyncio
    async def test_state_of_another_account_or_expired(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.oauth_codes["code-5"] = {"openid": "o-h5-5"}
        for state in (
            StateSigner().issue(SECOND_APP_ID, "/h5"),
            StateSigner().issue(SAMPLE_APP_ID, "/h5", now=time.time() - 3600),
        ):
            response = await wechat.get(CALLBACK, params={"code": "code-5", "state": state})
            assert response.status_code == 403
        assert fake_wechat.used_codes == set()

    @pytest.mark.asyncio
    async def test_invalid_code(self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat) -> None:
        state = state_of(await start(wechat))
        response = await wechat.get(CALLBACK, params={"code": "no-such-code", "state": state})
        assert response.status_code == 401
        assert response.json()["code"] == "WECHAT_CODE_INVALID"
        assert await ChannelAccount.all().count() == 0
