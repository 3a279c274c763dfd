"""The configured official account has no dead end: every keyword and click reaches an action
the gateway offers there, and every view button opens a page this site serves."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi import FastAPI

from channels.wechat.render import RenderContext, render_generic
from config.wechat_oa import CLICKS, HELP_CLICK, KEYWORDS, MENU, ActionRoute, ClickButton
from gateway.clients import RESIDENT
from gateway.schemas import Channel, IdentityLevel
from tests.browser import unavailable
from tests.channels.wechat.conftest import FakeWeChat, event_xml, plain_push, push, text_xml
from tests.channels.wechat.test_callback import reply_fields

# An argument of the right shape for each keyword parameter.
SAMPLE_ARGUMENTS = {"account_no": "SW0010001", "q": "结婚"}
DEAD_ENDS = ("暂未开通", "系统繁忙")  # coming soon; INTERNAL_ERROR


def menu_clicks() -> list[str]:
    return [
        button.key
        for group in MENU
        for button in group.buttons
        if isinstance(button, ClickButton) and button.key != HELP_CLICK
    ]


def menu_views() -> list[str]:
    return [button.path for group in MENU for button in group.buttons if hasattr(button, "path")]


async def say(client: httpx.AsyncClient, text: str, msg_id: str) -> dict[str, str]:
    """The reply to a follower's text message, through the real callback."""
    return reply_fields(await push(client, plain_push(text_xml(text, msg_id))))


async def click(client: httpx.AsyncClient, key: str, created: int | None = None) -> dict[str, str]:
    """The reply to a follower's menu click, through the real callback."""
    return reply_fields(await push(client, plain_push(event_xml("CLICK", key, created=created))))


def assert_offered(app: FastAPI, route: ActionRoute, where: str) -> None:
    action = app.state.gateway.registry.find(route.service, route.action)
    assert action is not None, f"{where}: {route.service}.{route.action} is not an action"
    assert Channel.WECHAT_OA in action.channels, f"{where}: not offered on the official account"
    assert action.identity != IdentityLevel.REAL_NAME, f"{where}: a follower cannot call it"
    assert action.permission is None, f"{where}: a staff action"
    params = dict(route.fixed)
    if route.param:
        params[route.param] = SAMPLE_ARGUMENTS[route.param]
    action.params.model_validate(params)  # the parameters it sends are the ones it takes


class TestEveryTargetExists:
    def test_keywords(self, app: FastAPI) -> None:
        for word, route in KEYWORDS.items():
            assert_offered(app, route, f"keyword {word}")

    def test_clicks_of_the_menu(self, app: FastAPI) -> None:
        assert set(menu_clicks()) <= set(CLICKS), "a menu click names no route"
        for key in menu_clicks():
            assert_offered(app, CLICKS[key], f"click {key}")

    @pytest.mark.asyncio
    async def test_view_buttons_open_served_pages(self, client: httpx.AsyncClient) -> None:
        if not RESIDENT.built:
            unavailable("the resident H5 is not built (make resident)")
        for path in menu_views():
            response = await client.get(path)
            assert response.status_code == 200, f"view button {path}: {response.status_code}"


class TestEveryTargetAnswers:
    """Through the real callback as a follower: an answer, never "coming soon" or a failure."""

    @pytest.mark.asyncio
    async def test_keywords(self, client: httpx.AsyncClient, fake_wechat: FakeWeChat) -> None:
        for serial, (word, route) in enumerate(KEYWORDS.items()):
            text = f"{word} {SAMPLE_ARGUMENTS[route.param]}" if route.param else word
            reply = await say(client, text, f"77{serial}")
            content = reply.get("Content", "")
            assert reply["MsgType"] in ("text", "news"), text
            assert not any(mark in content for mark in DEAD_ENDS), f"{text}: {content}"

    @pytest.mark.asyncio
    async def test_clicks(self, client: httpx.AsyncClient, fake_wechat: FakeWeChat) -> None:
        for serial, key in enumerate(menu_clicks()):
            reply = await click(client, key, created=int(time.time()) + serial)
            content = reply.get("Content", "")
            assert reply["MsgType"] in ("text", "news"), key
            assert not any(mark in content for mark in DEAD_ENDS), f"{key}: {content}"


class TestReplies:
    @pytest.mark.asyncio
    async def test_water_keyword_answers_the_arrears_and_where_to_pay(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        reply = await say(client, "水费 SW0010001", "7801")
        first, second = reply["Content"].split("\n")
        assert "户号 SW0010001" in first
        assert "合计" in first
        assert "/h5/" not in second  # no page is served to pay at: the channels that can pay

    @pytest.mark.asyncio
    async def test_malformed_argument_gets_the_usage(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        reply = await say(client, "燃气费 1", "7802")
        assert reply["Content"] == "请按格式发送：燃气费 <户号>：查询燃气费欠费"

    @pytest.mark.asyncio
    async def test_an_empty_list_is_said_in_words(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        reply = await click(client, "MY_BILLS")
        assert reply["Content"] == "没有找到相关结果。"

    @pytest.mark.asyncio
    async def test_account_click_shows_the_follower_account(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        reply = await click(client, "MY_ACCOUNT")
        assert reply["Content"] == "实名认证：未认证\n手机号：未绑定\n已关联渠道：wechat_oa"


def test_a_page_is_said_by_its_rows() -> None:
    ctx = RenderContext(locale="zh-CN", base_url="https://gov.example", app_id="wx1")
    page = {"items": [{"receipt_no": "R1", "amount_fen": 100}], "next_cursor": "more"}
    assert render_generic(page, ctx).text == "R1 100"
    assert render_generic({"items": [], "next_cursor": None}, ctx).text == "没有找到相关结果。"
