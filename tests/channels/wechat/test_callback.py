"""The official-account callback: URL check, plain and safe modes, keywords, rejections."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from channels.identity.models import ChannelAccount
from channels.wechat.callback import CallbackQuery, open_sealed
from channels.wechat.models import CallbackMessage
from channels.wechat.settings import OfficialAccount
from channels.wechat.xml import parse_flat_xml
from notify.models import Notification, NotificationStatus
from tests.channels.wechat.conftest import (
    ORIGINAL_ID,
    SAMPLE_AES_KEY,
    SAMPLE_APP_ID,
    SAMPLE_TOKEN,
    SECOND_APP_ID,
    SECOND_TOKEN,
    Calls,
    FakeWeChat,
    event_xml,
    open_reply,
    plain_push,
    push,
    sealed_push,
    sign,
    text_xml,
)

# WeChat's published sample: a sealed message and a sealed URL-check echostr.
SAMPLE_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qczcd"
    "CUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4X"
    "gpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+Kq"
    "CKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZ"
    "S9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHB"
    "ZZIs2pDBS8R07+qN+E7Q=="
)
SAMPLE_BODY = (
    f"<xml><ToUserName><![CDATA[{SAMPLE_APP_ID}]]></ToUserName>"
    f"<Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>"
).encode()
SAMPLE_QUERY = {
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
}
SAMPLE_ECHO_QUERY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": (
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    ),
}
SAMPLE_ACCOUNT = OfficialAccount(SAMPLE_APP_ID, "secret", SAMPLE_TOKEN, SAMPLE_AES_KEY)
URL = f"/channels/wechat/{SAMPLE_APP_ID}/callback"


def reply_fields(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return parse_flat_xml(response.content)


def assert_envelope(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


class TestPublishedVector:
    def test_sample_message_decrypts(self) -> None:
        query = CallbackQuery(encrypt_type="aes", **SAMPLE_QUERY)
        plain = parse_flat_xml(open_sealed(SAMPLE_ACCOUNT, query, SAMPLE_BODY))
        assert plain["Content"] == "hello"
        assert plain["MsgId"] == "4561255354251345929"
        assert plain["FromUserName"] == "mycreate"

    def test_sample_with_another_appid_is_refused(self) -> None:
        from channels.wechat.errors import AppIdMismatch

        other = OfficialAccount("wx0000000000000000", "s", SAMPLE_TOKEN, SAMPLE_AES_KEY)
        with pytest.raises(AppIdMismatch):
            open_sealed(other, CallbackQuery(encrypt_type="aes", **SAMPLE_QUERY), SAMPLE_BODY)

    @pytest.mark.asyncio
    async def test_sample_url_check_answers_the_decrypted_echostr(
        self, wechat: httpx.AsyncClient
    ) -> None:
        response = await wechat.get(URL, params=SAMPLE_ECHO_QUERY)
        assert response.status_code == 200
        assert response.text == "1616140317555161061"

    @pytest.mark.asyncio
    async def test_sample_message_replayed_today_is_stale(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        params = {
            **SAMPLE_QUERY,
            "encrypt_type": "aes",
            "signature": sign(SAMPLE_TOKEN, SAMPLE_QUERY["timestamp"], SAMPLE_QUERY["nonce"]),
        }
        response = await wechat.post(URL, params=params, content=SAMPLE_BODY)
        assert_envelope(response, 401, "WECHAT_MESSAGE_STALE")
        assert await CallbackMessage.all().count() == 0


class TestUrlCheck:
    @pytest.mark.asyncio
    async def test_plain_echostr(self, wechat: httpx.AsyncClient) -> None:
        ts, nonce = str(int(time.time())), "42"
        params = {"signature": sign(SAMPLE_TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
        response = await wechat.get(URL, params={**params, "echostr": "hello-echo"})
        assert response.text == "hello-echo"

    @pytest.mark.asyncio
    async def test_second_account_from_the_accounts_file(self, wechat: httpx.AsyncClient) -> None:
        ts, nonce = str(int(time.time())), "42"
        params = {"signature": sign(SECOND_TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
        url = f"/channels/wechat/{SECOND_APP_ID}/callback"
        ok = await wechat.get(url, params={**params, "echostr": "e2"})
        assert ok.text == "e2"
        wrong_token = {**params, "signature": sign(SAMPLE_TOKEN, ts, nonce), "echostr": "e2"}
        assert_envelope(await wechat.get(url, params=wrong_token), 401, "WECHAT_SIGNATURE_INVALID")

    @pytest.mark.asyncio
    async def test_bad_signature(self, wechat: httpx.AsyncClient) -> None:
        params = {"signature": "0" * 40, "timestamp": "1", "nonce": "2", "echostr": "x"}
        assert_envelope(await wechat.get(URL, params=params), 401, "WECHAT_SIGNATURE_INVALID")

    @pytest.mark.asyncio
    async def test_missing_signature(self, wechat: httpx.AsyncClient) -> None:
        response = await wechat.get(URL, params={"timestamp": "1", "nonce": "2", "echostr": "x"})
        assert_envelope(response, 400, "WECHAT_SIGNATURE_MISSING")

    @pytest.mark.asyncio
    async def test_unconfigured_account_is_not_found(self, wechat: httpx.AsyncClient) -> None:
        response = await wechat.get("/channels/wechat/wxunknown/callback", params={"echostr": "x"})
        assert_envelope(response, 404, "WECHAT_ACCOUNT_UNKNOWN")


class TestPlainMode:
    @pytest.mark.asyncio
    async def test_catalogue_keyword_lists_items_as_text_while_no_page_is_served(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        response = await push(wechat, plain_push(text_xml("办事 护照", "1001")))
        reply = reply_fields(response)
        assert reply["MsgType"] == "text"
        assert reply["ToUserName"] == "o-resident-1"
        assert reply["FromUserName"] == ORIGINAL_ID
        assert reply["Content"] == "护照办理（材料与流程）"
        assert "/h5/" not in response.text  # no link to a page that is not there
        assert calls.searches == ["护照"]

    @pytest.mark.asyncio
    async def test_subscribe_gets_the_welcome(self, wechat: httpx.AsyncClient) -> None:
        reply = reply_fields(await push(wechat, plain_push(event_xml("subscribe"))))
        assert reply["MsgType"] == "text"
        assert reply["Content"].startswith("欢迎关注")
        assert "办事 <关键词>" in reply["Content"]

    @pytest.mark.asyncio
    async def test_anything_else_gets_help_listing_what_works(
        self, wechat: httpx.AsyncClient
    ) -> None:
        reply = reply_fields(await push(wechat, plain_push(text_xml("你好", "1002"))))
        assert "办事 <关键词>" in reply["Content"]
        assert "排队" in reply["Content"]
        assert "水费" not in reply["Content"]  # bills are not offered yet

    @pytest.mark.asyncio
    async def test_action_not_offered_yet_is_coming_soon(self, wechat: httpx.AsyncClient) -> None:
        reply = reply_fields(await push(wechat, plain_push(text_xml("水费 1234567", "1003"))))
        assert reply["Content"].startswith("该服务暂未开通")

    @pytest.mark.asyncio
    async def test_keyword_without_its_argument_asks_for_it(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        reply = reply_fields(await push(wechat, plain_push(text_xml("办事", "1004"))))
        assert "办事 <关键词>" in reply["Content"]
        assert calls.searches == []

    @pytest.mark.asyncio
    async def test_menu_click_signs_the_follower_in(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        reply = reply_fields(await push(wechat, plain_push(event_xml("CLICK", "MY_QUEUE"))))
        assert reply["Content"] == "A012：前面还有 3 人，预计等候约 10 分钟"
        account = await ChannelAccount.get(channel="wechat_oa", external_id="o-resident-1")
        assert account.app_id == SAMPLE_APP_ID
        assert calls.tickets == [account.citizen_id]

    @pytest.mark.asyncio
    async def test_help_click(self, wechat: httpx.AsyncClient) -> None:
        reply = reply_fields(await push(wechat, plain_push(event_xml("CLICK", "HELP"))))
        assert reply["Content"].startswith("您可以发送")

    @pytest.mark.asyncio
    async def test_silent_event_answers_success(self, wechat: httpx.AsyncClient) -> None:
        response = await push(wechat, plain_push(event_xml("unsubscribe")))
        assert response.text == "success"


class TestSafeMode:
    @pytest.mark.asyncio
    async def test_sealed_message_gets_a_sealed_reply(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        response = await push(wechat, sealed_push(text_xml("办事 社保", "2001")))
        assert response.status_code == 200, response.text
        assert "社保" not in response.text
        plain = parse_flat_xml(open_reply(response.text))
        assert plain["Content"] == "社保办理（材料与流程）"
        assert plain["ToUserName"] == "o-resident-1"
        assert calls.searches == ["社保"]

    @pytest.mark.asyncio
    async def test_compatible_mode_body_is_answered_sealed(self, wechat: httpx.AsyncClient) -> None:
        sealed = sealed_push(text_xml("你好", "2002"))
        inner = text_xml("你好", "2002").removeprefix("<xml>").removesuffix("</xml>")
        both = sealed.body.decode().replace("<xml>", f"<xml>{inner}", 1).encode()
        response = await push(wechat, type(sealed)(sealed.params, both))
        assert parse_flat_xml(open_reply(response.text))["Content"].startswith("您可以发送")

    @pytest.mark.asyncio
    async def test_wrong_msg_signature(self, wechat: httpx.AsyncClient, calls: Calls) -> None:
        message = sealed_push(text_xml("办事 社保", "2003"))
        message.params["msg_signature"] = "f" * 40
        assert_envelope(await push(wechat, message), 401, "WECHAT_SIGNATURE_INVALID")
        assert calls.searches == []

    @pytest.mark.asyncio
    async def test_message_sealed_for_another_appid(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        message = sealed_push(text_xml("办事 社保", "2004"), app_id="wx1111111111111111")
        assert_envelope(await push(wechat, message), 403, "WECHAT_APPID_MISMATCH")
        assert calls.searches == []
        assert await CallbackMessage.all().count() == 0

    @pytest.mark.asyncio
    async def test_garbage_ciphertext(self, wechat: httpx.AsyncClient) -> None:
        message = sealed_push(text_xml("x", "2005"))
        ts, nonce = message.params["timestamp"], message.params["nonce"]
        body = b"<xml><Encrypt><![CDATA[bm90IGEgY2lwaGVydGV4dA==]]></Encrypt></xml>"
        message.params["msg_signature"] = sign(SAMPLE_TOKEN, ts, nonce, "bm90IGEgY2lwaGVydGV4dA==")
        response = await push(wechat, type(message)(message.params, body))
        assert_envelope(response, 400, "WECHAT_MESSAGE_MALFORMED")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""


class TestRejections:
    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "body",
        [
            BILLION_LAUGHS,
            EXTERNAL_ENTITY,
            b"<xml><ToUserName>unclosed",
            b"",
            b'{"json": "not xml"}',
            b"<root><ToUserName>a</ToUserName></root>",
            b"<xml><ToUserName>gh</ToUserName><MsgType>text</MsgType></xml>",
            b"<xml>" + b"<A>x</A>" * 20000 + b"</xml>",
        ],
        ids=[
            "billion-laughs",
            "external-entity",
            "unclosed",
            "empty",
            "json",
            "wrong-root",
            "missing-fields",
            "too-large",
        ],
    )
    async def test_malformed_bodies_are_refused(
        self, wechat: httpx.AsyncClient, calls: Calls, body: bytes
    ) -> None:
        started = time.perf_counter()
        message = plain_push("")
        response = await push(wechat, type(message)(message.params, body))
        assert_envelope(response, 400, "WECHAT_MESSAGE_MALFORMED")
        assert time.perf_counter() - started < 2
        assert await CallbackMessage.all().count() == 0

    @pytest.mark.asyncio
    async def test_forged_signature(self, wechat: httpx.AsyncClient, calls: Calls) -> None:
        message = plain_push(text_xml("办事 护照", "3001"), token="not-the-token")
        assert_envelope(await push(wechat, message), 401, "WECHAT_SIGNATURE_INVALID")
        assert calls.searches == []

    @pytest.mark.asyncio
    async def test_missing_signature(self, wechat: httpx.AsyncClient) -> None:
        message = plain_push(text_xml("办事 护照", "3002"))
        del message.params["signature"]
        assert_envelope(await push(wechat, message), 400, "WECHAT_SIGNATURE_MISSING")

    @pytest.mark.asyncio
    @pytest.mark.parametrize("age", [-3600, 3600])
    async def test_stale_or_future_timestamp(
        self, wechat: httpx.AsyncClient, calls: Calls, age: int
    ) -> None:
        message = plain_push(text_xml("办事 护照", "3003"), timestamp=int(time.time()) - age)
        assert_envelope(await push(wechat, message), 401, "WECHAT_MESSAGE_STALE")
        assert calls.searches == []

    @pytest.mark.asyncio
    async def test_unconfigured_account(self, wechat: httpx.AsyncClient) -> None:
        message = plain_push(text_xml("办事 护照", "3004"))
        response = await push(wechat, message, app_id="wx9999999999999999")
        assert_envelope(response, 404, "WECHAT_ACCOUNT_UNKNOWN")

    @pytest.mark.asyncio
    async def test_plain_account_cannot_take_sealed_messages(
        self, wechat: httpx.AsyncClient
    ) -> None:
        message = sealed_push(text_xml("x", "3005"), app_id=SECOND_APP_ID, token=SECOND_TOKEN)
        response = await push(wechat, message, app_id=SECOND_APP_ID)
        assert_envelope(response, 400, "WECHAT_MESSAGE_MALFORMED")


class TestRealApp:
    @pytest.mark.asyncio
    async def test_routes_are_mounted(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        assert_envelope(
            await client.get("/channels/wechat/wxnobody/callback"), 404, "WECHAT_ACCOUNT_UNKNOWN"
        )
        response = await client.get(URL, params=SAMPLE_ECHO_QUERY)
        assert response.text == "1616140317555161061"

    @pytest.mark.asyncio
    async def test_catalogue_keyword_reaches_the_real_catalogue(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        response = await push(client, plain_push(text_xml("办事 护照", "9001")))
        reply = reply_fields(response)
        assert reply["ToUserName"] == "o-resident-1"
        assert reply["MsgType"] in ("news", "text")
        assert "暂未开通" not in response.text
        assert await CallbackMessage.filter(dedupe_key="msg:9001").count() == 1

    @pytest.mark.asyncio
    async def test_queue_click_reaches_the_real_queue_as_the_follower(
        self, client: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        reply = reply_fields(await push(client, plain_push(event_xml("CLICK", "MY_QUEUE"))))
        assert reply["Content"] == "您今天还没有取号。"
        assert await ChannelAccount.filter(external_id="o-resident-1").exists()


class TestTemplateDeliveryReceipts:
    @staticmethod
    async def sent_template_message(msg_id: str) -> Notification:
        return await Notification.create(
            event="payment_succeeded",
            dedupe_key=f"receipt-test-{msg_id}",
            route=["wechat_template", "sms"],
            status=NotificationStatus.SENT,
            next_attempt_at=datetime.now(UTC),
            kind="wechat",
            provider="wechat_template",
            provider_message_id=msg_id,
        )

    @staticmethod
    def receipt_xml(msg_id: str, status: str) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
            "<FromUserName><![CDATA[o-resident-1]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>"
            f"<MsgID>{msg_id}</MsgID><Status><![CDATA[{status}]]></Status></xml>"
        )

    @pytest.mark.asyncio
    async def test_delivered_receipt_marks_the_message(self, wechat: httpx.AsyncClient) -> None:
        row = await self.sent_template_message("200163836")
        response = await push(wechat, plain_push(self.receipt_xml("200163836", "success")))
        assert response.status_code == 200
        assert response.text == "success"
        assert (await Notification.get(id=row.id)).status == NotificationStatus.DELIVERED

    @pytest.mark.asyncio
    async def test_blocked_receipt_moves_the_message_on(self, wechat: httpx.AsyncClient) -> None:
        row = await self.sent_template_message("200163837")
        receipt = self.receipt_xml("200163837", "failed:user block")
        assert (await push(wechat, plain_push(receipt))).status_code == 200
        after = await Notification.get(id=row.id)
        assert after.status == NotificationStatus.QUEUED
        assert after.step == 1  # the next step of its route: SMS
