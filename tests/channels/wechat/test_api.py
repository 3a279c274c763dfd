"""The shared access token and the menu push, against the fake WeChat server."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from channels.platform import platform_http
from channels.wechat.api import WeChatApi, wechat_api
from channels.wechat.errors import WeChatApiError
from channels.wechat.menu import MenuInvalid, build_menu, push_menu
from channels.wechat.settings import OfficialAccount, WeChatApp, wechat_config
from config.runtime import Runtime
from config.wechat_oa import CLICKS, HELP_CLICK, ClickButton, MenuGroup, ViewButton
from tests.channels.wechat.conftest import (
    API_BASE,
    SAMPLE_APP_ID,
    SAMPLE_SECRET,
    FakeWeChat,
)

APP = WeChatApp(SAMPLE_APP_ID, SAMPLE_SECRET)


class TestAccessToken:
    @pytest.mark.asyncio
    async def test_concurrent_callers_share_one_fetch(self, fake_wechat: FakeWeChat) -> None:
        fake_wechat.token_delay = 0.1
        tokens = await asyncio.gather(*(wechat_api().access_token(APP) for _ in range(10)))
        assert len(set(tokens)) == 1
        assert fake_wechat.tokens_issued == 1

    @pytest.mark.asyncio
    async def test_processes_share_the_token_through_the_store(
        self, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        one = WeChatApi(platform_http("wechat"), rt.store, API_BASE)
        other = WeChatApi(platform_http("wechat"), rt.store, API_BASE)
        assert await one.access_token(APP) == await other.access_token(APP)
        assert fake_wechat.tokens_issued == 1

    @pytest.mark.asyncio
    async def test_refreshed_ahead_of_expiry(self, fake_wechat: FakeWeChat) -> None:
        fake_wechat.token_lifetime = 200  # inside the refresh margin from the start
        first = await wechat_api().access_token(APP)
        second = await wechat_api().access_token(APP)
        assert first != second
        assert fake_wechat.tokens_issued == 2

    @pytest.mark.asyncio
    async def test_rejected_token_is_refreshed_once_and_retried(
        self, fake_wechat: FakeWeChat
    ) -> None:
        await wechat_api().access_token(APP)
        fake_wechat.revoke_tokens()
        body = {"touser": "o1", "msgtype": "text", "text": {"content": "hi"}}
        await asyncio.gather(
            *(wechat_api().call(APP, "/cgi-bin/message/custom/send", body) for _ in range(5))
        )
        assert fake_wechat.tokens_issued == 2
        assert len(fake_wechat.custom_messages) == 5

    @pytest.mark.asyncio
    async def test_wrong_secret_is_an_api_error(self, fake_wechat: FakeWeChat) -> None:
        with pytest.raises(WeChatApiError) as caught:
            await wechat_api().access_token(WeChatApp(SAMPLE_APP_ID, "wrong"))
        assert caught.value.errcode == 40125
        assert caught.value.status == 502


class TestMenu:
    def test_view_buttons_open_pages_through_oauth_and_clicks_are_known(self) -> None:
        account = OfficialAccount(SAMPLE_APP_ID, "s", "t")
        menu = build_menu(
            account,
            "https://city.example",
            (
                MenuGroup("办事", (ViewButton("指南", "/guide"),)),
                MenuGroup("帮助", (ClickButton("使用帮助", HELP_CLICK),)),
            ),
        )
        buttons = [b for group in menu["button"] for b in group["sub_button"]]
        views = [b for b in buttons if b["type"] == "view"]
        clicks = [b for b in buttons if b["type"] == "click"]
        assert [b["url"] for b in views] == [
            f"https://city.example/channels/wechat/{SAMPLE_APP_ID}/oauth/start?next=/guide"
        ]
        assert clicks
        assert all(b["key"] in CLICKS or b["key"] == HELP_CLICK for b in clicks)

    def test_unknown_click_key_is_refused(self) -> None:
        account = OfficialAccount(SAMPLE_APP_ID, "s", "t")
        broken = (MenuGroup("办事", (ClickButton("坏的", "NO_SUCH_KEY"),)),)
        with pytest.raises(MenuInvalid):
            build_menu(account, "https://city.example", broken)

    @pytest.mark.asyncio
    async def test_push_sends_utf8_json_with_the_token(self, fake_wechat: FakeWeChat) -> None:
        account = wechat_config().account(SAMPLE_APP_ID)
        assert account is not None
        sent = await push_menu(account, "https://city.example")
        assert len(fake_wechat.menus) == 1
        raw = fake_wechat.menus[0]
        assert "办事服务".encode() in raw  # UTF-8 text, not \\u escapes
        assert orjson.loads(raw) == sent
        assert fake_wechat.requests[-1].url.params["access_token"].startswith("TOKEN-")
