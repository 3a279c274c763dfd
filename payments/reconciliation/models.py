"""A reconciliation run per provider and day, and the breaks it found, which staff resolve.

Running a day again updates its run; a break found again stays the same case, a break no longer
found is marked cleared, so the cases staff work on are never duplicated nor silently lost.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RunState(StrEnum):
    MATCHED = "matched"  # every line and every ledger entry agree
    BREAKS = "breaks"  # some do not: see the breaks
    FAILED = "failed"  # the statement could not be had or read: see `error`


class BreakKind(StrEnum):
    MISSING_OURS = "missing_ours"  # on the statement, not in our ledger
    MISSING_THEIRS = "missing_theirs"  # settled in our ledger, not on the statement
    AMOUNT_DIFFERS = "amount_differs"
    STATE_DIFFERS = "state_differs"  # settled on one side, not on the other


class BreakStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # a staff member said what was done
    CLEARED = "cleared"  # a later run of the day no longer found it


class ReconciliationRun(Model):
    id = fields.BigIntField(primary_key=True)
    provider = fields.CharField(max_length=16)
    day = fields.DateField()
    state = fields.CharEnumField(RunState, max_length=16)
    statement_lines = fields.IntField(default=0)
    ledger_entries = fields.IntField(default=0)
    their_payments_fen = fields.BigIntField(default=0)
    their_refunds_fen = fields.BigIntField(default=0)
    their_fees_fen = fields.BigIntField(default=0)
    our_payments_fen = fields.BigIntField(default=0)
    our_refunds_fen = fields.BigIntField(default=0)
    open_breaks = fields.IntField(default=0)
    error = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField()

    class Meta:
        table = "reconciliation_run"
        unique_together = (("provider", "day"),)


class ReconciliationBreak(Model):
    id = fields.BigIntField(primary_key=True)
    provider = fields.CharField(max_length=16)
    day = fields.DateField()
    kind = fields.CharEnumField(BreakKind, max_length=16)
    out_trade_no = fields.CharField(max_length=64)
    out_refund_no = fields.CharField(max_length=64, default="")  # "" for a payment
    ours_fen = fields.BigIntField(null=True)
    theirs_fen = fields.BigIntField(null=True)
    our_state = fields.CharField(max_length=24, default="")
    their_state = fields.CharField(max_length=24, default="")
    status = fields.CharEnumField(BreakStatus, max_length=16, default=BreakStatus.OPEN)
    resolution = fields.CharField(max_length=200, null=True)
    resolved_by = fields.CharField(max_length=64, null=True)  # staff username
    resolved_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reconciliation_break"
        unique_together = (("provider", "day", "kind", "out_trade_no", "out_refund_no"),)
        indexes = (("status", "day"),)
