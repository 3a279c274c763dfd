"""What departments send and receive, and what residents see of a demand."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from payments.states import TradeType
from services.demands.models import DeliveryState, DemandState, KeyMode


class LineItem(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    quantity: int = Field(1, ge=1, le=10_000)
    unit_fen: int = Field(gt=0, le=100_000_000)

    @property
    def amount_fen(self) -> int:
        return self.quantity * self.unit_fen


class PayerHint(BaseModel):
    phone: str | None = Field(None, max_length=20)
    id_number: str | None = Field(None, max_length=18)


class DemandCreate(BaseModel):
    external_ref: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_\-.:/]+$")
    title: str = Field(min_length=1, max_length=64)
    items: list[LineItem] = Field(min_length=1, max_length=50)
    payer: PayerHint
    expires_at: datetime | None = None

    @model_validator(mode="after")
    def _bounded(self) -> DemandCreate:
        if sum(item.amount_fen for item in self.items) > 100_000_000:
            raise ValueError("a demand is at most 1,000,000 yuan")
        return self

    @property
    def amount_fen(self) -> int:
        return sum(item.amount_fen for item in self.items)


class ItemRead(BaseModel):
    name: str
    quantity: int
    unit_fen: int
    amount_fen: int


class DemandRead(BaseModel):
    demand_no: str
    department: str
    department_name: str
    mode: KeyMode
    external_ref: str
    title: str
    amount_fen: int
    items: list[ItemRead]
    payer_phone_masked: str | None
    payer_id_masked: str | None
    state: DemandState
    expires_at: datetime
    paid_at: datetime | None
    refunded_fen: int
    out_trade_no: str | None


class AttemptRead(BaseModel):
    at: datetime
    status: int | None
    error: str | None
    duration_ms: int


class DeliveryRead(BaseModel):
    sequence: int
    event: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    history: list[AttemptRead]


class DemandNoParams(BaseModel):
    demand_no: str = Field(min_length=6, max_length=24, pattern=r"^[0-9A-Z]+$")


class NoParams(BaseModel):
    pass


class PayParams(DemandNoParams):
    provider: str | None = Field(None, max_length=16)
    trade_type: TradeType | None = None
