"""Routing: the resident's own channel first, then the fallback; quiet hours; opt-outs; and
mini-program subscribe consents, counted one message per one-time acceptance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from gateway.schemas import Channel
from notify.delivery import Dispatcher
from notify.errors import CategoryMandatory
from notify.events import Emitted, emit
from notify.kinds import Kind
from notify.models import AttemptOutcome, NotificationStatus, SubscribeConsent
from notify.providers.base import Outcome
from notify.routing import route_for
from notify.service import notify
from notify.settings import NotifySettings
from notify.templates import Category
from notify.timing import quiet_until
from tests.app.helpers import bearer
from tests.notify.conftest import Configure
from tests.notify.helpers import (
    OA_APP_ID,
    FakeClock,
    Providers,
    ScriptedProvider,
    attempts,
    make_resident,
    reload,
    session_token,
)

PAID = {"item": "不动产登记费", "amount_fen": 8000, "order_no": "P1"}
MP_APP_ID = "wx-mp-test-00001"
MP_OPENID = "o-mp-openid-0001"
SHANGHAI = timedelta(hours=8)


def shanghai(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2031, 3, day, hour, minute, tzinfo=UTC) - SHANGHAI


async def paid(citizen: int, clock: FakeClock, channel: Channel, key: str = "P1") -> Emitted:
    return await emit(
        "payment_succeeded", citizen, PAID, channel=channel, dedupe_key=key, now=clock.now
    )


class TestRoutes:
    def test_each_channel_goes_to_its_own_kind_then_sms(self) -> None:
        settings = NotifySettings()
        assert route_for(Channel.WECHAT_OA, settings) == ["wechat_oa", "sms"]
        assert route_for(Channel.WECHAT_MP, settings) == ["wechat_mp", "sms"]
        assert route_for(Channel.ALIPAY_MP, settings) == ["alipay_mp", "sms"]
        assert route_for(Channel.APP, settings) == ["push", "sms"]
        assert route_for(Channel.WEB, settings) == ["sms"]

    def test_the_fallback_is_configurable(self, configure: Configure) -> None:
        settings = configure(notify_fallback='{"wechat_mp": ["wechat_oa", "sms"], "app": []}')
        assert route_for(Channel.WECHAT_MP, settings) == ["wechat_mp", "wechat_oa", "sms"]
        assert route_for(Channel.APP, settings) == ["push"]

    def test_an_unknown_kind_in_the_fallback_is_refused(self) -> None:
        with pytest.raises(ValueError, match="fax"):
            NotifySettings(fallback={"web": ["fax"]})


class TestFallback:
    @pytest.mark.asyncio
    async def test_a_refused_wechat_message_goes_by_sms(self, db: None, clock: FakeClock) -> None:
        citizen = await make_resident([(Channel.WECHAT_OA, OA_APP_ID, "o-oa-1")])
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA, [Outcome.PERMANENT], "43004")
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        emitted = await paid(citizen, clock, Channel.WECHAT_OA)
        status = await Dispatcher(Providers(wechat, sms), clock=clock).deliver(
            emitted.notification_id
        )
        assert status == NotificationStatus.SENT
        row = await reload(emitted.notification_id)
        assert (row.kind, row.provider, row.step) == ("sms", "aliyun_sms", 1)
        assert [(a.kind, a.outcome, a.code) for a in await attempts(row.id)] == [
            ("wechat_oa", AttemptOutcome.PERMANENT, "43004"),
            ("sms", AttemptOutcome.SENT, "ok"),
        ]
        assert wechat.sent == []
        assert sms.sent[0].recipient.address == "13812345678"

    @pytest.mark.asyncio
    async def test_retries_used_up_on_wechat_fall_back_to_sms(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident([(Channel.WECHAT_OA, OA_APP_ID, "o-oa-1")])
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA, [Outcome.RETRY], "-1")
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        settings = NotifySettings(max_attempts=2)
        dispatcher = Dispatcher(Providers(wechat, sms), settings=lambda: settings, clock=clock)
        emitted = await paid(citizen, clock, Channel.WECHAT_OA)
        assert await dispatcher.deliver_due() == 1
        clock.advance(seconds=30)
        assert await dispatcher.deliver_due() == 1
        row = await reload(emitted.notification_id)
        assert row.status == NotificationStatus.SENT
        assert row.kind == "sms"
        assert wechat.calls == 2
        assert len(sms.sent) == 1

    @pytest.mark.asyncio
    async def test_a_resident_unknown_on_the_channel_is_reached_by_sms(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()  # signed in with the app only
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA)
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        emitted = await paid(citizen, clock, Channel.WECHAT_OA)
        await Dispatcher(Providers(wechat, sms), clock=clock).deliver(emitted.notification_id)
        assert wechat.calls == 0
        assert len(sms.sent) == 1
        codes = [(a.outcome, a.code) for a in await attempts(emitted.notification_id)]
        assert codes[0] == (AttemptOutcome.SKIPPED, "no-address")

    @pytest.mark.asyncio
    async def test_the_openid_of_the_account_that_knows_the_resident_is_used(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident([(Channel.WECHAT_OA, OA_APP_ID, "o-oa-1")])
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA)
        emitted = await paid(citizen, clock, Channel.WECHAT_OA)
        await Dispatcher(Providers(wechat), clock=clock).deliver(emitted.notification_id)
        [sent] = wechat.sent
        assert (sent.recipient.address, sent.recipient.app_id) == ("o-oa-1", OA_APP_ID)


class TestQuietHours:
    def test_the_window_crosses_midnight(self) -> None:
        assert quiet_until(shanghai(23), "22:00-08:00", "Asia/Shanghai") == shanghai(8, day=4)
        assert quiet_until(shanghai(7, 59), "22:00-08:00", "Asia/Shanghai") == shanghai(8)
        assert quiet_until(shanghai(8), "22:00-08:00", "Asia/Shanghai") is None
        assert quiet_until(shanghai(12, 30), "12:00-13:00", "Asia/Shanghai") == shanghai(13)
        assert quiet_until(shanghai(23), "", "Asia/Shanghai") is None

    @pytest.mark.asyncio
    async def test_a_non_urgent_message_waits_for_the_morning(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        dispatcher = Dispatcher(Providers(sms), clock=clock)
        clock.now = shanghai(23)
        emitted = await paid(citizen, clock, Channel.WEB)
        assert (await reload(emitted.notification_id)).next_attempt_at == shanghai(8, day=4)
        clock.now = shanghai(7, 59, day=4)
        assert await dispatcher.deliver_due() == 0
        assert sms.calls == 0
        clock.now = shanghai(8, day=4)
        assert await dispatcher.deliver_due() == 1
        assert len(sms.sent) == 1

    @pytest.mark.asyncio
    async def test_a_message_that_falls_due_in_the_night_is_held_without_a_try(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        clock.now = shanghai(21, 59)
        emitted = await paid(citizen, clock, Channel.WEB)
        clock.now = shanghai(22, 5)  # the workers were busy until after ten
        assert await Dispatcher(Providers(sms), clock=clock).deliver_due() == 1
        row = await reload(emitted.notification_id)
        assert row.status == NotificationStatus.QUEUED
        assert row.next_attempt_at == shanghai(8, day=4)
        assert sms.calls == 0
        assert await attempts(row.id) == []

    @pytest.mark.asyncio
    async def test_urgent_messages_go_at_night(self, db: None, clock: FakeClock) -> None:
        citizen = await make_resident()
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        clock.now = shanghai(23)
        called = await emit(
            "queue_called",
            citizen,
            {"label": "A012", "window": "3号窗口"},
            channel="web",
            dedupe_key="A012:called",
            now=clock.now,
        )
        forced = await emit(
            "appointment_cancelled",
            citizen,
            {"item": "换领身份证", "hall": "政务中心", "time": "明天 09:00"},
            channel="web",
            dedupe_key="cancel-1",
            urgent=True,
            now=clock.now,
        )
        assert await Dispatcher(Providers(sms), clock=clock).deliver_due() == 2
        for e in (called, forced):
            assert (await reload(e.notification_id)).status == NotificationStatus.SENT
        assert sms.sent[0].rendered.text == "请A012号到3号窗口办理。"


class TestOptOuts:
    @pytest.mark.asyncio
    async def test_an_opted_out_category_sends_nothing(self, db: None, clock: FakeClock) -> None:
        citizen = await make_resident()
        await notify.set_preference(citizen, Category.PAYMENTS, False)
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        emitted = await paid(citizen, clock, Channel.WEB)
        assert emitted.status == NotificationStatus.SUPPRESSED
        assert await Dispatcher(Providers(sms), clock=clock).deliver_due() == 0
        assert sms.calls == 0
        queue = await emit(
            "queue_near",
            citizen,
            {"label": "A012", "ahead": 3},
            channel="web",
            dedupe_key="near",
            now=clock.now,
        )
        assert queue.status == NotificationStatus.QUEUED  # other categories still come

    @pytest.mark.asyncio
    async def test_security_messages_cannot_be_turned_off(self, db: None) -> None:
        citizen = await make_resident()
        with pytest.raises(CategoryMandatory):
            await notify.set_preference(citizen, Category.SECURITY, False)
        preferences = {p.category: p for p in await notify.preferences(citizen)}
        assert preferences[Category.SECURITY].enabled
        assert preferences[Category.SECURITY].mandatory

    @pytest.mark.asyncio
    async def test_residents_set_their_preferences_through_the_gateway(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_resident()
        token = await session_token(Channel.APP, "govhub-app", "13812345678")
        url = "/api/v1/services/notify/set-preference"
        off = await client.post(
            url, json={"category": "queue", "enabled": False}, headers=bearer(token)
        )
        assert off.status_code == 200, off.text
        assert {p["category"]: p["enabled"] for p in off.json()["data"]}["queue"] is False
        security = await client.post(
            url,
            json={"category": "security", "enabled": False},
            headers=bearer(token) | {"Accept-Language": "en"},
        )
        assert security.status_code == 409
        assert security.json()["code"] == "NOTIFY_CATEGORY_MANDATORY"


class TestSubscribeConsent:
    async def subscribe(
        self, client: httpx.AsyncClient, token: str, events: list[str], long_term: bool = False
    ) -> httpx.Response:
        return await client.post(
            "/api/v1/services/notify/subscribe",
            json={"events": events, "long_term": long_term},
            headers=bearer(token, "wechat_mp"),
        )

    async def resident(self, client: httpx.AsyncClient) -> tuple[int, str]:
        citizen = await make_resident([(Channel.WECHAT_MP, MP_APP_ID, MP_OPENID)])
        return citizen, await session_token(Channel.WECHAT_MP, MP_APP_ID, MP_OPENID)

    @pytest.mark.asyncio
    async def test_one_acceptance_allows_one_message_the_next_goes_by_sms(
        self, client: httpx.AsyncClient, clock: FakeClock
    ) -> None:
        citizen, token = await self.resident(client)
        answer = await self.subscribe(client, token, ["payment_succeeded"])
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"] == [
            {"channel": "wechat_mp", "event": "payment_succeeded", "remaining": 1}
        ]
        mp = ScriptedProvider("wechat_subscribe", Kind.WECHAT_MP)
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        first = await paid(citizen, clock, Channel.WECHAT_MP, "P1")
        second = await paid(citizen, clock, Channel.WECHAT_MP, "P2")
        await Dispatcher(Providers(mp, sms), clock=clock).deliver_due()
        assert (await reload(first.notification_id)).kind == "wechat_mp"
        assert (await reload(second.notification_id)).kind == "sms"
        assert len(mp.sent) == 1
        assert len(sms.sent) == 1
        assert (await SubscribeConsent.get(citizen_id=citizen)).remaining == 0
        skipped = await attempts(second.notification_id)
        assert (skipped[0].outcome, skipped[0].code) == (AttemptOutcome.SKIPPED, "no-consent")

    @pytest.mark.asyncio
    async def test_acceptances_add_up_and_a_long_term_one_has_no_count(
        self, client: httpx.AsyncClient, clock: FakeClock
    ) -> None:
        citizen, token = await self.resident(client)
        await self.subscribe(client, token, ["payment_succeeded", "queue_called"])
        again = await self.subscribe(client, token, ["payment_succeeded"])
        counts = {c["event"]: c["remaining"] for c in again.json()["data"]}
        assert counts == {"payment_succeeded": 2, "queue_called": 1}
        forever = await self.subscribe(client, token, ["queue_called"], long_term=True)
        assert {c["event"]: c["remaining"] for c in forever.json()["data"]}["queue_called"] is None
        mp = ScriptedProvider("wechat_subscribe", Kind.WECHAT_MP)
        for n in range(3):
            await paid(citizen, clock, Channel.WECHAT_MP, f"P{n}")
            await emit(
                "queue_called",
                citizen,
                {"label": f"A{n}", "window": "1号窗口"},
                channel="wechat_mp",
                dedupe_key=f"A{n}",
                now=clock.now,
            )
        await Dispatcher(
            Providers(mp, ScriptedProvider("sms", Kind.SMS)), clock=clock
        ).deliver_due()
        events = [m.rendered.template.event.value for m in mp.sent]
        assert events.count("payment_succeeded") == 2
        assert events.count("queue_called") == 3

    @pytest.mark.asyncio
    async def test_a_refused_message_gives_its_consent_back_and_a_retry_keeps_it(
        self, client: httpx.AsyncClient, clock: FakeClock
    ) -> None:
        citizen, token = await self.resident(client)
        await self.subscribe(client, token, ["payment_succeeded"])
        refusing = ScriptedProvider("wechat_subscribe", Kind.WECHAT_MP, [Outcome.PERMANENT])
        sms = ScriptedProvider("aliyun_sms", Kind.SMS)
        await paid(citizen, clock, Channel.WECHAT_MP, "P1")
        await Dispatcher(Providers(refusing, sms), clock=clock).deliver_due()
        assert (await SubscribeConsent.get(citizen_id=citizen)).remaining == 1
        flaky = ScriptedProvider("wechat_subscribe", Kind.WECHAT_MP, [Outcome.RETRY, Outcome.SENT])
        dispatcher = Dispatcher(Providers(flaky, sms), clock=clock)
        await paid(citizen, clock, Channel.WECHAT_MP, "P2")
        await dispatcher.deliver_due()
        assert (await SubscribeConsent.get(citizen_id=citizen)).remaining == 0
        clock.advance(seconds=30)
        await dispatcher.deliver_due()
        assert len(flaky.sent) == 1
        assert len(sms.sent) == 1
        assert (await SubscribeConsent.get(citizen_id=citizen)).remaining == 0

    @pytest.mark.asyncio
    async def test_consent_is_recorded_only_from_a_mini_program(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_resident()
        token = await session_token(Channel.APP, "govhub-app", "13812345678")
        answer = await client.post(
            "/api/v1/services/notify/subscribe",
            json={"events": ["payment_succeeded"]},
            headers=bearer(token, "app"),
        )
        assert answer.status_code == 403
        assert answer.json()["code"] == "CHANNEL_NOT_ALLOWED"
        assert await SubscribeConsent.all().count() == 0
