"""What the reconciliation actions take and answer."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from payments.reconciliation.models import BreakKind, BreakStatus, RunState

MAX_RANGE_DAYS = 92  # the platforms keep statements for three months


class RunsParams(BaseModel):
    from_: date = Field(alias="from")
    to: date


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    provider: str
    day: date
    state: RunState
    statement_lines: int
    ledger_entries: int
    their_payments_fen: int
    their_refunds_fen: int
    their_fees_fen: int
    our_payments_fen: int
    our_refunds_fen: int
    open_breaks: int
    error: str | None
    finished_at: datetime


class RunList(BaseModel):
    runs: list[RunRead]


class ReconcileParams(BaseModel):
    day: date
    provider: str | None = Field(None, max_length=16)


class BreaksParams(BaseModel):
    status: BreakStatus | None = BreakStatus.OPEN
    day: date | None = None
    cursor: str | None = Field(None, max_length=20, pattern=r"^\d+$")
    limit: int = Field(50, ge=1, le=200)


class BreakRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider: str
    day: date
    kind: BreakKind
    out_trade_no: str
    out_refund_no: str
    ours_fen: int | None
    theirs_fen: int | None
    our_state: str
    their_state: str
    status: BreakStatus
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None


class BreakPage(BaseModel):
    items: list[BreakRead]
    next_cursor: str | None


class ResolveParams(BaseModel):
    break_id: int = Field(gt=0)
    resolution: str = Field(min_length=2, max_length=200)
