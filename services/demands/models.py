"""Departments and their API keys, the fee demands they create, and the webhooks that tell them
what became of each demand (with every delivery attempt kept)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from channels.identity.sealed import SEALED_TABLES, SealedColumn

WEBHOOK_SECRET = "demands.webhook_secret"  # the purpose the webhook secrets are sealed for


class KeyMode(StrEnum):
    TEST = "test"  # reaches only the sandbox provider: never moves real money
    LIVE = "live"


class DemandState(StrEnum):
    OPEN = "open"
    PAYING = "paying"  # an open payment order holds it
    PAID = "paid"
    REFUNDED = "refunded"  # refunded in full
    CANCELLED = "cancelled"  # by the department
    EXPIRED = "expired"


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"  # retried for the whole retry window without an answer


class Department(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    webhook_url = fields.CharField(max_length=255, null=True)
    webhook_secret = fields.CharField(max_length=200)  # sealed with the data key
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "demands_department"


SEALED_TABLES[Department] = (SealedColumn("webhook_secret", WEBHOOK_SECRET),)


class DepartmentKey(Model):
    """An API key: `gk_<mode>_<key_id>_<secret>`, of which only the secret's hash is kept."""

    id = fields.BigIntField(primary_key=True)
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "demands.Department", related_name="keys", on_delete=fields.CASCADE
    )
    department_id: int
    key_id = fields.CharField(max_length=16, unique=True)
    secret_hash = fields.CharField(max_length=64)
    mode = fields.CharEnumField(KeyMode, max_length=8)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "demands_department_key"


class FeeDemand(Model):
    id = fields.BigIntField(primary_key=True)
    demand_no = fields.CharField(max_length=24, unique=True)  # what residents and counters see
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "demands.Department", related_name="demands", on_delete=fields.RESTRICT
    )
    department_id: int
    mode = fields.CharEnumField(KeyMode, max_length=8)
    external_ref = fields.CharField(max_length=64)  # the department's own number
    title = fields.CharField(max_length=64)
    amount_fen = fields.BigIntField()
    payer_phone_hash = fields.CharField(max_length=64, null=True, db_index=True)
    payer_phone_masked = fields.CharField(max_length=16, null=True)
    payer_id_hash = fields.CharField(max_length=64, null=True, db_index=True)
    payer_id_masked = fields.CharField(max_length=24, null=True)
    state = fields.CharEnumField(DemandState, max_length=16, default=DemandState.OPEN)
    out_trade_no = fields.CharField(max_length=32, null=True)  # the open or settling order
    paid_by_citizen_id = fields.BigIntField(null=True)
    expires_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    refunded_fen = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    items: fields.ReverseRelation[FeeDemandItem]

    class Meta:
        table = "demands_fee_demand"
        unique_together = (("department_id", "mode", "external_ref"),)
        indexes = (("state", "expires_at"),)


class FeeDemandItem(Model):
    id = fields.BigIntField(primary_key=True)
    demand: fields.ForeignKeyRelation[FeeDemand] = fields.ForeignKeyField(
        "demands.FeeDemand", related_name="items", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    quantity = fields.IntField()
    unit_fen = fields.BigIntField()
    amount_fen = fields.BigIntField()

    class Meta:
        table = "demands_fee_demand_item"


class WebhookDelivery(Model):
    """One event for the department, delivered in `sequence` order per demand."""

    id = fields.BigIntField(primary_key=True)
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "demands.Department", related_name="deliveries", on_delete=fields.RESTRICT
    )
    department_id: int
    demand: fields.ForeignKeyRelation[FeeDemand] = fields.ForeignKeyField(
        "demands.FeeDemand", related_name="deliveries", on_delete=fields.RESTRICT
    )
    demand_id: int
    sequence = fields.IntField()
    event = fields.CharField(max_length=32)  # demand.paid, demand.refunded, …
    payload: fields.Field[dict[str, object]] = fields.JSONField()
    state = fields.CharEnumField(DeliveryState, max_length=16, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "demands_webhook_delivery"
        unique_together = (("demand_id", "sequence"),)
        indexes = (("state", "next_attempt_at"),)


class WebhookAttempt(Model):
    id = fields.BigIntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "demands.WebhookDelivery", related_name="attempt_log", on_delete=fields.CASCADE
    )
    delivery_id: int
    at = fields.DatetimeField()
    status = fields.IntField(null=True)  # HTTP status, None when no answer came
    error = fields.CharField(max_length=255, null=True)
    duration_ms = fields.IntField()

    class Meta:
        table = "demands_webhook_attempt"
