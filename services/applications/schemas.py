"""What the application actions take and answer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from payments.schemas import PaymentStart
from payments.states import TradeType

APPLICATION_NO = r"^SQ[0-9A-Z]{10,20}$"


class ItemParams(BaseModel):
    item_code: str = Field(min_length=2, max_length=32)


class NoParams(BaseModel):
    pass


class ApplicationParams(BaseModel):
    application_no: str = Field(pattern=APPLICATION_NO)


class SaveParams(ApplicationParams):
    data: dict[str, Any] = Field(description="answers by field name; merged into the draft")


class AttachParams(ApplicationParams):
    material_code: str = Field(min_length=1, max_length=32)
    file_id: int = Field(gt=0)


class PublicProgressParams(ApplicationParams):
    phone_last4: str = Field(pattern=r"^\d{4}$")


class InboxParams(BaseModel):
    state: str | None = Field(None, max_length=24)
    overdue: bool = False
    cursor: str | None = Field(None, max_length=20, pattern=r"^\d+$")
    limit: int = Field(50, ge=1, le=200)


class ActParams(ApplicationParams):
    move: str = Field(min_length=1, max_length=32)
    reason: str | None = Field(None, max_length=500)


class PayParams(ApplicationParams):
    amount_fen: int | None = Field(
        None, gt=0, description="the fee the page showed: refused when it is not the fee due"
    )
    provider: str | None = Field(None, max_length=16)
    trade_type: TradeType | None = None


class FeeState(StrEnum):
    PENDING = "pending"  # charged once the workflow asks (after approval by default)
    DUE = "due"  # 待缴费: the resident may pay
    PAYING = "paying"  # an order is open: finish it, or pay again once it closes
    PAID = "paid"
    REFUNDED = "refunded"  # paid, then refunded in full
    NOT_CHARGED = "not_charged"  # ended unpaid (rejected, withdrawn), or not charged online


class PublicFee(BaseModel):
    amount_fen: int
    state: FeeState


class FeeRead(PublicFee):
    out_trade_no: str | None = Field(description="the open order, or the one that paid")
    paid_at: datetime | None
    refunded_fen: int


class PayResult(BaseModel):
    application_no: str
    amount_fen: int
    payment: PaymentStart


class MaterialNeed(BaseModel):
    code: str
    name: str
    required: bool
    in_library: bool  # already given and accepted: nothing to upload
    valid_until: date | None = None


class FormView(BaseModel):
    item_code: str
    title: str
    version: int
    form_schema: dict[str, Any] = Field(description="JSON Schema of the answers")
    materials: list[MaterialNeed]
    prefill: dict[str, Any]  # answers the library already holds


class AttachedMaterial(BaseModel):
    code: str
    name: str
    from_library: bool
    link: str  # signed, expiring


class TimelineEntry(BaseModel):
    move: str
    from_state: str
    to_state: str
    actor_type: str
    reason: str | None
    reference: str | None = Field(None, description="the payment order or refund number")
    at: datetime


class ApplicationView(BaseModel):
    application_no: str
    item_code: str
    item_name: str
    state: str
    state_name: str
    applicant: str | None = Field(None, description="staff only: masked real name, else phone")
    data: dict[str, Any]
    field_titles: dict[str, str] = Field(
        default_factory=dict, description="the form's title of each answer's field"
    )
    materials: list[AttachedMaterial]
    missing: list[str]  # required materials not attached yet
    moves: list[str]  # what the caller may do next
    submitted_at: datetime | None
    due_at: datetime | None
    overdue: bool
    supplement_reason: str | None
    fee: FeeRead | None = Field(None, description="the item's fee and its payment; None: free")
    timeline: list[TimelineEntry]


class ApplicationSummary(BaseModel):
    application_no: str
    item_code: str
    item_name: str
    state: str
    state_name: str
    applicant: str | None = Field(None, description="staff only: masked real name, else phone")
    submitted_at: datetime | None
    due_at: datetime | None
    overdue: bool
    fee: PublicFee | None = None


class ApplicationList(BaseModel):
    items: list[ApplicationSummary]
    next_cursor: str | None = None


class PublicProgress(BaseModel):
    application_no: str
    item_name: str
    state: str
    state_name: str
    fee: PublicFee | None = None


class FileRead(BaseModel):
    file_id: int
    content_type: str
    size: int
    link: str


class MonthlyProcessing(BaseModel):
    """How one item's applications submitted in one month went: counts only, never a person."""

    month: str = Field(description="YYYY-MM of submission, Asia/Shanghai")
    item_code: str
    item_name: str
    submitted: int
    completed: int = Field(description="decided (approved or rejected) so far")
    overdue: int = Field(description="decided after the promised date, or open and past it")
    average_days: float | None = Field(description="submission to decision, of those decided")
