"""WeChat mini-program sign-in: code2Session, the sealed session_key, phone binding."""

from __future__ import annotations

import httpx
import pytest

from channels.identity.crypto import personal_data
from channels.identity.models import ChannelAccount, Citizen
from channels.identity.service import authenticate
from channels.wechat.miniprogram import SESSION_KEY_PURPOSE
from channels.wechat.models import MiniProgramSession
from channels.wechat.settings import wechat_config
from gateway.schemas import CitizenPrincipal
from tests.channels.wechat.conftest import MP_APP_ID, FakeWeChat

URL = "/api/v1/auth/wechat-mp"
SESSION_KEY = "tiihtNczf5v6AKRyjwEUhQ=="


class TestLogin:
    @pytest.mark.asyncio
    async def test_code_becomes_a_session_without_the_session_key(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.mp_codes["js-1"] = {"openid": "o-mp-1", "session_key": SESSION_KEY}
        response = await wechat.post(URL, json={"code": "js-1"})
        assert response.status_code == 200, response.text
        assert SESSION_KEY not in response.text
        data = response.json()["data"]
        principal = await authenticate(data["access_token"])
        assert isinstance(principal, CitizenPrincipal)
        account = await ChannelAccount.get(channel="wechat_mp", external_id="o-mp-1")
        assert account.app_id == MP_APP_ID
        assert principal.citizen_id == account.citizen_id

    @pytest.mark.asyncio
    async def test_session_key_is_kept_sealed(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.mp_codes["js-2"] = {"openid": "o-mp-2", "session_key": SESSION_KEY}
        assert (await wechat.post(URL, json={"code": "js-2"})).status_code == 200
        row = await MiniProgramSession.get(app_id=MP_APP_ID, openid="o-mp-2")
        assert SESSION_KEY not in row.session_key_sealed
        opened = personal_data().cipher.decrypt(row.session_key_sealed, SESSION_KEY_PURPOSE)
        assert opened == SESSION_KEY

    @pytest.mark.asyncio
    async def test_same_unionid_joins_the_official_account_resident(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.oauth_codes["oa-1"] = {"openid": "o-oa-7", "unionid": "u-7"}
        fake_wechat.mp_codes["js-7"] = {
            "openid": "o-mp-7",
            "session_key": SESSION_KEY,
            "unionid": "u-7",
        }
        start = await wechat.get(
            "/channels/wechat/wx5823bf96d3bd56c7/oauth/start", params={"next": "/h5"}
        )
        state = httpx.URL(start.headers["location"]).params["state"]
        await wechat.get(
            "/channels/wechat/wx5823bf96d3bd56c7/oauth/callback",
            params={"code": "oa-1", "state": state},
        )
        assert (await wechat.post(URL, json={"code": "js-7"})).status_code == 200
        assert await Citizen.all().count() == 1
        assert await ChannelAccount.all().count() == 2

    @pytest.mark.asyncio
    async def test_used_or_unknown_code(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.mp_codes["js-3"] = {"openid": "o-mp-3", "session_key": SESSION_KEY}
        assert (await wechat.post(URL, json={"code": "js-3"})).status_code == 200
        for code in ("js-3", "never-issued"):
            response = await wechat.post(URL, json={"code": code})
            assert response.status_code == 401
            assert response.json()["code"] == "WECHAT_CODE_INVALID"

    @pytest.mark.asyncio
    async def test_malformed_body(self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat) -> None:
        response = await wechat.post(
            URL, content=b"{not json", headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert (await wechat.post(URL, json={"code": ""})).status_code == 422
        assert fake_wechat.requests == []

    @pytest.mark.asyncio
    async def test_not_configured(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("GOVHUB_WECHAT_MP_APP_ID")
        wechat_config.cache_clear()
        response = await wechat.post(URL, json={"code": "js-9"})
        assert response.status_code == 404
        assert response.json()["code"] == "CHANNEL_NOT_CONFIGURED"


class TestPhoneBinding:
    @pytest.mark.asyncio
    async def test_phone_code_binds_the_verified_phone(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.mp_codes["js-4"] = {"openid": "o-mp-4", "session_key": SESSION_KEY}
        fake_wechat.phone_codes["ph-4"] = "13800138000"
        response = await wechat.post(URL, json={"code": "js-4", "phone_code": "ph-4"})
        assert response.status_code == 200, response.text
        account = await ChannelAccount.get(external_id="o-mp-4")
        citizen = await Citizen.get(id=account.citizen_id)
        assert citizen.phone_cipher is not None
        assert "13800138000" not in citizen.phone_cipher
        assert personal_data().open(citizen.phone_cipher, "phone") == "13800138000"

    @pytest.mark.asyncio
    async def test_bad_phone_code(self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat) -> None:
        fake_wechat.mp_codes["js-5"] = {"openid": "o-mp-5", "session_key": SESSION_KEY}
        response = await wechat.post(URL, json={"code": "js-5", "phone_code": "ph-unknown"})
        assert response.status_code == 401
        assert response.json()["code"] == "WECHAT_CODE_INVALID"
