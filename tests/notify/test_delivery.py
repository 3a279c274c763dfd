"""The outbox: written in the caller's transaction, sent once per de-duplication key, retried
with backoff through an outage, dead-lettered with the reason, taken over after a crash."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from config import scheduler
from config.database import unit_of_work
from gateway.errors import GovError
from gateway.schemas import Channel
from notify import recipients, repository, tasks
from notify.delivery import Dispatcher
from notify.events import Emitted, emit
from notify.kinds import Kind
from notify.models import AttemptOutcome, Notification, NotificationStatus
from notify.outbox import outbox_entries
from notify.providers.aliyun_sms import AliyunSmsProvider
from notify.providers.base import Outcome, OutgoingMessage, Recipient, SendResult
from notify.settings import AliyunSmsSettings, NotifySettings
from tests.notify.conftest import Configure
from tests.notify.fakes import ALIYUN_KEY_ID, ALIYUN_SECRET, FakeAliyunSms, client_for
from tests.notify.helpers import (
    OA_APP_ID,
    FakeClock,
    Providers,
    ScriptedProvider,
    attempts,
    make_resident,
    reload,
)

PAID = {"item": "不动产登记费", "amount_fen": 8000, "order_no": "P1"}


def aliyun(fake: FakeAliyunSms) -> AliyunSmsProvider:
    settings = AliyunSmsSettings(
        access_key_id=ALIYUN_KEY_ID,
        access_key_secret=SecretStr(ALIYUN_SECRET),
        endpoint="https://dysms.aliyun.test/",
    )
    return AliyunSmsProvider(settings, client_for(fake.handle), "GovHub")


def fixed(**overrides: object) -> NotifySettings:
    return NotifySettings(**overrides)  # type: ignore[arg-type]


async def paid(
    citizen_id: int, clock: FakeClock, key: str = "P1", channel: Channel = Channel.WEB
) -> Emitted:
    return await emit(
        "payment_succeeded", citizen_id, PAID, channel=channel, dedupe_key=key, now=clock.now
    )


class Boom(Exception):
    pass


class TestEmitJoinsTheCallersTransaction:
    @pytest.mark.asyncio
    async def test_a_rolled_back_event_leaves_no_message(self, db: None, clock: FakeClock) -> None:
        citizen = await make_resident()

        async def pay_then_fail() -> None:
            async with unit_of_work():
                await paid(citizen, clock)
                raise Boom

        with pytest.raises(Boom):
            await pay_then_fail()
        assert await Notification.all().count() == 0

    @pytest.mark.asyncio
    async def test_a_committed_event_leaves_one_queued_message(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        async with unit_of_work():
            emitted = await paid(citizen, clock, channel=Channel.WECHAT_OA)
        row = await reload(emitted.notification_id)
        assert (row.status, row.route, row.step) == (
            NotificationStatus.QUEUED,
            ["wechat_oa", "sms"],
            0,
        )
        assert row.next_attempt_at == clock.now
        assert row.params == PAID
        assert emitted.created

    @pytest.mark.asyncio
    async def test_a_bad_event_is_refused_before_anything_is_written(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        with pytest.raises(GovError) as missing:
            await emit("payment_succeeded", citizen, {"item": "x"}, channel="web", dedupe_key="k")
        assert missing.value.code == "NOTIFY_PARAM_MISSING"
        with pytest.raises(GovError) as unknown:
            await emit("payment_lost", citizen, {}, channel="web", dedupe_key="k")
        assert unknown.value.code == "NOTIFY_TEMPLATE_UNKNOWN"
        assert await Notification.all().count() == 0


class TestDuplicateEvents:
    @pytest.mark.asyncio
    async def test_the_same_event_twice_sends_once(self, db: None, clock: FakeClock) -> None:
        citizen = await make_resident()
        fake = FakeAliyunSms(clock)
        dispatcher = Dispatcher(Providers(aliyun(fake)), clock=clock)
        first = await paid(citizen, clock)
        again = await paid(citizen, clock)
        assert again.notification_id == first.notification_id
        assert not again.created
        assert await dispatcher.deliver_due() == 1
        late = await paid(citizen, clock)  # a retried event after the message went out
        assert late.status == NotificationStatus.SENT
        assert not late.created
        assert await dispatcher.deliver_due() == 0
        assert len(fake.accepted) == 1

    @pytest.mark.asyncio
    async def test_concurrent_duplicates_write_one_message(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()

        async def one() -> int:
            async with unit_of_work():
                emitted = await paid(citizen, clock, key="same")
            return emitted.notification_id

        ids = await asyncio.gather(*(one() for _ in range(5)))
        assert len(set(ids)) == 1
        assert await Notification.all().count() == 1

    @pytest.mark.asyncio
    async def test_two_workers_on_one_message_send_it_once(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        fake = FakeAliyunSms(clock)
        dispatcher = Dispatcher(Providers(aliyun(fake)), clock=clock)
        emitted = await paid(citizen, clock)
        results = await asyncio.gather(
            *(dispatcher.deliver(emitted.notification_id) for _ in range(4))
        )
        assert results.count(NotificationStatus.SENT) == 1
        assert results.count(None) == 3
        assert len(fake.accepted) == 1


class TestSandboxByDefault:
    @pytest.mark.asyncio
    async def test_messages_land_in_the_sandbox_on_the_channel_used(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident([(Channel.WECHAT_OA, OA_APP_ID, "o-openid-sandbox-1")])
        oa = await paid(citizen, clock, key="a", channel=Channel.WECHAT_OA)
        web = await paid(citizen, clock, key="b", channel=Channel.WEB)
        assert await Dispatcher(clock=clock).deliver_due() == 2
        assert (await reload(oa.notification_id)).kind == "wechat_oa"
        assert (await reload(web.notification_id)).recipient_masked == "138****5678"
        entries = await outbox_entries(10, kind=None)
        assert sorted((e.kind, e.recipient) for e in entries) == [
            ("sms", "138****5678"),
            ("wechat_oa", "o-op****ox-1"),
        ]

    @pytest.mark.asyncio
    async def test_the_send_job_delivers_what_the_event_queued(
        self, db: None, configure: Configure
    ) -> None:
        configure(notify_quiet_hours="")  # sent at once whatever the hour the suite runs at
        citizen = await make_resident()
        emitted = await emit(
            "payment_succeeded", citizen, PAID, channel="web", dedupe_key="job"
        )  # now: the job may already run in-process
        await tasks.deliver(emitted.notification_id)
        for _ in range(50):
            if (await reload(emitted.notification_id)).status == NotificationStatus.SENT:
                break
            await asyncio.sleep(0.02)
        assert (await reload(emitted.notification_id)).status == NotificationStatus.SENT
        assert len(await outbox_entries(10)) == 1


class TestProviderDownForTwoMinutes:
    @pytest.mark.asyncio
    async def test_messages_wait_and_none_is_lost(self, db: None, clock: FakeClock) -> None:
        citizen = await make_resident()
        outage_ends = clock.now + timedelta(minutes=2)
        fake = FakeAliyunSms(clock, down_until=outage_ends)
        dispatcher = Dispatcher(Providers(aliyun(fake)), clock=clock)
        emitted = [await paid(citizen, clock, key=f"order-{n}") for n in range(3)]
        assert await dispatcher.deliver_due() == 3
        while any(r.status == NotificationStatus.QUEUED for r in await Notification.all()):
            due = min(r.next_attempt_at for r in await Notification.all())
            clock.now = due - timedelta(seconds=1)
            assert await dispatcher.deliver_due() == 0  # nothing goes before its time
            clock.now = due
            assert await dispatcher.deliver_due() > 0
            assert clock.now < outage_ends + timedelta(minutes=5)
        assert len(fake.accepted) == 3  # every message, once each
        for e in emitted:
            row = await reload(e.notification_id)
            assert row.status == NotificationStatus.SENT
            assert row.sent_at is not None
            assert row.sent_at >= outage_ends
            assert row.last_error is None
            tries = [a.outcome for a in await attempts(e.notification_id)]
            assert tries == [AttemptOutcome.RETRY] * 3 + [AttemptOutcome.SENT]
        # the retries backed off: 30 s, then 60 s, then 120 s
        first = await attempts(emitted[0].notification_id)
        gaps = [(b.attempted_at - a.attempted_at).seconds for a, b in itertools.pairwise(first)]
        assert gaps == [30, 60, 120]


class TestDeadLetter:
    @pytest.mark.asyncio
    async def test_after_the_last_attempt_the_message_fails_with_the_reason(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        fake = FakeAliyunSms(clock, down_until=clock.now + timedelta(days=1))
        settings = fixed(max_attempts=3)
        dispatcher = Dispatcher(Providers(aliyun(fake)), settings=lambda: settings, clock=clock)
        emitted = await paid(citizen, clock)
        for _ in range(5):
            await dispatcher.deliver_due()
            clock.advance(hours=1)
        row = await reload(emitted.notification_id)
        assert row.status == NotificationStatus.FAILED
        assert row.failure_reason == "sms: 3 attempts, last http_500"
        assert fake.server_errors == 3
        assert row.total_attempts == 3

    @pytest.mark.asyncio
    async def test_a_permanent_refusal_on_the_last_step_fails_at_once(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        fake = FakeAliyunSms(clock, code="isv.MOBILE_NUMBER_ILLEGAL")
        dispatcher = Dispatcher(Providers(aliyun(fake)), clock=clock)
        emitted = await paid(citizen, clock)
        assert await dispatcher.deliver(emitted.notification_id) == NotificationStatus.FAILED
        row = await reload(emitted.notification_id)
        assert row.failure_reason == "sms: isv.MOBILE_NUMBER_ILLEGAL"

    @pytest.mark.asyncio
    async def test_a_resident_without_any_address_is_a_dead_letter_not_a_silence(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident([(Channel.WECHAT_MP, "wx-mp", "o-mp-only")], phone=None)
        emitted = await paid(citizen, clock, channel=Channel.WEB)
        assert await Dispatcher(clock=clock).deliver(emitted.notification_id) == (
            NotificationStatus.FAILED
        )
        assert (await reload(emitted.notification_id)).failure_reason == "sms: no-address"


class TestCrashedWorker:
    @pytest.mark.asyncio
    async def test_a_message_held_by_a_dead_worker_is_taken_once_its_lease_runs_out(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        provider = ScriptedProvider("scripted_sms", Kind.SMS)
        dispatcher = Dispatcher(Providers(provider), clock=clock)
        emitted = await paid(citizen, clock)
        lease = timedelta(seconds=NotifySettings().lease_seconds)
        taken = await repository.claim(
            emitted.notification_id, "dead-worker", clock.now, clock.now + lease
        )
        assert taken
        assert await dispatcher.deliver_due() == 0
        clock.advance(seconds=lease.total_seconds() + 1)
        assert await dispatcher.deliver_due() == 1
        assert len(provider.sent) == 1

    @pytest.mark.asyncio
    async def test_a_slow_worker_whose_lease_was_taken_over_does_not_send(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        provider = ScriptedProvider("scripted_sms", Kind.SMS)
        emitted = await paid(citizen, clock)

        async def slow_lookup(citizen_id: int | None, kind: Kind) -> Recipient | None:
            """Stalls past the lease: meanwhile another worker takes the message over."""
            lease = NotifySettings().lease_seconds
            clock.advance(seconds=lease + 1)
            assert await repository.claim(
                emitted.notification_id,
                "other-worker",
                clock.now,
                clock.now + timedelta(seconds=lease),
            )
            return await recipients.resolve(citizen_id, kind)

        slow = Dispatcher(Providers(provider), addresses=slow_lookup, clock=clock)
        assert await slow.deliver(emitted.notification_id) is None
        assert provider.sent == []
        assert (await reload(emitted.notification_id)).lease_token == "other-worker"

    @pytest.mark.asyncio
    async def test_the_lease_runs_a_full_term_from_the_provider_call(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        lease = NotifySettings().lease_seconds
        seen: list[datetime | None] = []
        emitted = await paid(citizen, clock)

        class Watching(ScriptedProvider):
            async def try_send(self, message: OutgoingMessage) -> SendResult:
                seen.append((await reload(emitted.notification_id)).lease_until)
                return await super().try_send(message)

        async def slow_lookup(citizen_id: int | None, kind: Kind) -> Recipient | None:
            clock.advance(seconds=lease - 1)  # most of the lease spent before the call
            return await recipients.resolve(citizen_id, kind)

        watching = Watching("scripted_sms", Kind.SMS)
        dispatcher = Dispatcher(Providers(watching), addresses=slow_lookup, clock=clock)
        assert await dispatcher.deliver(emitted.notification_id) == NotificationStatus.SENT
        assert seen == [clock.now + timedelta(seconds=lease)]


class TestRateLimits:
    @pytest.mark.asyncio
    async def test_messages_over_the_provider_limit_wait_without_counting_a_try(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident()
        provider = ScriptedProvider("scripted_sms", Kind.SMS)
        settings = fixed(rate_limits={"scripted_sms": 2})
        dispatcher = Dispatcher(Providers(provider), settings=lambda: settings, clock=clock)
        emitted = [await paid(citizen, clock, key=f"k{n}") for n in range(3)]
        await dispatcher.deliver_due()
        assert len(provider.sent) == 2
        waiting = [r for r in await Notification.all() if r.status == NotificationStatus.QUEUED]
        assert len(waiting) == 1
        assert waiting[0].next_attempt_at > clock.now
        assert await attempts(waiting[0].id) == []
        assert waiting[0].attempts == 0
        assert {e.notification_id for e in emitted} >= {waiting[0].id}


class TestRetryOutcomesOfScriptedProviders:
    @pytest.mark.asyncio
    async def test_a_retry_then_success_keeps_one_message(
        self, db: None, clock: FakeClock, configure: Configure
    ) -> None:
        citizen = await make_resident()
        provider = ScriptedProvider("scripted_sms", Kind.SMS, [Outcome.RETRY, Outcome.SENT])
        dispatcher = Dispatcher(Providers(provider), clock=clock)
        emitted = await paid(citizen, clock)
        assert await dispatcher.deliver(emitted.notification_id) == NotificationStatus.QUEUED
        clock.advance(seconds=30)
        assert await dispatcher.deliver(emitted.notification_id) == NotificationStatus.SENT
        assert provider.calls == 2
        assert len(provider.sent) == 1


class TestPeriodicSweep:
    def test_the_sweep_is_scheduled_every_minute(self) -> None:
        assert scheduler.periodic_jobs()["notify.sweep"] == ["* * * * *"]

    @pytest.mark.asyncio
    async def test_the_sweep_sends_what_no_job_was_queued_for(
        self, db: None, configure: Configure
    ) -> None:
        citizen = await make_resident()
        night = datetime(2025, 1, 1, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai, long ago
        emitted = await emit(
            "payment_succeeded", citizen, PAID, channel="web", dedupe_key="old", now=night
        )  # held for the morning: no job queued, only a sweep will find it
        assert (await reload(emitted.notification_id)).status == NotificationStatus.QUEUED
        configure(notify_quiet_hours="")  # the morning has come, whatever the hour the suite runs
        assert await tasks.sweep() == 1
        assert (await reload(emitted.notification_id)).status == NotificationStatus.SENT
        assert await tasks.sweep() == 0
