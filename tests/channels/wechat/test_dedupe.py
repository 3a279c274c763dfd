"""A message runs its action once: retries (concurrent or late) get the first reply, and an
action slower than WeChat's patience answers `success` then follows by customer service."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from channels.wechat.models import CallbackMessage, MessageState
from channels.wechat.service import MAX_DELIVERY_ATTEMPTS, official_accounts
from tests.channels.wechat.conftest import (
    REPLY_BUDGET,
    SAMPLE_APP_ID,
    Calls,
    FakeWeChat,
    event_xml,
    plain_push,
    push,
    sealed_push,
    text_xml,
)


async def wait_for(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


class TestRetries:
    @pytest.mark.asyncio
    async def test_concurrent_retries_run_the_action_once(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        message = plain_push(text_xml("办事 户口", "4001"))
        responses = await asyncio.gather(*(push(wechat, message) for _ in range(4)))
        assert calls.searches == ["户口"]
        assert all(r.status_code == 200 for r in responses)
        contents = {re.sub(r"<CreateTime>\d+</CreateTime>", "", r.text) for r in responses}
        assert len(contents) == 1
        assert "户口办理" in contents.pop()
        assert await CallbackMessage.filter(dedupe_key="msg:4001").count() == 1

    @pytest.mark.asyncio
    async def test_late_retry_gets_the_stored_reply(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        first = await push(wechat, plain_push(text_xml("办事 户口", "4002")))
        again = await push(wechat, sealed_push(text_xml("办事 户口", "4002")))
        assert calls.searches == ["户口"]
        assert first.status_code == again.status_code == 200
        assert "户口办理" in first.text
        assert "户口" not in again.text  # the same reply, sealed this time

    @pytest.mark.asyncio
    async def test_events_are_keyed_by_sender_and_time(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        created = int(time.time())
        click = event_xml("CLICK", "MY_QUEUE", created=created)
        await asyncio.gather(push(wechat, plain_push(click)), push(wechat, plain_push(click)))
        other = event_xml("CLICK", "MY_QUEUE", openid="o-resident-2", created=created)
        await push(wechat, plain_push(other))
        assert len(calls.tickets) == 2
        rows = await CallbackMessage.all().order_by("id")
        assert [r.dedupe_key for r in rows] == [
            f"evt:o-resident-1:{created}",
            f"evt:o-resident-2:{created}",
        ]

    @pytest.mark.asyncio
    async def test_distinct_messages_each_run(
        self, wechat: httpx.AsyncClient, calls: Calls
    ) -> None:
        await push(wechat, plain_push(text_xml("办事 甲", "4003")))
        await push(wechat, plain_push(text_xml("办事 乙", "4004")))
        assert calls.searches == ["甲", "乙"]


class TestSlowAction:
    @pytest.mark.asyncio
    async def test_success_at_once_then_customer_service_message(
        self, wechat: httpx.AsyncClient, calls: Calls, fake_wechat: FakeWeChat
    ) -> None:
        calls.slow_seconds = REPLY_BUDGET + 0.4
        started = time.perf_counter()
        response = await push(wechat, plain_push(text_xml("办事 慢", "5001")))
        elapsed = time.perf_counter() - started
        assert response.text == "success"
        assert elapsed < REPLY_BUDGET + 0.3
        assert fake_wechat.custom_messages == []

        await wait_for(lambda: len(fake_wechat.custom_messages) == 1)
        sent = fake_wechat.custom_messages[0]
        assert sent["touser"] == "o-resident-1"
        assert sent["msgtype"] == "text"
        assert sent["text"]["content"] == "慢办理（材料与流程）"

        async def delivered() -> bool:
            row = await CallbackMessage.get(dedupe_key="msg:5001")
            return row.state == MessageState.DELIVERED

        deadline = time.monotonic() + 3
        while not await delivered():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)

    @pytest.mark.asyncio
    async def test_retry_of_a_deferred_message_does_not_run_it_again(
        self, wechat: httpx.AsyncClient, calls: Calls, fake_wechat: FakeWeChat
    ) -> None:
        calls.slow_seconds = REPLY_BUDGET + 0.4
        message = plain_push(text_xml("办事 慢", "5002"))
        assert (await push(wechat, message)).text == "success"
        assert (await push(wechat, message)).text == "success"
        await wait_for(lambda: len(fake_wechat.custom_messages) == 1)
        assert (await push(wechat, message)).text == "success"
        await asyncio.sleep(0.1)
        assert calls.searches == ["慢"]
        assert len(fake_wechat.custom_messages) == 1

    @pytest.mark.asyncio
    async def test_customer_service_send_survives_a_revoked_token(
        self, wechat: httpx.AsyncClient, calls: Calls, fake_wechat: FakeWeChat
    ) -> None:
        calls.slow_seconds = REPLY_BUDGET + 0.2
        assert (await push(wechat, plain_push(text_xml("办事 慢", "5003")))).text == "success"
        await wait_for(lambda: len(fake_wechat.custom_messages) == 1)
        fake_wechat.revoke_tokens()  # e.g. the secret was reset: WeChat answers 40001
        assert (await push(wechat, plain_push(text_xml("办事 慢", "5004")))).text == "success"
        await wait_for(lambda: len(fake_wechat.custom_messages) == 2)
        assert fake_wechat.tokens_issued == 2


class TestLateRepliesAreNeverLost:
    @pytest.mark.asyncio
    async def test_a_failed_send_is_retried_by_the_sweep(
        self, wechat: httpx.AsyncClient, calls: Calls, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.custom_send_down = True
        calls.slow_seconds = REPLY_BUDGET + 0.2
        assert (await push(wechat, plain_push(text_xml("办事 慢", "6001")))).text == "success"

        async def stored() -> CallbackMessage:
            while True:
                row = await CallbackMessage.get(dedupe_key="msg:6001")
                if row.delivery_attempts == 1:
                    return row
                await asyncio.sleep(0.02)

        row = await asyncio.wait_for(stored(), 5)
        assert row.state == MessageState.DEFERRED
        assert row.reply is not None

        fake_wechat.custom_send_down = False
        later = datetime.now(UTC) + timedelta(minutes=1)
        assert await official_accounts.sweep_late_replies(now=later) == 1
        assert fake_wechat.custom_messages[0]["text"]["content"] == "慢办理（材料与流程）"
        assert (await CallbackMessage.get(id=row.id)).state == MessageState.DELIVERED
        assert await official_accounts.sweep_late_replies(now=later) == 0

    @pytest.mark.asyncio
    async def test_an_abandoned_action_gets_an_apology(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        # The process running this action died after answering `success`.
        row = await CallbackMessage.create(
            app_id=SAMPLE_APP_ID,
            dedupe_key="msg:6002",
            openid="o-resident-9",
            kind="text",
            state=MessageState.DEFERRED,
        )
        soon = datetime.now(UTC) + timedelta(minutes=1)
        assert await official_accounts.sweep_late_replies(now=soon) == 0  # may still be running
        assert fake_wechat.custom_messages == []

        later = datetime.now(UTC) + timedelta(minutes=6)
        assert await official_accounts.sweep_late_replies(now=later) == 1
        sent = fake_wechat.custom_messages[0]
        assert sent["touser"] == "o-resident-9"
        assert "请重新发送" in sent["text"]["content"]
        assert (await CallbackMessage.get(id=row.id)).state == MessageState.DELIVERED

    @pytest.mark.asyncio
    async def test_gives_up_after_the_last_attempt(
        self, wechat: httpx.AsyncClient, fake_wechat: FakeWeChat
    ) -> None:
        fake_wechat.custom_send_down = True
        row = await CallbackMessage.create(
            app_id=SAMPLE_APP_ID,
            dedupe_key="msg:6003",
            openid="o-resident-9",
            kind="text",
            state=MessageState.DEFERRED,
            reply={"kind": "text", "text": "您的号码是 A001"},
        )
        later = datetime.now(UTC) + timedelta(minutes=10)
        for _ in range(MAX_DELIVERY_ATTEMPTS):
            assert await official_accounts.sweep_late_replies(now=later) == 0
        final = await CallbackMessage.get(id=row.id)
        assert final.state == MessageState.FAILED
        assert final.delivery_attempts == MAX_DELIVERY_ATTEMPTS
        assert await official_accounts.sweep_late_replies(now=later) == 0


class TestNightlyPurge:
    def test_the_purge_is_scheduled_every_night(self) -> None:
        from config.scheduler import periodic_jobs

        assert periodic_jobs()["wechat.purge_messages"] == ["40 3 * * *"]

    @pytest.mark.asyncio
    async def test_rows_older_than_a_week_go_and_recent_ones_stay(self, db: None) -> None:
        from channels.wechat.tasks import purge_messages

        old = await CallbackMessage.create(app_id="wx1", dedupe_key="msg:1", openid="o", kind="t")
        await CallbackMessage.create(app_id="wx1", dedupe_key="msg:2", openid="o", kind="t")
        week_ago = datetime.now(UTC) - timedelta(days=7, minutes=1)
        await CallbackMessage.filter(id=old.id).update(received_at=week_ago)
        assert await purge_messages() == 1
        assert [m.dedupe_key for m in await CallbackMessage.all()] == ["msg:2"]
