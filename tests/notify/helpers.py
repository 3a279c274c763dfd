"""Shared by the notify tests: a clock to move, residents with channel accounts, a provider
whose answers a test scripts, and small readers of the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from channels.identity.service import authenticate, identity
from gateway.schemas import Channel, CitizenPrincipal
from notify.kinds import Kind
from notify.models import DeliveryAttempt, Notification
from notify.providers.base import NotificationProvider, Outcome, OutgoingMessage, SendResult

PHONE = "13812345678"
# 10:00 in Shanghai, outside the default quiet hours; years ahead, so nothing running on the
# real clock (the in-process job runner, the app's periodic sweep) finds these messages due.
START = datetime(2031, 3, 3, 2, 0, tzinfo=UTC)
OA_APP_ID = "wx-oa-test-000001"


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


async def make_resident(
    accounts: Iterable[tuple[Channel, str, str]] = (), phone: str | None = PHONE
) -> int:
    """A citizen with a verified phone and one account per (channel, app id, external id)."""
    citizen_id: int | None = None
    for channel, app_id, external_id in [*accounts, (Channel.APP, "govhub-app", phone or "")]:
        if channel == Channel.APP and not phone:
            continue
        tokens = await identity.sign_in_channel_account(channel, app_id, external_id, phone=phone)
        principal = await authenticate(tokens.access_token)
        assert isinstance(principal, CitizenPrincipal)
        citizen_id = principal.citizen_id
    assert citizen_id is not None, "a resident needs an account or a phone"
    return citizen_id


async def session_token(channel: Channel, app_id: str, external_id: str) -> str:
    return (await identity.sign_in_channel_account(channel, app_id, external_id)).access_token


@dataclass
class ScriptedProvider:
    """Answers with the outcomes a test lists, one per call (the last one repeats)."""

    name: str
    kind: Kind
    outcomes: list[Outcome] = field(default_factory=lambda: [Outcome.SENT])
    code: str = "scripted"
    sent: list[OutgoingMessage] = field(default_factory=list)
    calls: int = 0

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if outcome == Outcome.SENT:
            self.sent.append(message)
        return SendResult(outcome, "ok" if outcome == Outcome.SENT else self.code, f"m{self.calls}")


class Providers:
    """A provider resolver over a few providers, by kind."""

    def __init__(self, *providers: NotificationProvider) -> None:
        self.by_kind = {p.kind: p for p in providers}

    def __call__(self, kind: Kind) -> NotificationProvider:
        from notify.providers import ProviderUnavailable

        if kind not in self.by_kind:
            raise ProviderUnavailable(f"{kind.value}: none in this test")
        return self.by_kind[kind]


async def reload(notification_id: int) -> Notification:
    return await Notification.get(id=notification_id)


async def attempts(notification_id: int) -> list[DeliveryAttempt]:
    return await DeliveryAttempt.filter(notification_id=notification_id).order_by("id")
