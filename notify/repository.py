"""Every query of the notify module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from notify.models import (
    AttemptOutcome,
    DeliveryAttempt,
    Notification,
    NotificationStatus,
    OptOut,
    PushDevice,
    SandboxMessage,
    SubscribeConsent,
)

# Sandbox


async def record_sandbox_message(kind: str, recipient_masked: str, template: str, text: str) -> int:
    message = await SandboxMessage.create(
        kind=kind, recipient_masked=recipient_masked, template_code=template, text=text
    )
    return int(message.id)


async def sandbox_outbox(
    limit: int, kind: str | None = None, recipient_masked: str | None = None
) -> list[SandboxMessage]:
    query = SandboxMessage.all()
    if kind is not None:
        query = query.filter(kind=kind)
    if recipient_masked is not None:
        query = query.filter(recipient_masked=recipient_masked)
    return await query.order_by("-id").limit(limit)


# The outbox


async def notification(notification_id: int) -> Notification | None:
    return await Notification.get_or_none(id=notification_id)


async def notification_by_key(dedupe_key: str) -> Notification | None:
    return await Notification.get_or_none(dedupe_key=dedupe_key)


async def insert_once(**values: Any) -> Notification | None:
    """Inserts under a savepoint: None when the de-duplication key exists already, leaving the
    caller's transaction usable."""
    try:
        async with in_transaction():
            return await Notification.create(**values)
    except IntegrityError:
        return None


async def create_notification(**values: Any) -> Notification:
    return await Notification.create(**values)


async def claim(notification_id: int, token: str, now: datetime, until: datetime) -> bool:
    """Takes a due, queued message for one worker; a lease run out is taken over."""
    taken = (
        await Notification.filter(
            id=notification_id, status=NotificationStatus.QUEUED, next_attempt_at__lte=now
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_token=token, lease_until=until)
    )
    return taken == 1


async def update_held(notification_id: int, token: str, **values: Any) -> bool:
    """Changes a message only while this worker still holds it."""
    changed = await Notification.filter(id=notification_id, lease_token=token).update(**values)
    return changed == 1


async def due_ids(now: datetime, limit: int) -> list[int]:
    rows = (
        await Notification.filter(status=NotificationStatus.QUEUED, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .values("id")
    )
    return [int(row["id"]) for row in rows]


async def add_attempt(notification_id: int, **values: Any) -> None:
    await DeliveryAttempt.create(notification_id=notification_id, **values)


async def attempts_of(notification_id: int) -> list[DeliveryAttempt]:
    return await DeliveryAttempt.filter(notification_id=notification_id).order_by("id")


async def attempt_count(notification_id: int, outcome: AttemptOutcome | None = None) -> int:
    query = DeliveryAttempt.filter(notification_id=notification_id)
    if outcome is not None:
        query = query.filter(outcome=outcome)
    return await query.count()


async def by_provider_message(provider: str, message_id: str) -> Notification | None:
    return await Notification.get_or_none(provider=provider, provider_message_id=message_id)


async def update_if_status(
    notification_id: int, expected: NotificationStatus, /, **values: Any
) -> bool:
    """Changes a message only while it is still in the `expected` status."""
    changed = await Notification.filter(id=notification_id, status=expected).update(**values)
    return changed == 1


async def list_notifications(
    *,
    status: NotificationStatus | None,
    citizen_id: int | None,
    event: str | None,
    before_id: int | None,
    limit: int,
) -> list[Notification]:
    query = Notification.all()
    if status is not None:
        query = query.filter(status=status)
    if citizen_id is not None:
        query = query.filter(citizen_id=citizen_id)
    if event is not None:
        query = query.filter(event=event)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit)


async def count_by_status() -> dict[str, int]:
    rows = await Notification.all().annotate(n=Count("id")).group_by("status").values("status", "n")
    return {str(row["status"]): int(row["n"]) for row in rows}


# Consent


async def add_consent(citizen_id: int, channel: str, event: str, *, long_term: bool) -> None:
    """One more message allowed (one-time), or any number (long-term)."""
    keys = {"citizen_id": citizen_id, "channel": channel, "event": event}
    exists = await SubscribeConsent.filter(**keys).exists()
    if not exists and await _create_consent(keys, None if long_term else 1):
        return
    if long_term:
        await SubscribeConsent.filter(**keys).update(remaining=None)
    else:
        await SubscribeConsent.filter(**keys, remaining__isnull=False).update(
            remaining=F("remaining") + 1
        )


async def _create_consent(keys: dict[str, Any], remaining: int | None) -> bool:
    try:
        async with in_transaction():
            await SubscribeConsent.create(**keys, remaining=remaining)
    except IntegrityError:  # a concurrent acceptance created it: count on it instead
        return False
    return True


async def take_consent(citizen_id: int, channel: str, event: str) -> int | None:
    """Uses one message of the resident's consent; the consent's id, or None when none is left."""
    consent = await SubscribeConsent.get_or_none(
        citizen_id=citizen_id, channel=channel, event=event
    )
    if consent is None:
        return None
    if consent.remaining is None:
        return int(consent.id)
    taken = await SubscribeConsent.filter(id=consent.id, remaining__gt=0).update(
        remaining=F("remaining") - 1
    )
    return int(consent.id) if taken == 1 else None


async def give_back_consent(consent_id: int) -> None:
    await SubscribeConsent.filter(id=consent_id, remaining__isnull=False).update(
        remaining=F("remaining") + 1
    )


async def consents_of(citizen_id: int) -> list[SubscribeConsent]:
    return await SubscribeConsent.filter(citizen_id=citizen_id).order_by("channel", "event")


# Opt-outs


async def opted_out(citizen_id: int, category: str) -> bool:
    return await OptOut.filter(citizen_id=citizen_id, category=category).exists()


async def opt_outs_of(citizen_id: int) -> set[str]:
    rows = await OptOut.filter(citizen_id=citizen_id).values_list("category", flat=True)
    return {str(r) for r in rows}


async def set_opt_out(citizen_id: int, category: str, opted_out: bool) -> None:
    if not opted_out:
        await OptOut.filter(citizen_id=citizen_id, category=category).delete()
        return
    try:
        async with in_transaction():
            await OptOut.create(citizen_id=citizen_id, category=category)
    except IntegrityError:
        pass  # already opted out


# Push devices


async def register_device(
    citizen_id: int, token: str, platform: str, locale: str, at: datetime
) -> None:
    values: dict[str, Any] = {"citizen_id": citizen_id, "platform": platform, "locale": locale}
    updated = await PushDevice.filter(token=token).update(**values, registered_at=at)
    if updated:
        return
    try:
        async with in_transaction():
            await PushDevice.create(token=token, registered_at=at, **values)
    except IntegrityError:  # registered concurrently: take it over
        await PushDevice.filter(token=token).update(**values, registered_at=at)


async def remove_device(citizen_id: int, token: str) -> int:
    return await PushDevice.filter(citizen_id=citizen_id, token=token).delete()


async def latest_device(citizen_id: int) -> PushDevice | None:
    return await PushDevice.filter(citizen_id=citizen_id).order_by("-registered_at", "-id").first()
