"""Notify records: the outbox of messages with their attempts, residents' subscribe consents,
opt-outs and push devices, and the sandbox's record of what it pretended to send.

No phone number is kept here: the address is looked up when a message is sent, and only its
masked form is stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class NotificationStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first or next attempt
    SENT = "sent"  # a provider accepted it
    DELIVERED = "delivered"  # the platform reported it reached the resident
    FAILED = "failed"  # dead letter: every route step gave up, see failure_reason
    SUPPRESSED = "suppressed"  # the resident opted out of its category


class AttemptOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a temporary failure: the same provider is tried again later
    PERMANENT = "permanent"  # this provider cannot carry it: the next route step is tried
    SKIPPED = "skipped"  # not tried: no address, no consent, no template for the platform


class Notification(Model):
    """One message to one resident, written in the transaction of the event that caused it.

    `route` lists the kinds to try in order (the channel of the resident first, then the
    fallback) and `step` points at the current one. A worker holds the row while sending
    through `lease_token` until `lease_until`, so the message of a crashed worker is simply
    taken again.
    """

    id = fields.BigIntField(primary_key=True)
    event = fields.CharField(max_length=48, db_index=True)
    citizen_id = fields.BigIntField(null=True, db_index=True)
    channel = fields.CharField(max_length=16, null=True)
    dedupe_key = fields.CharField(max_length=255, unique=True)
    params: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    urgent = fields.BooleanField(default=False)
    route: fields.Field[list[str]] = fields.JSONField(default=list)
    step = fields.SmallIntField(default=0)
    status = fields.CharEnumField(NotificationStatus, max_length=16, db_index=True)
    attempts = fields.SmallIntField(default=0)
    total_attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    lease_token = fields.CharField(max_length=32, null=True)
    lease_until = fields.DatetimeField(null=True)
    consent_id = fields.BigIntField(null=True)
    kind = fields.CharField(max_length=16, null=True)
    provider = fields.CharField(max_length=32, null=True)
    provider_message_id = fields.CharField(max_length=128, null=True)
    recipient_masked = fields.CharField(max_length=64, null=True)
    last_error = fields.CharField(max_length=255, null=True)
    failure_reason = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    sent_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    failed_at = fields.DatetimeField(null=True)

    attempts_made: fields.ReverseRelation[DeliveryAttempt]

    class Meta:
        table = "notify_notification"
        indexes = (("status", "next_attempt_at"), ("provider", "provider_message_id"))


class DeliveryAttempt(Model):
    """One try of one provider (or one step skipped), with what came of it."""

    id = fields.BigIntField(primary_key=True)
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "notify.Notification", related_name="attempts_made", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16)
    provider = fields.CharField(max_length=32, null=True)
    outcome = fields.CharEnumField(AttemptOutcome, max_length=16)
    code = fields.CharField(max_length=64, null=True)
    detail = fields.CharField(max_length=255, null=True)
    duration_ms = fields.IntField(default=0)
    attempted_at = fields.DatetimeField()

    notification_id: int

    class Meta:
        table = "notify_delivery_attempt"


class SubscribeConsent(Model):
    """Subscribe messages a resident accepted in a mini-program, per template.

    Each one-time acceptance allows one more message. `remaining` is null for a long-term
    subscription, which allows any number.
    """

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    channel = fields.CharField(max_length=16)
    event = fields.CharField(max_length=48)
    remaining = fields.IntField(null=True, default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notify_subscribe_consent"
        unique_together = (("citizen_id", "channel", "event"),)


class OptOut(Model):
    """A resident does not want messages of one category."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    category = fields.CharField(max_length=24)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notify_opt_out"
        unique_together = (("citizen_id", "category"),)


class PushDevice(Model):
    """An app installation that registered for push. The newest one gets the messages."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    token = fields.CharField(max_length=255, unique=True)
    platform = fields.CharField(max_length=16)
    locale = fields.CharField(max_length=8, default="zh-CN")
    registered_at = fields.DatetimeField()

    class Meta:
        table = "notify_push_device"


class SandboxMessage(Model):
    """A message the sandbox provider pretended to send. The recipient is kept masked only."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=16, db_index=True)
    recipient_masked = fields.CharField(max_length=64, db_index=True)
    template_code = fields.CharField(max_length=64)
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "notify_sandbox_message"
