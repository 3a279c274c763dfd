"""Delivery of outbox messages: one worker at a time per message, retries with backoff, fallback
along the route, dead letter with the reason.

The database row is the truth. A worker first claims a due message (a conditional update with a
lease), then walks its route from the current step:
- quiet hours (non-urgent messages) push it to their end;
- a step whose template, consent, address or provider is missing is skipped;
- a per-provider rate limit defers it without counting an attempt;
- `SENT` ends it; `RETRY` schedules the same step after `retry_delay`, up to `max_attempts`;
  `PERMANENT` (or retries used up) moves to the next step at once; past the last step it is
  `FAILED` with the reason.
A worker that dies mid-way leaves a lease that runs out, and the sweep takes the message again.
Every time and decision takes `now` explicitly, so tests drive the clock instead of sleeping.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from config.runtime import runtime
from gateway.errors import GovError
from notify import recipients, repository
from notify.kinds import CONSENT_CHANNEL, Kind
from notify.models import AttemptOutcome, Notification, NotificationStatus
from notify.providers import ProviderUnavailable, configured_provider
from notify.providers.base import (
    NotificationProvider,
    Outcome,
    OutgoingMessage,
    Recipient,
    SendResult,
    send,
)
from notify.routing import carries
from notify.settings import NotifySettings, notify_settings
from notify.templates import Rendered, render
from notify.timing import Clock, quiet_until, retry_delay, utcnow

logger = logging.getLogger(__name__)

ProviderResolver = Callable[[Kind], NotificationProvider]
RecipientResolver = Callable[[int | None, Kind], Awaitable[Recipient | None]]

_OUTCOMES = {
    Outcome.SENT: AttemptOutcome.SENT,
    Outcome.RETRY: AttemptOutcome.RETRY,
    Outcome.PERMANENT: AttemptOutcome.PERMANENT,
}


@dataclass(frozen=True, slots=True)
class StepResult:
    """What came of one step: an attempt's outcome, or a deferral (`wait`) by a rate limit."""

    outcome: AttemptOutcome
    code: str
    provider: str | None = None
    message_id: str | None = None
    detail: str = ""
    duration_ms: int = 0
    wait: timedelta | None = None

    @classmethod
    def skipped(cls, code: str, detail: str = "") -> StepResult:
        return cls(AttemptOutcome.SKIPPED, code, detail=detail[:255])

    @classmethod
    def of(cls, provider: str, sent: SendResult) -> StepResult:
        return cls(
            _OUTCOMES[sent.outcome],
            sent.code,
            provider,
            sent.provider_message_id,
            sent.detail,
            sent.duration_ms,
        )


class Dispatcher:
    """Sends outbox messages. Providers, addresses, settings and the clock are injectable."""

    def __init__(
        self,
        providers: ProviderResolver = configured_provider,
        *,
        addresses: RecipientResolver = recipients.resolve,
        settings: Callable[[], NotifySettings] = notify_settings,
        clock: Clock = utcnow,
    ) -> None:
        self.providers = providers
        self.addresses = addresses
        self.settings = settings
        self.clock = clock

    async def deliver_due(self, now: datetime | None = None, limit: int | None = None) -> int:
        """Delivers every message due at `now` (the sweep); how many were handled."""
        now = now or self.clock()
        ids = await repository.due_ids(now, limit or self.settings().sweep_batch)
        handled = 0
        for notification_id in ids:
            try:
                if await self.deliver(notification_id, now) is not None:
                    handled += 1
            except Exception:  # one broken message must not stop the others
                logger.exception(
                    "notify %s: delivery failed, its lease will run out", notification_id
                )
        return handled

    async def deliver(
        self, notification_id: int, now: datetime | None = None
    ) -> NotificationStatus | None:
        """Walks one message's route as far as it can go at `now`; None when it is not due or
        another worker holds it."""
        now = now or self.clock()
        settings = self.settings()
        token = secrets.token_hex(16)
        until = now + timedelta(seconds=settings.lease_seconds)
        if not await repository.claim(notification_id, token, now, until):
            return None
        row = await repository.notification(notification_id)
        if row is None:
            return None
        return await _Run(self, settings, row, token, now).walk()


class _LeaseLost(Exception):
    """Another worker holds the message now: this one must not send it."""


class _Run:
    """One claimed message, walked step by step while this worker holds its lease."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        settings: NotifySettings,
        row: Notification,
        token: str,
        now: datetime,
    ) -> None:
        self.d = dispatcher
        self.settings = settings
        self.row = row
        self.token = token
        self.now = now

    async def walk(self) -> NotificationStatus | None:
        try:
            rendered = render(self.row.event, self.row.params)
        except GovError as exc:  # the event or its values no longer fit any template
            return await self._fail(f"template: {exc.code}")
        try:
            return await self._walk_route(rendered)
        except _LeaseLost:
            return None

    async def _walk_route(self, rendered: Rendered) -> NotificationStatus | None:
        while self.row.step < len(self.row.route):
            quiet = self._quiet_until()
            if quiet is not None:
                return await self._wait_until(quiet)
            kind = Kind(self.row.route[self.row.step])
            step = await self._try(kind, rendered)
            if step.wait is not None:
                return await self._wait_until(self.now + step.wait)
            await self._record(kind, step)
            if step.outcome == AttemptOutcome.SENT:
                return await self._sent(step)
            if step.outcome == AttemptOutcome.RETRY:
                self.row.attempts += 1
                if self.row.attempts < self.settings.max_attempts:
                    return await self._retry_later(step)
                reason = f"{kind.value}: {self.row.attempts} attempts, last {step.code}"
            else:
                reason = f"{kind.value}: {step.code}"
            if not await self._next_step(reason):
                return None
        return await self._fail(self.row.last_error or "no route")

    def _quiet_until(self) -> datetime | None:
        if self.row.urgent:
            return None
        return quiet_until(self.now, self.settings.quiet_hours, self.settings.timezone)

    async def _try(self, kind: Kind, rendered: Rendered) -> StepResult:
        if not carries(rendered.template, kind):
            return StepResult.skipped("no-template")
        recipient = await self.d.addresses(self.row.citizen_id, kind)
        if recipient is None:
            return StepResult.skipped("no-address")
        try:
            provider = self.d.providers(kind)
        except ProviderUnavailable as exc:
            logger.error("notify %s: %s", self.row.id, exc)
            return StepResult.skipped("provider-unavailable", str(exc))
        if kind in CONSENT_CHANNEL and not await self._hold_consent(kind):
            return StepResult.skipped("no-consent")
        wait = await self._rate_limited(provider.name)
        if wait is not None:  # a held consent stays held for the deferred try
            return StepResult(AttemptOutcome.SKIPPED, "rate-limited", wait=wait)
        self.row.kind, self.row.provider = kind.value, provider.name
        self.row.recipient_masked = recipient.masked
        message = OutgoingMessage(f"n{self.row.id}", rendered, recipient)
        await self._renew_lease()
        return StepResult.of(provider.name, await send(provider, message))

    async def _renew_lease(self) -> None:
        """Right before a provider call the lease is made to run a full term from now, so the
        call, bounded by the HTTP timeout, ends long before another worker could take the
        message over and send it a second time. A lease already lost stops the walk unsent."""
        until = self.d.clock() + timedelta(seconds=self.settings.lease_seconds)
        if not await self._save(lease_until=until):
            raise _LeaseLost

    async def _rate_limited(self, provider: str) -> timedelta | None:
        limit = self.settings.rate_limits.get(provider)
        if not limit:
            return None
        window = await runtime().store.hit_window(f"notify:rate:{provider}", limit, 60)
        return None if window.allowed else timedelta(seconds=max(window.retry_after, 1))

    async def _hold_consent(self, kind: Kind) -> bool:
        """Takes one message of the resident's consent for this step, once per step (a retry
        keeps what the first try took)."""
        if self.row.consent_id is not None:
            return True
        if self.row.citizen_id is None:
            return False
        consent_id = await repository.take_consent(
            self.row.citizen_id, CONSENT_CHANNEL[kind].value, self.row.event
        )
        if consent_id is None:
            return False
        self.row.consent_id = consent_id
        return await self._save(consent_id=consent_id)

    async def _record(self, kind: Kind, step: StepResult) -> None:
        if step.outcome != AttemptOutcome.SKIPPED:
            self.row.total_attempts += 1
        self.row.last_error = None if step.outcome == AttemptOutcome.SENT else _error(step)
        await repository.add_attempt(
            self.row.id,
            kind=kind.value,
            provider=step.provider,
            outcome=step.outcome,
            code=step.code[:64],
            detail=step.detail[:255] or None,
            duration_ms=step.duration_ms,
            attempted_at=self.now,
        )

    async def _sent(self, step: StepResult) -> NotificationStatus | None:
        saved = await self._save(
            status=NotificationStatus.SENT,
            sent_at=self.now,
            provider_message_id=step.message_id,
            total_attempts=self.row.total_attempts,
            **self._last_try(),
            last_error=None,
            lease_token=None,
            lease_until=None,
        )
        return NotificationStatus.SENT if saved else None

    async def _retry_later(self, step: StepResult) -> NotificationStatus | None:
        delay = retry_delay(self.row.attempts, self.settings.retry_base, self.settings.retry_max)
        saved = await self._save(
            attempts=self.row.attempts,
            total_attempts=self.row.total_attempts,
            next_attempt_at=self.now + delay,
            last_error=_error(step),
            **self._last_try(),
            lease_token=None,
            lease_until=None,
        )
        return NotificationStatus.QUEUED if saved else None

    async def _wait_until(self, moment: datetime) -> NotificationStatus | None:
        saved = await self._save(next_attempt_at=moment, lease_token=None, lease_until=None)
        return NotificationStatus.QUEUED if saved else None

    async def _next_step(self, reason: str) -> bool:
        """Gives back an unused consent and moves on; the lease is kept for the next step."""
        if self.row.consent_id is not None:
            await repository.give_back_consent(self.row.consent_id)
        self.row.step += 1
        self.row.attempts = 0
        self.row.consent_id = None
        self.row.last_error = reason[:255]
        return await self._save(
            step=self.row.step,
            attempts=0,
            consent_id=None,
            total_attempts=self.row.total_attempts,
            last_error=self.row.last_error,
            **self._last_try(),
        )

    async def _fail(self, reason: str) -> NotificationStatus | None:
        saved = await self._save(
            status=NotificationStatus.FAILED,
            failed_at=self.now,
            failure_reason=reason[:255],
            lease_token=None,
            lease_until=None,
        )
        if saved:
            logger.warning("notify %s dead-lettered: %s", self.row.id, reason)
        return NotificationStatus.FAILED if saved else None

    def _last_try(self) -> dict[str, Any]:
        """Where the message last went, kept for the staff view."""
        row = self.row
        return {
            "kind": row.kind,
            "provider": row.provider,
            "recipient_masked": row.recipient_masked,
        }

    async def _save(self, **values: Any) -> bool:
        saved = await repository.update_held(self.row.id, self.token, **values)
        if not saved:
            logger.warning("notify %s: lease lost, another worker has it", self.row.id)
        return saved


def _error(step: StepResult) -> str:
    text = f"{step.code}: {step.detail}" if step.detail else step.code
    return text[:255]


dispatcher = Dispatcher()
