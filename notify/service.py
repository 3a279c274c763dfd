"""The notify module's logic behind its actions: residents' preferences, subscribe consents and
push devices, the staff view of messages, and the direct SMS used for sign-in codes.

Messages about events go through `notify.events.emit` and the outbox; only a sign-in code,
which the resident is waiting for on screen, is sent at once (`send_sms`) and still recorded
in the outbox with its outcome (never its text).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping

from config.database import unit_of_work
from config.jobs import enqueue
from gateway.codes import Code
from gateway.errors import GovError
from gateway.masking import mask_params
from gateway.paging import Page, cursor_id, decode_cursor, page_of
from gateway.schemas import Channel
from notify import repository
from notify.errors import CategoryMandatory, MessageNotFound, NotRetryable
from notify.kinds import Kind
from notify.models import AttemptOutcome, Notification, NotificationStatus
from notify.providers import ProviderUnavailable, configured_provider
from notify.providers.base import NotificationProvider, OutgoingMessage, Recipient, send
from notify.schemas import (
    AttemptRead,
    ConsentRead,
    MessagesParams,
    NotificationDetail,
    NotificationRead,
    PreferenceRead,
    SummaryRead,
)
from notify.tasks import deliver
from notify.templates import MANDATORY_CATEGORIES, Category, Event, render
from notify.timing import Clock, utcnow

logger = logging.getLogger(__name__)


def notification_read(row: Notification) -> NotificationRead:
    return NotificationRead(
        id=row.id,
        event=row.event,
        citizen_id=row.citizen_id,
        channel=row.channel,
        route=list(row.route),
        step=row.step,
        kind=row.kind,
        provider=row.provider,
        status=row.status,
        urgent=row.urgent,
        attempts=row.attempts,
        total_attempts=row.total_attempts,
        next_attempt_at=row.next_attempt_at,
        recipient=row.recipient_masked,
        provider_message_id=row.provider_message_id,
        last_error=row.last_error,
        failure_reason=row.failure_reason,
        params=mask_params(dict(row.params)),
        created_at=row.created_at,
        sent_at=row.sent_at,
        delivered_at=row.delivered_at,
        failed_at=row.failed_at,
    )


class NotifyService:
    def __init__(self, clock: Clock = utcnow) -> None:
        self.clock = clock

    # Sign-in codes

    async def send_sms(
        self,
        phone: str,
        template_code: str,
        params: Mapping[str, object],
        provider: NotificationProvider | None = None,
    ) -> str:
        """Sends one SMS now and records the outcome; the provider's message id.

        Raises `NOTIFY_TEMPLATE_UNKNOWN` / `NOTIFY_PARAM_MISSING` before sending anything, and
        `SERVICE_UNAVAILABLE` when the provider did not take the message.
        """
        rendered = render(template_code, params)
        provider = provider or _sms_provider()
        reference = f"d{secrets.token_hex(8)}"
        recipient = Recipient(Kind.SMS, phone)
        outcome = await send(provider, OutgoingMessage(reference, rendered, recipient))
        now = self.clock()
        row = await repository.create_notification(
            event=rendered.template.event.value,
            dedupe_key=f"direct:{reference}",
            urgent=True,
            route=[Kind.SMS.value],
            status=NotificationStatus.SENT if outcome.sent else NotificationStatus.FAILED,
            total_attempts=1,
            next_attempt_at=now,
            kind=Kind.SMS.value,
            provider=provider.name,
            provider_message_id=outcome.provider_message_id,
            recipient_masked=recipient.masked,
            sent_at=now if outcome.sent else None,
            failed_at=None if outcome.sent else now,
            failure_reason=None if outcome.sent else f"sms: {outcome.code}",
        )
        await repository.add_attempt(
            row.id,
            kind=Kind.SMS.value,
            provider=provider.name,
            outcome=AttemptOutcome(outcome.outcome.value),
            code=outcome.code[:64],
            detail=outcome.detail[:255] or None,
            duration_ms=outcome.duration_ms,
            attempted_at=now,
        )
        if not outcome.sent:
            raise GovError(Code.SERVICE_UNAVAILABLE)
        return outcome.provider_message_id or reference

    # The resident's choices

    async def preferences(self, citizen_id: int) -> list[PreferenceRead]:
        off = await repository.opt_outs_of(citizen_id)
        return [
            PreferenceRead(
                category=c, enabled=c.value not in off, mandatory=c in MANDATORY_CATEGORIES
            )
            for c in Category
        ]

    async def set_preference(
        self, citizen_id: int, category: Category, enabled: bool
    ) -> list[PreferenceRead]:
        if category in MANDATORY_CATEGORIES and not enabled:
            raise CategoryMandatory(category=category.value)
        await repository.set_opt_out(citizen_id, category.value, not enabled)
        return await self.preferences(citizen_id)

    async def subscribe(
        self, citizen_id: int, channel: Channel, events: list[Event], long_term: bool
    ) -> list[ConsentRead]:
        """Counts what the resident accepted in the mini-program's subscribe dialog: each
        one-time acceptance allows one more message of that event."""
        async with unit_of_work():
            for event in dict.fromkeys(events):
                await repository.add_consent(
                    citizen_id, channel.value, event.value, long_term=long_term
                )
        return await self.consents(citizen_id)

    async def consents(self, citizen_id: int) -> list[ConsentRead]:
        return [
            ConsentRead(channel=c.channel, event=c.event, remaining=c.remaining)
            for c in await repository.consents_of(citizen_id)
        ]

    async def register_device(
        self, citizen_id: int, token: str, platform: str, locale: str
    ) -> None:
        await repository.register_device(citizen_id, token, platform, locale, self.clock())

    async def unregister_device(self, citizen_id: int, token: str) -> None:
        await repository.remove_device(citizen_id, token)

    # Staff

    async def messages(self, params: MessagesParams) -> Page[NotificationRead]:
        rows = await repository.list_notifications(
            status=params.status,
            citizen_id=params.citizen_id,
            event=None if params.event is None else params.event.value,
            before_id=cursor_id(decode_cursor(params.cursor), "before_id"),
            limit=params.limit + 1,
        )
        page = page_of(rows, params.limit, lambda row: {"before_id": row.id})
        return Page[NotificationRead].of(page, notification_read)

    async def message(self, notification_id: int) -> NotificationDetail:
        row = await repository.notification(notification_id)
        if row is None:
            raise MessageNotFound()
        attempts = [
            AttemptRead(
                kind=a.kind,
                provider=a.provider,
                outcome=a.outcome.value,
                code=a.code,
                detail=a.detail,
                duration_ms=a.duration_ms,
                attempted_at=a.attempted_at,
            )
            for a in await repository.attempts_of(notification_id)
        ]
        return NotificationDetail(**notification_read(row).model_dump(), attempts_made=attempts)

    async def summary(self) -> SummaryRead:
        counts = await repository.count_by_status()
        return SummaryRead(by_status={s.value: counts.get(s.value, 0) for s in NotificationStatus})

    async def retry(self, notification_id: int) -> NotificationRead:
        """Sends a dead-lettered message again, from the first step of its route."""
        row = await repository.notification(notification_id)
        if row is None:
            raise MessageNotFound()
        async with unit_of_work():
            requeued = row.citizen_id is not None and await repository.update_if_status(
                row.id,
                NotificationStatus.FAILED,
                status=NotificationStatus.QUEUED,
                step=0,
                attempts=0,
                consent_id=None,
                next_attempt_at=self.clock(),
                failure_reason=None,
                failed_at=None,
            )
            if not requeued:
                raise NotRetryable(status=row.status.value)
            await enqueue(deliver, row.id)
        found = await repository.notification(notification_id)
        assert found is not None
        return notification_read(found)


def _sms_provider() -> NotificationProvider:
    try:
        return configured_provider(Kind.SMS)
    except ProviderUnavailable as exc:
        logger.error("sms: %s", exc)
        raise GovError(Code.SERVICE_UNAVAILABLE) from exc


notify = NotifyService()


async def send_sms(
    phone: str,
    template_code: str,
    params: Mapping[str, object],
    provider: NotificationProvider | None = None,
) -> str:
    """Sends one SMS now (sign-in codes); see `NotifyService.send_sms`."""
    return await notify.send_sms(phone, template_code, params, provider)
