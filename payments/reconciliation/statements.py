"""What a statement says, whatever the platform's file format: one line per payment or refund."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class LineKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"


class StatementInvalid(ValueError):
    """The file is not a statement in the platform's format, or its totals do not add up."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    kind: LineKind
    out_trade_no: str
    amount_fen: int  # paid, or refunded: always positive
    status: str  # the platform's own word (SUCCESS, REFUND, REVOKED, 交易, 退款, …)
    out_refund_no: str = ""
    provider_trade_no: str = ""
    fee_fen: int = 0  # the platform's service fee; negative when a refund gives it back
    occurred_at: datetime | None = None

    @property
    def key(self) -> tuple[LineKind, str, str]:
        return self.kind, self.out_trade_no, self.out_refund_no


@dataclass(frozen=True, slots=True)
class Statement:
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def payments_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.kind is LineKind.PAYMENT)

    @property
    def refunds_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.kind is LineKind.REFUND)

    @property
    def fees_fen(self) -> int:
        return sum(line.fee_fen for line in self.lines)


StatementParser = Callable[[bytes], Statement]


def signed_yuan_to_fen(text: str) -> int:
    """ "-12.34" → -1234; statements print yuan, sometimes signed, never more than 2 decimals."""
    try:
        fen = Decimal(text.strip() or "0") * 100
    except InvalidOperation:
        raise StatementInvalid(f"not an amount: {text!r}") from None
    if fen != fen.to_integral_value():
        raise StatementInvalid(f"not an amount in fen: {text!r}")
    return int(fen)
