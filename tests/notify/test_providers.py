"""Each provider against a fake platform that checks its signature or token, and each provider's
table of platform codes walked code by code through that fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
import pytest_asyncio
from pydantic import SecretStr

from channels.alipay.client import AlipayClient
from channels.alipay.settings import AlipaySettings
from channels.wechat.api import WeChatApi
from channels.wechat.settings import WeChatApp
from config.runtime import Runtime
from gateway import clients
from gateway.clients import BuiltClient
from notify.kinds import Kind
from notify.outbox import outbox_entries
from notify.providers import (
    PROVIDERS,
    alipay_subscribe,
    aliyun_sms,
    app_push,
    sandbox,
    tencent_sms,
    wechat_subscribe,
    wechat_template,
)
from notify.providers.alipay_subscribe import AlipaySubscribeProvider
from notify.providers.aliyun_sms import AliyunSmsProvider, rpc_signature, string_to_sign
from notify.providers.app_push import WebhookPushProvider
from notify.providers.base import (
    NotificationProvider,
    Outcome,
    OutgoingMessage,
    Recipient,
    SendResult,
    send,
)
from notify.providers.sandbox import SandboxProvider
from notify.providers.tencent_sms import TencentSmsProvider, tc3_authorization
from notify.providers.wechat_subscribe import WeChatSubscribeProvider
from notify.providers.wechat_template import WeChatTemplateProvider
from notify.settings import AliyunSmsSettings, PushSettings, TencentSmsSettings
from notify.templates import render
from tests.notify.fakes import (
    ALIPAY_APP_ID,
    ALIYUN_KEY_ID,
    ALIYUN_SECRET,
    PUSH_SECRET,
    PUSH_URL,
    TENCENT_APP_ID,
    TENCENT_SECRET_ID,
    TENCENT_SECRET_KEY,
    WECHAT_BASE,
    FakeAlipay,
    FakeAliyunSms,
    FakePushGateway,
    FakeTencentSms,
    FakeWeChat,
    client_for,
    new_rsa_key,
    private_pem,
    public_pem,
)
from tests.notify.helpers import OA_APP_ID, PHONE, FakeClock

PAID = {"item": "不动产登记费", "amount_fen": 8000, "order_no": "P1"}
OPENID = "o-resident-openid-0001"
MP_APP_ID = "wx-mp-test-00001"


def message(kind: Kind, address: str, app_id: str | None = None) -> OutgoingMessage:
    return OutgoingMessage(
        "n42", render("payment_succeeded", PAID), Recipient(kind, address, app_id)
    )


async def outcome_of(provider: NotificationProvider, kind: Kind, address: str) -> SendResult:
    return await send(provider, message(kind, address, OA_APP_ID))


class TestPublishedSigningExamples:
    """Our signing code reproduces the examples the vendors publish in their documentation."""

    def test_alibaba_cloud_rpc_signature(self) -> None:
        params = {
            "AccessKeyId": "testid",
            "Action": "DescribeRegions",
            "Format": "XML",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            "SignatureVersion": "1.0",
            "Timestamp": "2016-02-23T12:46:24Z",
            "Version": "2014-05-26",
        }
        assert string_to_sign("GET", params) == (
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
            "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-"
            "4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46"
            "%253A24Z%26Version%3D2014-05-26"
        )
        assert rpc_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="

    def test_alibaba_cloud_send_sms_example_with_a_chinese_sign_name(self) -> None:
        params = {
            "AccessKeyId": "testId",
            "Action": "SendSms",
            "Format": "XML",
            "OutId": "123",
            "PhoneNumbers": "15300000001",
            "RegionId": "cn-hangzhou",
            "SignName": "阿里云短信测试专用",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0",
            "TemplateCode": "SMS_71390007",
            "TemplateParam": '{"customer":"test"}',
            "Timestamp": "2017-07-12T02:42:19Z",
            "Version": "2017-05-25",
        }
        assert rpc_signature("GET", params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="

    def test_tencent_cloud_tc3_signature(self) -> None:
        payload = (
            b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
            b'"Name": "instance-name"}]}'
        )
        authorization = tc3_authorization(
            secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
            secret_key="Gu5t9xGARNpq86cd98joQYCN3*******",
            service="cvm",
            host="cvm.tencentcloudapi.com",
            payload=payload,
            timestamp=1551113065,
        )
        assert authorization == (
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/"
            "tc3_request, SignedHeaders=content-type;host, "
            "Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
        )


def aliyun(fake: FakeAliyunSms, secret: str = ALIYUN_SECRET) -> AliyunSmsProvider:
    settings = AliyunSmsSettings(
        access_key_id=ALIYUN_KEY_ID,
        access_key_secret=SecretStr(secret),
        endpoint="https://dysms.aliyun.test/",
    )
    return AliyunSmsProvider(settings, client_for(fake.handle), "城市服务")


class TestAliyunSms:
    @pytest.mark.asyncio
    async def test_a_signed_send_sms_is_accepted(self) -> None:
        fake = FakeAliyunSms(FakeClock())
        outcome = await outcome_of(aliyun(fake), Kind.SMS, PHONE)
        assert outcome.outcome == Outcome.SENT
        assert outcome.provider_message_id == "900001^0"
        [sent] = fake.accepted
        assert sent["PhoneNumbers"] == PHONE
        assert sent["SignName"] == "城市服务"
        assert sent["TemplateCode"] == "SMS_PAYMENT_SUCCEEDED"
        assert sent["OutId"] == "n42"
        assert orjson.loads(sent["TemplateParam"]) == {
            "item": "不动产登记费",
            "amount_yuan": "80.00",
            "order_no": "P1",
        }

    @pytest.mark.asyncio
    async def test_a_wrong_secret_is_refused_by_the_platform_for_good(self) -> None:
        fake = FakeAliyunSms(FakeClock())
        outcome = await outcome_of(aliyun(fake, "not-the-secret"), Kind.SMS, PHONE)
        assert (outcome.outcome, outcome.code) == (Outcome.PERMANENT, "SignatureDoesNotMatch")
        assert fake.refused == ["signature"]
        assert fake.accepted == []

    @pytest.mark.asyncio
    @pytest.mark.parametrize("code", sorted(aliyun_sms.RESULTS))
    async def test_every_result_code_maps_as_the_table_says(self, code: str) -> None:
        fake = FakeAliyunSms(FakeClock(), code=code)
        outcome = await outcome_of(aliyun(fake), Kind.SMS, PHONE)
        assert (outcome.code, outcome.outcome) == (code, aliyun_sms.RESULTS[code])

    @pytest.mark.asyncio
    async def test_a_server_error_page_is_retried_and_an_unknown_code_is_not(self) -> None:
        clock = FakeClock()
        down = FakeAliyunSms(clock, down_until=clock.now + timedelta(minutes=1))
        assert (await outcome_of(aliyun(down), Kind.SMS, PHONE)).outcome == Outcome.RETRY
        odd = FakeAliyunSms(clock, code="isv.SOMETHING_NEW")
        assert (await outcome_of(aliyun(odd), Kind.SMS, PHONE)).outcome == Outcome.PERMANENT


def tencent(fake: FakeTencentSms, key: str = TENCENT_SECRET_KEY) -> TencentSmsProvider:
    settings = TencentSmsSettings(
        secret_id=TENCENT_SECRET_ID,
        secret_key=SecretStr(key),
        sdk_app_id=TENCENT_APP_ID,
        endpoint="https://sms.tencent.test/",
    )
    return TencentSmsProvider(settings, client_for(fake.handle), "城市服务")


class TestTencentSms:
    @pytest.mark.asyncio
    async def test_a_tc3_signed_send_sms_is_accepted(self) -> None:
        fake = FakeTencentSms()
        outcome = await outcome_of(tencent(fake), Kind.SMS, PHONE)
        assert outcome.outcome == Outcome.SENT
        assert outcome.provider_message_id == "2019:1"
        [sent] = fake.accepted
        assert sent["PhoneNumberSet"] == ["+8613812345678"]
        assert sent["TemplateId"] == "100002"
        assert sent["SignName"] == "城市服务"
        assert sent["TemplateParamSet"] == ["不动产登记费", "80.00", "P1"]
        assert sent["SessionContext"] == "n42"

    @pytest.mark.asyncio
    async def test_a_wrong_key_is_refused_by_the_platform_for_good(self) -> None:
        fake = FakeTencentSms()
        outcome = await outcome_of(tencent(fake, "wrong-key"), Kind.SMS, PHONE)
        assert outcome.code == "AuthFailure.SignatureFailure"
        assert outcome.outcome == Outcome.PERMANENT
        assert fake.accepted == []

    @pytest.mark.asyncio
    @pytest.mark.parametrize("code", sorted(tencent_sms.RESULTS))
    async def test_every_number_status_maps_as_the_table_says(self, code: str) -> None:
        outcome = await outcome_of(tencent(FakeTencentSms(code=code)), Kind.SMS, PHONE)
        assert (outcome.code, outcome.outcome) == (code, tencent_sms.RESULTS[code])

    @pytest.mark.asyncio
    @pytest.mark.parametrize("code", sorted(set(tencent_sms.RESULTS) - {"Ok"}))
    async def test_every_call_error_maps_as_the_table_says(self, code: str) -> None:
        outcome = await outcome_of(tencent(FakeTencentSms(error=code)), Kind.SMS, PHONE)
        assert (outcome.code, outcome.outcome) == (code, tencent_sms.RESULTS[code])

    @pytest.mark.asyncio
    async def test_a_server_error_is_retried(self) -> None:
        outcome = await outcome_of(tencent(FakeTencentSms(status=502)), Kind.SMS, PHONE)
        assert outcome.outcome == Outcome.RETRY


@pytest_asyncio.fixture
async def fake_wechat(db: None) -> AsyncIterator[FakeWeChat]:
    yield FakeWeChat({OA_APP_ID: "oa-secret", MP_APP_ID: "mp-secret"})


def wechat_api(fake: FakeWeChat, rt: Runtime) -> WeChatApi:
    return WeChatApi(client_for(fake.handle), rt.store, WECHAT_BASE)


def template_provider(fake: FakeWeChat, rt: Runtime) -> WeChatTemplateProvider:
    accounts = {OA_APP_ID: WeChatApp(OA_APP_ID, "oa-secret")}
    return WeChatTemplateProvider(wechat_api(fake, rt), accounts.get)


# Codes WeChatApi produces itself; the ones a server can cause are walked through the fake.
_WECHAT_OWN = {"0", "unreachable", "bad-answer", "token-lock"}


def _wechat_errcodes(table: dict[str, Outcome]) -> list[str]:
    return sorted(set(table) - _WECHAT_OWN)


class TestWeChatTemplateMessage:
    @pytest.mark.asyncio
    async def test_sent_with_the_shared_access_token_which_is_reused(
        self, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        provider = template_provider(fake_wechat, rt)
        first = await outcome_of(provider, Kind.WECHAT_OA, OPENID)
        second = await outcome_of(provider, Kind.WECHAT_OA, OPENID)
        assert [first.provider_message_id, second.provider_message_id] == ["1001", "1002"]
        assert fake_wechat.tokens_issued == 1
        path, body = fake_wechat.accepted[0]
        assert path == "/cgi-bin/message/template/send"
        assert body == {
            "touser": OPENID,
            "template_id": "OA_PAYMENT_SUCCEEDED",
            "data": {
                "thing1": {"value": "不动产登记费"},
                "amount2": {"value": "80.00元"},
                "character_string3": {"value": "P1"},
            },
            "client_msg_id": "n42",
        }

    @pytest.mark.asyncio
    async def test_once_the_resident_pages_are_served_the_message_links_to_its_page(
        self, fake_wechat: FakeWeChat, rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        built = BuiltClient("/h5", tmp_path)
        (tmp_path / "index.html").write_text("<html></html>")
        monkeypatch.setattr(clients, "RESIDENT", built)
        await outcome_of(template_provider(fake_wechat, rt), Kind.WECHAT_OA, OPENID)
        _, body = fake_wechat.accepted[0]
        landing = urlsplit(body["url"])
        assert landing.path == f"/channels/wechat/{OA_APP_ID}/oauth/start"
        target = parse_qs(landing.query)["next"][0]
        assert target == "/h5/pages/payments/detail?order=P1"
        file, _ = built.file_for(urlsplit(target).path.removeprefix("/h5/"))
        assert file.name == "index.html"  # a served route of the resident client

    @pytest.mark.asyncio
    async def test_a_refused_token_is_refreshed_once_and_the_message_goes(
        self, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        provider = template_provider(fake_wechat, rt)
        await outcome_of(provider, Kind.WECHAT_OA, OPENID)
        fake_wechat.revoke_tokens()
        outcome = await outcome_of(provider, Kind.WECHAT_OA, OPENID)
        assert outcome.outcome == Outcome.SENT
        assert fake_wechat.tokens_issued == 2
        assert len(fake_wechat.accepted) == 2

    @pytest.mark.asyncio
    async def test_an_account_not_configured_here_is_permanent(
        self, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        provider = template_provider(fake_wechat, rt)
        outcome = await send(provider, message(Kind.WECHAT_OA, OPENID, "wx-unknown"))
        assert (outcome.outcome, outcome.code) == (Outcome.PERMANENT, "account-not-configured")

    @pytest.mark.asyncio
    @pytest.mark.parametrize("code", _wechat_errcodes(wechat_template.RESULTS))
    async def test_every_errcode_maps_as_the_table_says(
        self, code: str, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        fake_wechat.errcode = int(code)
        outcome = await outcome_of(template_provider(fake_wechat, rt), Kind.WECHAT_OA, OPENID)
        assert (outcome.code, outcome.outcome) == (code, wechat_template.RESULTS[code])

    @pytest.mark.asyncio
    async def test_a_wechat_outage_is_retried(self, fake_wechat: FakeWeChat, rt: Runtime) -> None:
        fake_wechat.status = 503
        outcome = await outcome_of(template_provider(fake_wechat, rt), Kind.WECHAT_OA, OPENID)
        assert (outcome.code, outcome.outcome) == ("unreachable", Outcome.RETRY)
        assert wechat_template.RESULTS["token-lock"] == Outcome.RETRY


class TestWeChatSubscribeMessage:
    @pytest.mark.asyncio
    async def test_sent_to_the_mini_program_page_with_its_token(
        self, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        provider = WeChatSubscribeProvider(
            wechat_api(fake_wechat, rt), WeChatApp(MP_APP_ID, "mp-secret"), "trial"
        )
        outcome = await outcome_of(provider, Kind.WECHAT_MP, OPENID)
        assert outcome.outcome == Outcome.SENT
        path, body = fake_wechat.accepted[0]
        assert path == "/cgi-bin/message/subscribe/send"
        assert body["template_id"] == "MP_PAYMENT_SUCCEEDED"
        assert body["page"] == "pages/payments/detail?order=P1"
        assert body["miniprogram_state"] == "trial"
        assert body["touser"] == OPENID
        assert set(fake_wechat.tokens.values()) == {MP_APP_ID}

    @pytest.mark.asyncio
    @pytest.mark.parametrize("code", _wechat_errcodes(wechat_subscribe.RESULTS))
    async def test_every_errcode_maps_as_the_table_says(
        self, code: str, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        fake_wechat.errcode = int(code)
        provider = WeChatSubscribeProvider(
            wechat_api(fake_wechat, rt), WeChatApp(MP_APP_ID, "mp-secret")
        )
        outcome = await outcome_of(provider, Kind.WECHAT_MP, OPENID)
        assert (outcome.code, outcome.outcome) == (code, wechat_subscribe.RESULTS[code])

    @pytest.mark.asyncio
    async def test_without_a_mini_program_it_is_permanent(
        self, fake_wechat: FakeWeChat, rt: Runtime
    ) -> None:
        provider = WeChatSubscribeProvider(wechat_api(fake_wechat, rt), None)
        outcome = await outcome_of(provider, Kind.WECHAT_MP, OPENID)
        assert outcome.outcome == Outcome.PERMANENT
        assert fake_wechat.tokens_issued == 0


class TestAlipaySubscribeMessage:
    app_key = new_rsa_key()
    platform_key = new_rsa_key()

    def provider(
        self, handler: Callable[[httpx.Request], httpx.Response]
    ) -> AlipaySubscribeProvider:
        settings = AlipaySettings(
            app_id=ALIPAY_APP_ID,
            gateway="https://alipay.test/gateway.do",
            app_private_key=SecretStr(private_pem(self.app_key)),
            alipay_public_key=public_pem(self.platform_key),
        )
        return AlipaySubscribeProvider(AlipayClient(settings, client_for(handler)))

    def fake(self, code: str = "10000", status: int = 200) -> FakeAlipay:
        return FakeAlipay(self.app_key, self.platform_key, code=code, status=status)

    @pytest.mark.asyncio
    async def test_a_signed_request_is_accepted_and_the_answer_verified(self) -> None:
        fake = self.fake()
        outcome = await outcome_of(self.provider(fake.handle), Kind.ALIPAY_MP, "2088102122458832")
        assert outcome.outcome == Outcome.SENT
        [content] = fake.accepted
        assert content["to_user_id"] == "2088102122458832"
        assert content["user_template_id"] == "AP_PAYMENT_SUCCEEDED"
        assert orjson.loads(content["data"])["keyword2"] == {"value": "80.00元"}

    @pytest.mark.asyncio
    async def test_an_open_id_goes_as_to_open_id(self) -> None:
        fake = self.fake()
        await outcome_of(self.provider(fake.handle), Kind.ALIPAY_MP, "024abcOpenId")
        assert fake.accepted[0]["to_open_id"] == "024abcOpenId"

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        "code",
        sorted(set(alipay_subscribe.RESULTS) - {"unreachable", "bad-answer", "signature-invalid"}),
    )
    async def test_every_gateway_code_maps_as_the_table_says(self, code: str) -> None:
        outcome = await outcome_of(
            self.provider(self.fake(code=code).handle), Kind.ALIPAY_MP, "2088100"
        )
        assert (outcome.code, outcome.outcome) == (code, alipay_subscribe.RESULTS[code])

    @pytest.mark.asyncio
    async def test_transport_failures_and_forged_answers_are_retried(self) -> None:
        def unreachable(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("down", request=request)

        cases = {
            "unreachable": self.provider(unreachable),
            "bad-answer": self.provider(self.fake(status=500).handle),
            # answers signed by someone else
            "signature-invalid": self.provider(FakeAlipay(self.app_key, new_rsa_key()).handle),
        }
        for code, provider in cases.items():
            outcome = await outcome_of(provider, Kind.ALIPAY_MP, "2088100")
            assert (outcome.code, outcome.outcome) == (code, alipay_subscribe.RESULTS[code])


def push_provider(fake: FakePushGateway, secret: str = PUSH_SECRET) -> WebhookPushProvider:
    settings = PushSettings(webhook_url=PUSH_URL, webhook_secret=SecretStr(secret))
    return WebhookPushProvider(settings, client_for(fake.handle))


class TestWebhookPush:
    @pytest.mark.asyncio
    async def test_a_signed_push_is_accepted(self) -> None:
        fake = FakePushGateway()
        outcome = await outcome_of(push_provider(fake), Kind.PUSH, "device-token-0001")
        assert (outcome.outcome, outcome.provider_message_id) == (Outcome.SENT, "push-1")
        [body] = fake.accepted
        assert body["token"] == "device-token-0001"
        assert body["id"] == "n42"
        assert body["title"] == "缴费成功"
        assert "80.00元" in body["body"]

    @pytest.mark.asyncio
    async def test_a_wrong_secret_is_refused_for_good(self) -> None:
        fake = FakePushGateway()
        outcome = await outcome_of(push_provider(fake, "other"), Kind.PUSH, "device-token-0001")
        assert (outcome.code, outcome.outcome) == ("401", Outcome.PERMANENT)

    @pytest.mark.asyncio
    @pytest.mark.parametrize("status", sorted(app_push.RESULTS))
    async def test_every_status_maps_as_the_table_says(self, status: str) -> None:
        fake = FakePushGateway(status=int(status))
        outcome = await outcome_of(push_provider(fake), Kind.PUSH, "device-token-0001")
        assert (outcome.code, outcome.outcome) == (status, app_push.RESULTS[status])


class TestSandbox:
    @pytest.mark.asyncio
    async def test_it_records_every_kind_with_the_recipient_masked(self, db: None) -> None:
        for code, expected in sandbox.RESULTS.items():
            outcome = await outcome_of(SandboxProvider(Kind.WECHAT_OA), Kind.WECHAT_OA, OPENID)
            assert (outcome.code, outcome.outcome) == (code, expected)
        await outcome_of(SandboxProvider(Kind.SMS), Kind.SMS, PHONE)
        [wechat] = await outbox_entries(10, kind=Kind.WECHAT_OA)
        assert wechat.recipient == "o-re****0001"
        assert wechat.phone is None
        [sms] = await outbox_entries(10)
        assert sms.phone == "138****5678"
        assert sms.text.startswith("【GovHub】您已成功缴纳")

    def test_every_kind_has_a_sandbox_and_a_real_provider(self) -> None:
        for kind in Kind:
            assert "sandbox" in PROVIDERS[kind]
            assert len(PROVIDERS[kind]) >= 2
