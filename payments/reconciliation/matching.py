"""Statement against ledger, by out_trade_no (and out_refund_no for refunds) and amount: a pure
function, so every kind of break is tested without a database or a platform."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from payments.reconciliation.models import BreakKind
from payments.reconciliation.statements import LineKind, StatementLine

# What the platforms print for money that moved: WeChat Pay's SUCCESS (a payment, or a refund's
# 退款状态), Alipay's business types. REVOKED, PROCESSING and the like did not settle.
SETTLED_STATUSES = frozenset({"SUCCESS", "交易", "退款"})

Key = tuple[LineKind, str, str]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    kind: LineKind
    out_trade_no: str
    amount_fen: int
    state: str  # our order's or refund's state
    settled: bool  # money moved, by our books
    out_refund_no: str = ""

    @property
    def key(self) -> Key:
        return self.kind, self.out_trade_no, self.out_refund_no


@dataclass(frozen=True, slots=True)
class Break:
    kind: BreakKind
    out_trade_no: str
    out_refund_no: str = ""
    ours_fen: int | None = None
    theirs_fen: int | None = None
    our_state: str = ""
    their_state: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind.value, self.out_trade_no, self.out_refund_no


def match(
    lines: Iterable[StatementLine],
    of_the_day: Iterable[LedgerEntry],
    known: Mapping[Key, LedgerEntry],
) -> list[Break]:
    """Every break between a day's statement and the ledger.

    `of_the_day`: our entries settled on the day (by the platform's time); `known`: our entries
    for the statement's keys whatever their day, so a line settled around midnight is matched
    rather than reported missing on one side and found on the other.
    """
    breaks: list[Break] = []
    seen: set[Key] = set()
    for line in lines:
        seen.add(line.key)
        ours = known.get(line.key)
        their_settled = line.status in SETTLED_STATUSES
        if ours is None:
            if their_settled:
                breaks.append(_break(BreakKind.MISSING_OURS, line=line))
        elif ours.settled != their_settled:
            breaks.append(_break(BreakKind.STATE_DIFFERS, ours, line))
        elif ours.amount_fen != line.amount_fen:
            breaks.append(_break(BreakKind.AMOUNT_DIFFERS, ours, line))
    for entry in of_the_day:
        if entry.settled and entry.key not in seen:
            breaks.append(_break(BreakKind.MISSING_THEIRS, entry))
    return breaks


def _break(
    kind: BreakKind, ours: LedgerEntry | None = None, line: StatementLine | None = None
) -> Break:
    source = line or ours
    assert source is not None
    return Break(
        kind=kind,
        out_trade_no=source.out_trade_no,
        out_refund_no=source.out_refund_no,
        ours_fen=ours.amount_fen if ours else None,
        theirs_fen=line.amount_fen if line else None,
        our_state=ours.state if ours else "",
        their_state=line.status if line else "",
    )
