"""Notify records: the sandbox SMS outbox (what would have been sent, for developers)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SandboxMessage(Model):
    """One SMS the sandbox provider pretended to send. The phone is kept masked only."""

    id = fields.BigIntField(primary_key=True)
    phone_masked = fields.CharField(max_length=32, db_index=True)
    template_code = fields.CharField(max_length=64)
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "notify_sandbox_message"
