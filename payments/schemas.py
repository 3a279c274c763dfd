"""What crosses the payments boundary: intents from business services, answers to clients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from gateway.paging import PageParams, TimeRange
from payments.models import PaymentOrder, Refund
from payments.states import OrderState, Purpose, RefundState, TradeType

MAX_AMOUNT_FEN = 100_000_000  # one million yuan: anything larger is a mistake


class PaymentIntent(BaseModel):
    """A business service asks for one amount for one of its objects to be paid."""

    purpose: Purpose
    reference: str = Field(min_length=1, max_length=64, description="the business object")
    citizen_id: int
    amount_fen: int = Field(gt=0, le=MAX_AMOUNT_FEN)
    description: str = Field(min_length=1, max_length=128)
    provider: str = Field(max_length=16)
    trade_type: TradeType
    payer_id: str | None = Field(None, max_length=128, description="openid / Alipay buyer id")
    client_ip: str | None = None
    stands_for: str | None = Field(
        None, max_length=16, description="the platform the sandbox plays (its usual provider)"
    )


class PaymentStart(BaseModel):
    """What the resident's client needs to pay (`pay`), and the order to poll afterwards."""

    out_trade_no: str
    provider: str
    trade_type: TradeType
    amount_fen: int
    expires_at: datetime
    pay: dict[str, Any] = Field(
        description=(
            "WeChat JSAPI / mini-program: appId, timeStamp, nonceStr, package, signType, "
            "paySign; WeChat APP: appid, partnerid, prepayid, package, noncestr, timestamp, "
            "sign; Alipay mini-program: tradeNO; Alipay app: orderStr; Alipay wap: url; "
            "sandbox: cashier_url"
        )
    )

    @classmethod
    def of(cls, order: PaymentOrder) -> PaymentStart:
        return cls(
            out_trade_no=order.out_trade_no,
            provider=order.provider,
            trade_type=order.trade_type,
            amount_fen=order.amount_fen,
            expires_at=order.expires_at,
            pay=dict(order.client_payload or {}),
        )


class StatusParams(BaseModel):
    out_trade_no: str = Field(min_length=1, max_length=32)


class OrderStatus(BaseModel):
    out_trade_no: str
    purpose: Purpose
    reference: str
    description: str = ""
    state: OrderState
    paid: bool
    amount_fen: int
    refunded_fen: int
    provider: str
    trade_type: TradeType
    expires_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, order: PaymentOrder) -> OrderStatus:
        return cls(
            out_trade_no=order.out_trade_no,
            purpose=order.purpose,
            reference=order.reference,
            description=order.description,
            state=order.state,
            paid=order.state in (OrderState.PAID, OrderState.PARTIALLY_REFUNDED),
            amount_fen=order.amount_fen,
            refunded_fen=order.refunded_fen,
            provider=order.provider,
            trade_type=order.trade_type,
            expires_at=order.expires_at,
            paid_at=order.paid_at,
        )


class OrdersParams(PageParams, TimeRange):
    """Orders newest first, created within `from` / `to`; for finding the one to refund, by
    what the resident at the counter knows: the order number, their phone number, or what they
    paid for (a utility account number, a decision number or plate, a fee demand number)."""

    state: OrderState | None = None
    purpose: Purpose | None = None
    citizen_id: int | None = Field(None, ge=1)
    out_trade_no: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=20, description="the resident's phone number")
    account: str | None = Field(
        None, min_length=2, max_length=64, description="account, decision, plate or demand no."
    )


class RefundRead(BaseModel):
    out_refund_no: str
    out_trade_no: str
    amount_fen: int
    state: RefundState
    needs_attention: bool

    @classmethod
    def of(cls, refund: Refund, order: PaymentOrder) -> RefundRead:
        return cls(
            out_refund_no=refund.out_refund_no,
            out_trade_no=order.out_trade_no,
            amount_fen=refund.amount_fen,
            state=refund.state,
            needs_attention=refund.needs_attention,
        )
