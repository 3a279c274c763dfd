"""Payment orders, their append-only events, refunds, and the outbox that tells the business side.

Money is integer fen. Times are UTC. Only `payments/repository.py` queries these tables.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from payments.states import OrderState, Purpose, RefundState, TradeType


class PaymentOrder(Model):
    """One attempt to collect one amount for one business object through one provider."""

    id = fields.BigIntField(primary_key=True)
    out_trade_no = fields.CharField(max_length=32, unique=True)  # random, sent to the platform
    purpose = fields.CharEnumField(Purpose, max_length=16)
    reference = fields.CharField(max_length=64)  # the business object, e.g. a bill
    citizen_id = fields.BigIntField(db_index=True)
    description = fields.CharField(max_length=128)
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="CNY")
    provider = fields.CharField(max_length=16)
    trade_type = fields.CharEnumField(TradeType, max_length=16)
    state = fields.CharEnumField(OrderState, max_length=24)
    app_id = fields.CharField(max_length=64)
    merchant_id = fields.CharField(max_length=64)
    provider_trade_no = fields.CharField(max_length=64, null=True)
    client_payload: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    refund_reserved_fen = fields.BigIntField(default=0)  # pending and succeeded refunds
    refunded_fen = fields.BigIntField(default=0)  # succeeded refunds
    expires_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment_order"
        # Few indexes on purpose: a payment rewrites the row, and every index costs on that path.
        indexes = (("state", "expires_at"), ("purpose", "reference"))


class PaymentEvent(Model):
    """What happened to an order, written once and never changed."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[PaymentOrder] = fields.ForeignKeyField(
        "payments.PaymentOrder", related_name="events", on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=32)
    from_state = fields.CharField(max_length=24, null=True)
    to_state = fields.CharField(max_length=24, null=True)
    amount_fen = fields.BigIntField(null=True)
    source = fields.CharField(max_length=16)  # notify, query, cashier, system, staff
    detail: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_event"
        indexes = (("order_id",),)


class Refund(Model):
    """A refund of part or all of a paid order, idempotent by `out_refund_no`."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[PaymentOrder] = fields.ForeignKeyField(
        "payments.PaymentOrder", related_name="refunds", on_delete=fields.RESTRICT
    )
    order_id: int
    out_refund_no = fields.CharField(max_length=64, unique=True)
    amount_fen = fields.BigIntField()
    reason = fields.CharField(max_length=80)
    state = fields.CharEnumField(RefundState, max_length=16, db_index=True)
    provider_refund_no = fields.CharField(max_length=64, null=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True, db_index=True)
    needs_attention = fields.BooleanField(default=False)  # staff must look at it
    last_error = fields.CharField(max_length=255, null=True)
    succeeded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment_refund"


class PaymentOutbox(Model):
    """Something the business side (or payments itself) must act on, exactly once.

    Written in the same transaction as the transition that causes it. A consumer claims an
    entry with a lease, and fulfils it in one transaction with a `PaymentFulfilment` row unique
    per entry, so a consumer that dies or loses its lease leaves nothing half done.
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=24)  # paid, refunded, late_payment
    order: fields.ForeignKeyRelation[PaymentOrder] = fields.ForeignKeyField(
        "payments.PaymentOrder", related_name="outbox", on_delete=fields.RESTRICT
    )
    order_id: int
    refund: fields.ForeignKeyNullableRelation[Refund] = fields.ForeignKeyField(
        "payments.Refund", related_name="outbox", null=True, on_delete=fields.RESTRICT
    )
    refund_id: int | None
    done = fields.BooleanField(default=False)
    dead = fields.BooleanField(default=False)  # gave up: staff must look at it
    attempts = fields.IntField(default=0)
    available_at = fields.DatetimeField()
    lease_token = fields.CharField(max_length=32, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_outbox"
        indexes = (("done", "dead", "available_at"),)


class PaymentFulfilment(Model):
    """Proof that an outbox entry was acted on: being unique per entry, it makes it happen once."""

    id = fields.BigIntField(primary_key=True)
    entry: fields.OneToOneRelation[PaymentOutbox] = fields.OneToOneField(
        "payments.PaymentOutbox", related_name="fulfilment", on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=24)
    order_id_ref = fields.BigIntField(db_index=True)
    fulfilled_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_fulfilment"


class SandboxTrade(Model):
    """The sandbox platform's own book of a trade (its status, refunds, times), kept in the
    database so a restart loses nothing and its day statement can be written from it. Only
    the sandbox provider reads and writes it."""

    id = fields.BigIntField(primary_key=True)
    out_trade_no = fields.CharField(max_length=32, unique=True)
    record: fields.Field[dict[str, object]] = fields.JSONField()
    paid_at = fields.DatetimeField(null=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payments_sandbox_trade"
