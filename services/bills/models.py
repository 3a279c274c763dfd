"""Utility accounts bound by residents, bill snapshots, payments, write-offs and e-receipts.

Money is integer fen, times UTC. Only services/bills/repository.py queries these tables.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from services.bills.providers.base import UtilityKind
from services.payable import HandOver


class BillState(StrEnum):
    UNPAID = "unpaid"
    PAYING = "paying"  # in an open payment order: nobody else may pay it now
    PAID = "paid"  # money collected, write-off at the company pending
    WRITTEN_OFF = "written_off"


class BillPaymentState(StrEnum):
    OPEN = "open"
    PAID = "paid"
    RELEASED = "released"  # the order closed unpaid: its bills are payable again


class WriteOffState(StrEnum):
    PENDING = "pending"
    DONE = "done"


class BoundAccount(Model):
    """An account number at a utility company that a resident keeps for quick payment."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    kind = fields.CharEnumField(UtilityKind, max_length=16)
    company = fields.CharField(max_length=32)
    account_no = fields.CharField(max_length=32)
    alias = fields.CharField(max_length=20, null=True)
    holder_masked = fields.CharField(max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "bills_account"
        unique_together = (("citizen_id", "company", "account_no"),)


class BillPayment(Model):
    """One payment order for some bills of one account, and what came of it."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    channel = fields.CharField(max_length=16)
    kind = fields.CharEnumField(UtilityKind, max_length=16)
    company = fields.CharField(max_length=32)
    account_no = fields.CharField(max_length=32)
    holder_masked = fields.CharField(max_length=32)
    amount_fen = fields.BigIntField()
    out_trade_no = fields.CharField(max_length=32, null=True, unique=True)
    state = fields.CharEnumField(BillPaymentState, max_length=16, default=BillPaymentState.OPEN)
    refunded_fen = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    released_at = fields.DatetimeField(null=True)

    class Meta:
        table = "bills_payment"
        indexes = (("state", "created_at"),)


class UtilityBill(Model):
    """Our snapshot of one bill of a company, with the state of paying it here.

    `payment` is the payment holding or having settled the bill."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(UtilityKind, max_length=16)
    company = fields.CharField(max_length=32)
    account_no = fields.CharField(max_length=32)
    company_bill_id = fields.CharField(max_length=64)
    period = fields.CharField(max_length=7)
    amount_fen = fields.BigIntField()
    due_date = fields.DateField()
    state = fields.CharEnumField(BillState, max_length=16, default=BillState.UNPAID)
    payment: fields.ForeignKeyNullableRelation[BillPayment] = fields.ForeignKeyField(
        "bills.BillPayment", related_name="bills", null=True, on_delete=fields.RESTRICT
    )
    payment_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "bills_bill"
        unique_together = (("company", "company_bill_id"),)
        indexes = (("company", "account_no"),)


class WriteOff(HandOver):
    """Settling a paid payment's bills at the company, retried until the company confirms."""

    id = fields.BigIntField(primary_key=True)
    payment: fields.OneToOneRelation[BillPayment] = fields.OneToOneField(
        "bills.BillPayment", related_name="write_off", on_delete=fields.RESTRICT
    )
    payment_id: int
    state = fields.CharEnumField(WriteOffState, max_length=16, default=WriteOffState.PENDING)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "bills_write_off"
        indexes = (("state", "next_attempt_at"),)


class Receipt(Model):
    """The e-receipt of one written-off payment: issued once, never changed.

    `verification` is a keyed hash of the receipt's content, printed on it for checking."""

    id = fields.BigIntField(primary_key=True)
    receipt_no = fields.CharField(max_length=32, unique=True)
    payment: fields.OneToOneRelation[BillPayment] = fields.OneToOneField(
        "bills.BillPayment", related_name="receipt", on_delete=fields.RESTRICT
    )
    payment_id: int
    citizen_id = fields.BigIntField(db_index=True)
    kind = fields.CharEnumField(UtilityKind, max_length=16)
    company_name = fields.CharField(max_length=64)
    account_masked = fields.CharField(max_length=32)
    holder_masked = fields.CharField(max_length=32)
    payer_masked = fields.CharField(max_length=32)
    items: fields.Field[list[dict[str, object]]] = fields.JSONField()
    amount_fen = fields.BigIntField()
    out_trade_no = fields.CharField(max_length=32)
    confirmation_no = fields.CharField(max_length=64)
    verification = fields.CharField(max_length=32)
    issued_at = fields.DatetimeField()

    class Meta:
        table = "bills_receipt"
