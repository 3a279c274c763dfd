"""What the traffic actions take and answer."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from gateway.paging import PageParams
from payments.schemas import PaymentStart
from payments.states import TradeType
from services.traffic.models import FineState, ReportState

PLATE = r"^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$"


class VehicleParams(BaseModel):
    plate: str = Field(description="号牌号码, e.g. 粤B12345")
    vin_last6: str = Field(pattern=r"^[0-9A-Za-z]{6}$", description="车架号后六位")

    @field_validator("plate", mode="before")
    @classmethod
    def _normalise_plate(cls, value: object) -> object:
        return value.replace(" ", "").upper() if isinstance(value, str) else value

    @field_validator("plate")
    @classmethod
    def _plate_shape(cls, value: str) -> str:
        if not re.fullmatch(PLATE, value):
            raise ValueError("not a plate number")
        return value


class FinePayParams(VehicleParams):
    decision_no: str = Field(min_length=1, max_length=32)
    provider: str | None = Field(None, max_length=16)
    trade_type: TradeType | None = None


class MyPaymentsParams(PageParams):
    """My fine payments newest first, a page at a time."""


class StuckReportsParams(PageParams):
    """Reports that need staff, oldest first, a page at a time."""


class ReportParams(BaseModel):
    report_id: int = Field(gt=0)


class ViolationState(StrEnum):
    UNPROCESSED = "unprocessed"  # no penalty decision yet: handled at the traffic police first
    UNPAID = "unpaid"
    PAYING = "paying"
    PAID = "paid"


class ViolationRead(BaseModel):
    record_id: str
    occurred_at: datetime
    place: str
    code: str
    description: str
    points: int
    decision_no: str | None
    decided_on: date | None
    fine_fen: int
    overdue_days: int
    surcharge_fen: int = Field(description="加处罚款 on the day of the query")
    total_fen: int
    state: ViolationState
    payable: bool


class VehicleRead(BaseModel):
    plate: str
    violations: list[ViolationRead]
    payable_fen: int


class FinePayResult(BaseModel):
    payment_id: int
    decision_no: str
    fine_fen: int
    surcharge_fen: int
    amount_fen: int
    payment: PaymentStart


class FinePaymentRead(BaseModel):
    id: int
    decision_no: str
    plate: str
    violation_code: str
    fine_fen: int
    overdue_days: int
    surcharge_fen: int
    amount_fen: int
    state: FineState
    out_trade_no: str | None
    created_at: datetime
    paid_at: datetime | None
    reported: bool = Field(False, description="the traffic police confirmed the payment")
    confirmation_no: str | None = Field(None, description="the traffic police's confirmation")


class FineReportRead(BaseModel):
    """A report of a paid fine to the traffic police, as staff see it."""

    id: int
    payment_id: int
    decision_no: str
    plate: str
    reference: str
    amount_fen: int
    state: ReportState
    attempts: int
    next_attempt_at: datetime | None
    needs_attention: bool
    last_error: str | None
    created_at: datetime
