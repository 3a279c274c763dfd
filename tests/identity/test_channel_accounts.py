"""One citizen across channels: linked by WeChat unionid, then by verified phone."""

from __future__ import annotations

import httpx
import pytest

from channels.identity.service import sign_in_channel_account
from channels.identity.tokens import TokenPair, decode_access_token
from gateway.schemas import Channel, CitizenPrincipal
from tests.app.helpers import PHONE, app_login, call


def citizen_of(pair: TokenPair | dict[str, str]) -> int:
    token = pair.access_token if isinstance(pair, TokenPair) else pair["access_token"]
    principal = decode_access_token(token)
    assert isinstance(principal, CitizenPrincipal)
    return principal.citizen_id


class TestLinkByUnionid:
    @pytest.mark.asyncio
    async def test_official_account_and_mini_program_share_a_citizen(self, db: None) -> None:
        oa = await sign_in_channel_account(Channel.WECHAT_OA, "wxoa", "openid-oa", unionid="U1")
        mp = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp", unionid="U1")
        other = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-x", unionid="U2")
        assert citizen_of(oa) == citizen_of(mp) != citizen_of(other)

    @pytest.mark.asyncio
    async def test_the_same_account_signs_in_to_the_same_citizen(self, db: None) -> None:
        first = await sign_in_channel_account(Channel.WECHAT_OA, "wxoa", "openid-1")
        again = await sign_in_channel_account(Channel.WECHAT_OA, "wxoa", "openid-1")
        elsewhere = await sign_in_channel_account(Channel.WECHAT_OA, "wxother", "openid-1")
        assert citizen_of(first) == citizen_of(again) != citizen_of(elsewhere)


class TestLinkByPhone:
    @pytest.mark.asyncio
    async def test_alipay_with_a_verified_phone_joins_the_app_citizen(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await app_login(client)
        alipay = await sign_in_channel_account(
            Channel.ALIPAY_MP, "2021000", "2088000000000001", phone=PHONE
        )
        assert citizen_of(alipay) == citizen_of(app)
        accounts = await call(client, "account", "channel-accounts", app["access_token"])
        assert [a["channel"] for a in accounts.json()["data"]] == ["app", "alipay_mp"]
        assert accounts.json()["data"][1]["external_id"] == "2088****0001"

    @pytest.mark.asyncio
    async def test_a_phone_learnt_on_a_channel_lets_the_app_find_the_citizen(
        self, client: httpx.AsyncClient
    ) -> None:
        wechat = await sign_in_channel_account(
            Channel.WECHAT_MP, "wxmp", "openid-mp", unionid="U1", phone=PHONE
        )
        app = await app_login(client)
        assert citizen_of(app) == citizen_of(wechat)

    @pytest.mark.asyncio
    async def test_without_unionid_or_phone_channels_stay_apart(self, db: None) -> None:
        oa = await sign_in_channel_account(Channel.WECHAT_OA, "wxoa", "openid-oa")
        alipay = await sign_in_channel_account(Channel.ALIPAY_MP, "2021000", "2088000000000001")
        assert citizen_of(oa) != citizen_of(alipay)


class TestUnlink:
    @pytest.mark.asyncio
    async def test_the_last_account_stays(self, client: httpx.AsyncClient) -> None:
        app = await app_login(client)
        await sign_in_channel_account(Channel.ALIPAY_MP, "2021000", "2088000000000001", phone=PHONE)
        token = app["access_token"]
        accounts = (await call(client, "account", "channel-accounts", token)).json()["data"]
        alipay_id, app_id = accounts[1]["id"], accounts[0]["id"]

        left = await call(
            client, "account", "unlink-channel-account", token, {"account_id": alipay_id}
        )
        assert left.status_code == 200, left.text
        assert [a["id"] for a in left.json()["data"]] == [app_id]

        last = await call(
            client, "account", "unlink-channel-account", token, {"account_id": app_id}
        )
        assert last.status_code == 409
        assert last.json()["code"] == "CHANNEL_ACCOUNT_LAST"

    @pytest.mark.asyncio
    async def test_another_citizens_account_is_not_found(self, client: httpx.AsyncClient) -> None:
        app = await app_login(client)
        stranger = await sign_in_channel_account(Channel.WECHAT_OA, "wxoa", "openid-oa")
        mine = await call(client, "account", "channel-accounts", app["access_token"])
        theirs = await call(
            client, "account", "channel-accounts", stranger.access_token, channel="wechat_oa"
        )
        their_id = theirs.json()["data"][0]["id"]
        assert their_id not in [a["id"] for a in mine.json()["data"]]
        response = await call(
            client,
            "account",
            "unlink-channel-account",
            app["access_token"],
            {"account_id": their_id},
        )
        assert response.status_code == 404
        assert response.json()["code"] == "CHANNEL_ACCOUNT_NOT_FOUND"
