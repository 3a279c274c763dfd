"""Payments of traffic fines and their reports to the traffic police. Money is integer fen,
times UTC.

Only services/traffic/repository.py queries these tables.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from services.payable import HandOver


class FineState(StrEnum):
    OPEN = "open"  # an order is open for it
    PAID = "paid"
    RELEASED = "released"  # the order closed unpaid
    REFUNDED = "refunded"


class ReportState(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"


class FinePayment(Model):
    """One order for one penalty decision, its amount frozen when the order was opened.

    `lock_key` holds the decision number while the payment is open or paid and is cleared when
    it is released or refunded, so a unique index allows one live payment per decision."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    channel = fields.CharField(max_length=16)
    decision_no = fields.CharField(max_length=32, db_index=True)
    plate = fields.CharField(max_length=16)
    violation_code = fields.CharField(max_length=8)
    fine_fen = fields.BigIntField()
    overdue_days = fields.IntField()
    surcharge_fen = fields.BigIntField()
    amount_fen = fields.BigIntField()
    out_trade_no = fields.CharField(max_length=32, null=True, unique=True)
    state = fields.CharEnumField(FineState, max_length=16, default=FineState.OPEN)
    lock_key = fields.CharField(max_length=32, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    released_at = fields.DatetimeField(null=True)

    class Meta:
        table = "traffic_fine_payment"
        indexes = (("state", "created_at"),)


class FineReport(HandOver):
    """Telling the traffic police that a fine was paid here, retried until the source confirms.

    `reference` is the payment order's out_trade_no, the source's key for settling only once."""

    id = fields.BigIntField(primary_key=True)
    payment: fields.OneToOneRelation[FinePayment] = fields.OneToOneField(
        "traffic.FinePayment", related_name="report", on_delete=fields.RESTRICT
    )
    payment_id: int
    state = fields.CharEnumField(ReportState, max_length=16, default=ReportState.PENDING)
    reported_at = fields.DatetimeField(null=True)

    class Meta:
        table = "traffic_fine_report"
        indexes = (("state", "next_attempt_at"),)
