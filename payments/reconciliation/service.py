"""Reconciling one day: download each provider's statement, read it, match it against the
ledger, store the run and its breaks. Safe to run again for the same day at any time."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from gateway.codes import Code
from gateway.errors import GovError
from payments import providers
from payments.providers.base import PaymentProvider, ProviderError
from payments.providers.common import CHINA_TIME
from payments.reconciliation import repository
from payments.reconciliation.formats import PARSERS
from payments.reconciliation.matching import LedgerEntry, match
from payments.reconciliation.models import (
    BreakStatus,
    ReconciliationBreak,
    ReconciliationRun,
    RunState,
)
from payments.reconciliation.statements import LineKind, Statement, StatementInvalid

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def china_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A statement day runs midnight to midnight China time (given in UTC, as stored)."""
    start = datetime.combine(day, time(), CHINA_TIME).astimezone(UTC)
    return start, start + timedelta(days=1)


def yesterday_in_china(now: datetime | None = None) -> date:
    return ((now or utcnow()).astimezone(CHINA_TIME) - timedelta(days=1)).date()


async def reconcile(day: date, provider_name: str | None = None) -> list[ReconciliationRun]:
    """One run per active provider (or the one named) that has a statement format."""
    active = providers.active()
    names = [provider_name] if provider_name else active.names()
    return [
        await reconcile_provider(active.require(name), day) for name in names if name in PARSERS
    ]


async def reconcile_provider(provider: PaymentProvider, day: date) -> ReconciliationRun:
    now = utcnow()
    try:
        statement = PARSERS[provider.name](await provider.download_statement(day))
    except (ProviderError, StatementInvalid) as exc:
        logger.warning("statement of %s for %s unavailable: %s", provider.name, day, exc)
        return await repository.save_run(
            provider.name, day, state=RunState.FAILED, error=str(exc)[:255], finished_at=now
        )
    start, end = china_day_bounds(day)
    of_the_day = await repository.entries_settled_between(provider.name, start, end)
    known = await repository.entries_for(provider.name, (line.key for line in statement.lines))
    breaks = match(statement.lines, of_the_day, known)
    open_breaks = await repository.record_breaks(provider.name, day, breaks, now)
    run = await repository.save_run(
        provider.name,
        day,
        state=RunState.BREAKS if open_breaks else RunState.MATCHED,
        error=None,
        finished_at=now,
        open_breaks=open_breaks,
        **_totals(statement, of_the_day),
    )
    logger.info(
        "reconciled %s for %s: %d lines, %d ledger entries, %d open breaks",
        provider.name,
        day,
        run.statement_lines,
        run.ledger_entries,
        open_breaks,
    )
    return run


def _totals(statement: Statement, ours: list[LedgerEntry]) -> dict[str, int]:
    settled = [entry for entry in ours if entry.settled]
    return {
        "statement_lines": len(statement.lines),
        "ledger_entries": len(ours),
        "their_payments_fen": statement.payments_fen,
        "their_refunds_fen": statement.refunds_fen,
        "their_fees_fen": statement.fees_fen,
        "our_payments_fen": sum(e.amount_fen for e in settled if e.kind is LineKind.PAYMENT),
        "our_refunds_fen": sum(e.amount_fen for e in settled if e.kind is LineKind.REFUND),
    }


async def resolve(break_id: int, resolution: str, staff: str) -> ReconciliationBreak:
    """Staff say what they did about a break (refunded, booked by hand, the platform corrected
    it…); the audit row of the action records who, this row keeps the answer with the case."""
    resolved = await repository.resolve_break(break_id, resolution, staff, utcnow())
    if resolved is not None:
        return resolved
    found = await repository.break_by_id(break_id)
    if found is None:
        raise GovError(Code.RECONCILIATION_BREAK_NOT_FOUND)
    raise GovError(Code.RECONCILIATION_BREAK_CLOSED, status=found.status.value)


async def breaks(
    status: BreakStatus | None, day: date | None, cursor: int, limit: int
) -> tuple[list[ReconciliationBreak], int | None]:
    """A page of breaks in id order, and the cursor of the next page (None at the end)."""
    rows = await repository.breaks_page(status, day, cursor, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)
