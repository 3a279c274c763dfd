"""WeChat records: callback messages seen (de-duplication and the reply given) and the
mini-program session keys (sealed)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from channels.identity.sealed import SEALED_TABLES, SealedColumn

SESSION_KEY_PURPOSE = "wechat_session_key"  # associated data of the sealed session keys


class MessageState(StrEnum):
    PROCESSING = "processing"  # the action is running
    REPLIED = "replied"  # answered within the callback, reply kept for retries
    # answered `success`; the reply, once stored here, goes out as a customer-service message
    DEFERRED = "deferred"
    DELIVERED = "delivered"  # the customer-service message was sent
    FAILED = "failed"  # the customer-service message could not be sent


class CallbackMessage(Model):
    """One message or event pushed to an official account, stored once under its dedupe key
    (MsgId, or FromUserName and CreateTime for events) so a retry never runs an action twice."""

    id = fields.BigIntField(primary_key=True)
    app_id = fields.CharField(max_length=64)
    dedupe_key = fields.CharField(max_length=160)
    openid = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=32)  # text, event:click, event:subscribe
    state = fields.CharEnumField(MessageState, max_length=16, default=MessageState.PROCESSING)
    reply: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    delivery_attempts = fields.IntField(default=0)
    received_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wechat_callback_message"
        unique_together = (("app_id", "dedupe_key"),)


class MiniProgramSession(Model):
    """The latest code2Session key of a mini-program user, sealed with the data key, never sent
    to any client."""

    id = fields.BigIntField(primary_key=True)
    app_id = fields.CharField(max_length=64)
    openid = fields.CharField(max_length=64)
    unionid = fields.CharField(max_length=64, null=True)
    session_key_sealed = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wechat_mp_session"
        unique_together = (("app_id", "openid"),)


# `govhub identity rotate-keys` re-encrypts the session keys with the other personal data.
SEALED_TABLES[MiniProgramSession] = (SealedColumn("session_key_sealed", SESSION_KEY_PURPOSE),)
