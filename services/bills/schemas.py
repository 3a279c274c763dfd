"""What the bills actions take and answer. Account holders' names leave only masked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from gateway.paging import PageParams
from payments.schemas import PaymentStart
from payments.states import TradeType
from services.bills.models import BillState
from services.bills.providers.base import UtilityKind

ACCOUNT_NO = r"^[0-9A-Za-z-]{4,32}$"


class MyAccountsParams(PageParams):
    """My bound accounts in the order bound, a page at a time."""


class ReceiptsParams(PageParams):
    """My e-receipts newest first, a page at a time."""


class BindParams(BaseModel):
    kind: UtilityKind
    account_no: str = Field(pattern=ACCOUNT_NO, description="户号 as printed on the bill")
    alias: str | None = Field(None, max_length=20, description="e.g. 家里, 父母家")
    holder_name: str | None = Field(
        None, min_length=1, max_length=20, description="the account holder's full name (proof)"
    )
    phone_last4: str | None = Field(
        None, pattern=r"^\d{4}$", description="or the last 4 digits of the holder's phone"
    )

    @model_validator(mode="after")
    def _proof(self) -> BindParams:
        if self.holder_name is None and self.phone_last4 is None:
            raise ValueError("give holder_name or phone_last4 to show the account is yours")
        return self


class AccountParams(BaseModel):
    account_id: int = Field(gt=0)


class AccountTarget(BaseModel):
    """One of my bound accounts (`account_id`), or any account number of a kind."""

    account_id: int | None = Field(None, gt=0)
    kind: UtilityKind | None = None
    account_no: str | None = Field(None, pattern=ACCOUNT_NO)

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        direct = self.kind is not None and self.account_no is not None
        if (self.account_id is not None) != direct:
            return self
        raise ValueError("give account_id, or kind and account_no")


class PayParams(AccountTarget):
    bill_ids: list[str] | None = Field(
        None, min_length=1, max_length=24, description="company bill ids; all unpaid if omitted"
    )
    provider: str | None = Field(None, max_length=16)
    trade_type: TradeType | None = None


class ReceiptParams(BaseModel):
    receipt_no: str = Field(min_length=1, max_length=32)


class AccountRead(BaseModel):
    id: int
    kind: UtilityKind
    company: str
    company_name: str
    account_no: str
    alias: str | None
    holder: str = Field(description="masked")
    bound_at: datetime


class BillRead(BaseModel):
    bill_id: str
    period: str
    amount_fen: int
    due_date: date
    overdue: bool
    state: BillState


class ArrearsRead(BaseModel):
    kind: UtilityKind
    company: str
    company_name: str
    account_no: str
    holder: str = Field(description="masked")
    bills: list[BillRead]
    payable_fen: int = Field(description="sum of the bills that can be paid now")


class PayResult(BaseModel):
    payment_id: int
    amount_fen: int
    bill_ids: list[str]
    payment: PaymentStart


class ReceiptItem(BaseModel):
    bill_id: str
    period: str
    amount_fen: int


class ReceiptRead(BaseModel):
    receipt_no: str
    kind: UtilityKind
    company_name: str
    account_no: str = Field(description="masked")
    holder: str = Field(description="masked")
    payer: str = Field(description="masked")
    items: list[ReceiptItem]
    amount_fen: int
    out_trade_no: str
    confirmation_no: str
    verification: str
    issued_at: datetime
    print_url: str


class StuckWriteOffsParams(PageParams):
    """Write-offs that need staff, oldest first, a page at a time."""


class WriteOffParams(BaseModel):
    write_off_id: int = Field(gt=0)


class WriteOffRead(BaseModel):
    """A paid payment's write-off at the utility company, as staff see it."""

    id: int
    payment_id: int
    kind: str
    company: str
    account_no: str
    amount_fen: int
    reference: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    needs_attention: bool
    last_error: str | None
    confirmation_no: str | None
    created_at: datetime
