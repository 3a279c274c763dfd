"""The payment state machine: one transition table and one function that checks a move.

Providers only report what the platform said (`PaymentOutcome`, `RefundOutcome`); whether that
changes an order or a refund, and into what, is decided here and nowhere else.

    CREATED ──paid──► PAID ──refund──► PARTIALLY_REFUNDED ──refund──► REFUNDED
       │                └──────────────refund in full──────────────────►┘
       └──close──► CLOSED ──paid (late)──► PAID_AFTER_CLOSE ──refund in full──► REFUNDED
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class Purpose(StrEnum):
    """What the resident pays for; each purpose has its fulfiller (payments/outbox.py)."""

    FEE = "fee"
    UTILITY_BILL = "utility_bill"
    FINE = "fine"
    APPLICATION_FEE = "application_fee"  # an online application's fee, asked once approved


class TradeType(StrEnum):
    """How the resident's client pays."""

    JSAPI = "jsapi"  # WeChat official-account H5 page
    MINIPROGRAM = "miniprogram"  # WeChat or Alipay mini-program
    APP = "app"  # mobile app SDK
    WAP = "wap"  # mobile browser redirect (Alipay)
    NATIVE = "native"  # a QR code the resident scans with the app (WeChat code_url)
    H5 = "h5"  # a phone browser outside WeChat, redirected into it (WeChat MWEB)
    QR = "qr"  # Alipay face-to-face precreate: a QR code the resident scans
    PAGE = "page"  # Alipay page pay in a desktop browser
    CASHIER = "cashier"  # the sandbox cashier page


class OrderState(StrEnum):
    CREATED = "created"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CLOSED = "closed"
    PAID_AFTER_CLOSE = "paid_after_close"


class RefundState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Trigger(StrEnum):
    """Something that happened to an order or a refund."""

    PAY = "pay"
    CLOSE = "close"
    REFUND_PART = "refund_part"
    REFUND_ALL = "refund_all"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"


class PaymentOutcome(StrEnum):
    """What a platform says about a trade, mapped from its own codes by each provider."""

    PAID = "paid"
    PENDING = "pending"  # not paid yet, or the payer is still paying
    CLOSED = "closed"  # closed or revoked without payment
    FAILED = "failed"  # the payment attempt failed; the order may still be paid later
    UNKNOWN = "unknown"  # the platform does not know this trade


class RefundOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    FAILED = "failed"


REFUNDABLE: frozenset[OrderState] = frozenset(
    {OrderState.PAID, OrderState.PARTIALLY_REFUNDED, OrderState.PAID_AFTER_CLOSE}
)

State = OrderState | RefundState
S = TypeVar("S", OrderState, RefundState)

# (state, trigger) -> next state. A pair that is missing is not allowed.
TRANSITIONS: dict[tuple[State, Trigger], State] = {
    (OrderState.CREATED, Trigger.PAY): OrderState.PAID,
    (OrderState.CREATED, Trigger.CLOSE): OrderState.CLOSED,
    (OrderState.CLOSED, Trigger.PAY): OrderState.PAID_AFTER_CLOSE,
    (OrderState.PAID, Trigger.REFUND_PART): OrderState.PARTIALLY_REFUNDED,
    (OrderState.PARTIALLY_REFUNDED, Trigger.REFUND_PART): OrderState.PARTIALLY_REFUNDED,
    (OrderState.PAID, Trigger.REFUND_ALL): OrderState.REFUNDED,
    (OrderState.PARTIALLY_REFUNDED, Trigger.REFUND_ALL): OrderState.REFUNDED,
    (OrderState.PAID_AFTER_CLOSE, Trigger.REFUND_ALL): OrderState.REFUNDED,
    (RefundState.PENDING, Trigger.REFUND_SUCCEEDED): RefundState.SUCCEEDED,
    (RefundState.PENDING, Trigger.REFUND_FAILED): RefundState.FAILED,
}


class TransitionRefused(Exception):
    """The move is not in the table; the caller decides if that is a duplicate or a conflict."""

    def __init__(self, state: State, trigger: Trigger) -> None:
        super().__init__(f"{trigger.value} is not allowed in state {state.value}")
        self.state = state
        self.trigger = trigger


def advance(state: S, trigger: Trigger) -> S:
    """The state after `trigger` (of an order or of a refund), or `TransitionRefused`."""
    found = TRANSITIONS.get((state, trigger))
    if not isinstance(found, type(state)):
        raise TransitionRefused(state, trigger)
    return found


def refund_trigger(amount_fen: int, refunded_before_fen: int, paid_fen: int) -> Trigger:
    """Whether a successful refund leaves the order partly or wholly refunded."""
    return (
        Trigger.REFUND_ALL if refunded_before_fen + amount_fen >= paid_fen else Trigger.REFUND_PART
    )


class OutboxKind(StrEnum):
    """What an outbox entry asks the consumer to do."""

    PAID = "paid"  # tell the business side: fulfil
    REFUNDED = "refunded"  # tell the business side: a refund went through
    LATE_PAYMENT = "late_payment"  # money came in after the order closed: refund it
    CLOSED = "closed"  # tell the business side: the order closed unpaid, release the object
