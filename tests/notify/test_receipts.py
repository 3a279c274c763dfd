"""Delivery receipts: SMS vendors push them to a secret URL, WeChat events reach them through
`record_receipt`; a delivered receipt marks the message delivered, a failed one moves it on."""

from __future__ import annotations

import httpx
import orjson
import pytest

from gateway.schemas import Channel
from notify.delivery import Dispatcher
from notify.events import Emitted, emit
from notify.kinds import Kind
from notify.models import NotificationStatus
from notify.receipts import record_receipt
from tests.notify.conftest import Configure
from tests.notify.helpers import (
    OA_APP_ID,
    FakeClock,
    Providers,
    ScriptedProvider,
    make_resident,
    reload,
)

PAID = {"item": "不动产登记费", "amount_fen": 8000, "order_no": "P1"}
TOKEN = "receipt-path-secret-0001"


async def sent_message(
    clock: FakeClock, *providers: ScriptedProvider, channel: Channel = Channel.WEB
) -> Emitted:
    citizen = await make_resident([(Channel.WECHAT_OA, OA_APP_ID, "o-oa-1")])
    emitted = await emit(
        "payment_succeeded", citizen, PAID, channel=channel, dedupe_key="P1", now=clock.now
    )
    assert await Dispatcher(Providers(*providers), clock=clock).deliver_due() == 1
    assert (await reload(emitted.notification_id)).status == NotificationStatus.SENT
    return emitted


class TestSmsReceiptEndpoint:
    @pytest.mark.asyncio
    async def test_an_alibaba_cloud_report_marks_the_message_delivered(
        self, client: httpx.AsyncClient, clock: FakeClock, configure: Configure
    ) -> None:
        configure(notify_receipt_token=TOKEN)
        emitted = await sent_message(clock, ScriptedProvider("aliyun_sms", Kind.SMS))
        report = [
            {
                "phone_number": "13812345678",
                "success": True,
                "biz_id": "m1",
                "err_code": "DELIVERED",
                "err_msg": "用户接收成功",
            }
        ]
        answer = await client.post(f"/notify/receipts/aliyun_sms/{TOKEN}", json=report)
        assert answer.status_code == 200
        assert answer.json() == {"code": 0, "msg": "成功"}
        row = await reload(emitted.notification_id)
        assert row.status == NotificationStatus.DELIVERED
        assert row.delivered_at is not None

    @pytest.mark.asyncio
    async def test_a_tencent_cloud_failure_on_the_last_step_is_a_dead_letter(
        self, client: httpx.AsyncClient, clock: FakeClock, configure: Configure
    ) -> None:
        configure(notify_receipt_token=TOKEN)
        emitted = await sent_message(clock, ScriptedProvider("tencent_sms", Kind.SMS))
        report = [{"sid": "m1", "report_status": "FAIL", "errmsg": "MK:0001", "mobile": "138"}]
        answer = await client.post(f"/notify/receipts/tencent_sms/{TOKEN}", json=report)
        assert answer.json() == {"result": 0, "errmsg": "OK"}
        row = await reload(emitted.notification_id)
        assert row.status == NotificationStatus.FAILED
        assert row.failure_reason == "sms: not delivered (MK:0001)"

    @pytest.mark.asyncio
    async def test_without_the_secret_the_endpoint_is_not_there(
        self, client: httpx.AsyncClient, configure: Configure
    ) -> None:
        body = orjson.dumps([{"biz_id": "m1", "success": True}])
        assert (
            await client.post(f"/notify/receipts/aliyun_sms/{TOKEN}", content=body)
        ).status_code == 404
        configure(notify_receipt_token=TOKEN)
        wrong = await client.post("/notify/receipts/aliyun_sms/guess", content=body)
        assert wrong.status_code == 404
        unknown = await client.post(f"/notify/receipts/carrier_pigeon/{TOKEN}", content=body)
        assert unknown.status_code == 404
        malformed = await client.post(f"/notify/receipts/aliyun_sms/{TOKEN}", content=b"{}")
        assert malformed.status_code == 400


class TestWeChatReceipts:
    @pytest.mark.asyncio
    async def test_a_template_message_the_resident_blocked_is_sent_by_sms_instead(
        self, db: None, clock: FakeClock
    ) -> None:
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA)
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        emitted = await sent_message(clock, wechat, sms, channel=Channel.WECHAT_OA)
        # the TEMPLATESENDJOBFINISH event: Status "failed:user block"
        assert await record_receipt("wechat_template", "m1", False, "failed:user block")
        row = await reload(emitted.notification_id)
        assert (row.status, row.step) == (NotificationStatus.QUEUED, 1)
        await Dispatcher(Providers(wechat, sms), clock=clock).deliver_due(clock.now)
        row = await reload(emitted.notification_id)
        assert (row.status, row.kind) == (NotificationStatus.SENT, "sms")
        assert len(sms.sent) == 1

    @pytest.mark.asyncio
    async def test_a_receipt_counts_once_and_only_for_its_provider(
        self, db: None, clock: FakeClock
    ) -> None:
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA)
        emitted = await sent_message(clock, wechat, channel=Channel.WECHAT_OA)
        assert not await record_receipt("wechat_subscribe", "m1", True)
        assert await record_receipt("wechat_template", "m1", True)
        assert not await record_receipt("wechat_template", "m1", False, "late")
        assert (await reload(emitted.notification_id)).status == NotificationStatus.DELIVERED
