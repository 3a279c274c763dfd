"""The staff view of messages through the gateway, and the resident's push devices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from gateway.schemas import Channel
from notify.delivery import Dispatcher
from notify.events import emit
from notify.kinds import Kind
from notify.models import NotificationStatus
from notify.providers.app_push import WebhookPushProvider
from notify.providers.base import Outcome
from notify.settings import NotifySettings, PushSettings
from services.staff.service import staff_service
from tests.app.helpers import bearer
from tests.notify.fakes import PUSH_SECRET, PUSH_URL, FakePushGateway, client_for
from tests.notify.helpers import (
    FakeClock,
    Providers,
    ScriptedProvider,
    make_resident,
    reload,
    session_token,
)

PASSWORD = "correct horse battery"
PAID = {"item": "不动产登记费", "amount_fen": 8000, "order_no": "P1"}


async def staff_token(client: httpx.AsyncClient, username: str, role: str) -> str:
    await staff_service.create(username, PASSWORD, role, region_code="110105")
    response = await client.post(
        "/api/v1/staff/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["access_token"]
    return token


async def call(
    client: httpx.AsyncClient, action: str, token: str, params: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(
        f"/api/v1/services/notify/{action}",
        json=params or {},
        headers=bearer(token, "web") | {"Accept-Language": "en"},
    )


async def dead_letter(clock: FakeClock) -> int:
    citizen = await make_resident()
    emitted = await emit(
        "payment_succeeded", citizen, PAID, channel="web", dedupe_key="P1", now=clock.now
    )
    refusing = ScriptedProvider("aliyun_sms", Kind.SMS, [Outcome.PERMANENT], "isv.OUT_OF_SERVICE")
    await Dispatcher(Providers(refusing), clock=clock).deliver_due()
    return emitted.notification_id


class TestStaffView:
    @pytest.mark.asyncio
    async def test_an_auditor_reads_messages_their_attempts_and_the_counts(
        self, client: httpx.AsyncClient, clock: FakeClock
    ) -> None:
        message_id = await dead_letter(clock)
        token = await staff_token(client, "auditor1", "auditor")
        listed = await call(client, "messages", token, {"status": "failed"})
        assert listed.status_code == 200, listed.text
        [row] = listed.json()["data"]["items"]
        assert listed.json()["data"]["next_cursor"] is None
        assert row["id"] == message_id
        assert row["recipient"] == "138****5678"
        assert row["failure_reason"] == "sms: isv.OUT_OF_SERVICE"
        detail = (await call(client, "message", token, {"id": message_id})).json()["data"]
        assert [(a["outcome"], a["code"]) for a in detail["attempts_made"]] == [
            ("permanent", "isv.OUT_OF_SERVICE")
        ]
        counts = (await call(client, "summary", token)).json()["data"]["by_status"]
        assert counts["failed"] == 1
        assert counts["queued"] == 0
        missing = await call(client, "message", token, {"id": message_id + 99})
        assert missing.status_code == 404
        assert missing.json()["code"] == "NOTIFY_MESSAGE_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_clerks_and_residents_cannot_read_them(self, client: httpx.AsyncClient) -> None:
        clerk = await staff_token(client, "clerk1", "window_clerk")
        assert (await call(client, "messages", clerk)).json()["code"] == "PERMISSION_DENIED"
        await make_resident()
        resident = await session_token(Channel.APP, "govhub-app", "13812345678")
        assert (await call(client, "messages", resident)).json()["code"] == "STAFF_ONLY"

    @pytest.mark.asyncio
    async def test_an_administrator_resends_a_dead_letter_an_auditor_may_not(
        self, client: httpx.AsyncClient, clock: FakeClock
    ) -> None:
        message_id = await dead_letter(clock)
        auditor = await staff_token(client, "auditor1", "auditor")
        denied = await call(client, "retry", auditor, {"id": message_id})
        assert denied.json()["code"] == "PERMISSION_DENIED"
        admin = await staff_token(client, "admin1", "admin")
        resent = await call(client, "retry", admin, {"id": message_id})
        assert resent.status_code == 200, resent.text
        assert resent.json()["data"]["status"] == "queued"
        again = await call(client, "retry", admin, {"id": message_id})
        assert again.status_code == 409
        assert again.json()["code"] == "NOTIFY_NOT_RETRYABLE"
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        await Dispatcher(Providers(sms), clock=clock).deliver(
            message_id, clock.now + timedelta(days=1)
        )
        assert (await reload(message_id)).status == NotificationStatus.SENT
        assert len(sms.sent) == 1


class TestPushDevices:
    @pytest.mark.asyncio
    async def test_a_registered_device_gets_the_app_users_messages(
        self, client: httpx.AsyncClient, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        token = await session_token(Channel.APP, "govhub-app", "13812345678")
        for device, locale in (("old-device-token", "zh-CN"), ("new-device-token", "en")):
            registered = await client.post(
                "/api/v1/services/notify/register-device",
                json={"token": device, "platform": "android", "locale": locale},
                headers=bearer(token, "app"),
            )
            assert registered.status_code == 200, registered.text
            clock.advance(seconds=1)
        gateway = FakePushGateway()
        push = WebhookPushProvider(
            PushSettings(webhook_url=PUSH_URL, webhook_secret=SecretStr(PUSH_SECRET)),
            client_for(gateway.handle),
        )
        emitted = await emit(
            "payment_succeeded", citizen, PAID, channel="app", dedupe_key="P1", now=clock.now
        )
        settings = NotifySettings(quiet_hours="")
        await Dispatcher(Providers(push), settings=lambda: settings, clock=clock).deliver_due()
        [sent] = gateway.accepted
        assert sent["token"] == "new-device-token"
        assert sent["body"].startswith("You paid 80.00")
        assert (await reload(emitted.notification_id)).kind == "push"
        removed = await client.post(
            "/api/v1/services/notify/unregister-device",
            json={"token": "new-device-token"},
            headers=bearer(token, "app"),
        )
        assert removed.status_code == 200
        wechat = await session_token(Channel.WECHAT_OA, "wx-oa", "o-oa-9")
        other = await client.post(
            "/api/v1/services/notify/register-device",
            json={"token": "from-the-wechat-page", "platform": "ios"},
            headers=bearer(wechat, "wechat_oa"),
        )
        assert other.json()["code"] == "CHANNEL_NOT_ALLOWED"
