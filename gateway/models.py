"""The gateway's own records: one audit row per invocation, and idempotency results."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditLog(Model):
    """Who did what through which channel, how it ended and how long it took. Append-only."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    request_id = fields.CharField(max_length=64, db_index=True)
    channel = fields.CharField(max_length=16)
    actor_type = fields.CharField(max_length=16)  # anonymous, citizen, staff, system
    actor_id = fields.BigIntField(null=True, db_index=True)
    service = fields.CharField(max_length=64)
    action = fields.CharField(max_length=64)
    outcome = fields.CharField(max_length=64)
    status = fields.IntField()
    latency_ms = fields.FloatField()
    client_ip = fields.CharField(max_length=64)
    params: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)  # masked

    class Meta:
        table = "audit_log"


class IdempotencyRecord(Model):
    """The first answer given for an `Idempotency-Key`, replayed for the same request body."""

    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=200)
    key = fields.CharField(max_length=200)
    fingerprint = fields.CharField(max_length=64)
    completed = fields.BooleanField(default=False)
    # Set in the action's own transaction: True once its work committed, whatever became of
    # the answer. A claim never completed and never applied may be taken over when stale.
    applied = fields.BooleanField(default=False)
    claimed_at = fields.DatetimeField(null=True)
    status = fields.IntField(null=True)
    code = fields.CharField(max_length=64, null=True)
    body: fields.Field[object] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("scope", "key"),)
