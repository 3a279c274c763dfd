"""`govhub payments ...`: reconciliation by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

app = typer.Typer(help="Payments: reconciliation.", no_args_is_help=True)


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter("expected YYYY-MM-DD") from None


@app.command()
def reconcile(
    day: Annotated[
        str | None,
        typer.Option("--date", help="the statement day, YYYY-MM-DD (default: yesterday)"),
    ] = None,
    provider: Annotated[str | None, typer.Option(help="only this provider")] = None,
) -> None:
    """Downloads each provider's statement for the day and matches it against the ledger."""
    from config.runtime import run_in_runtime
    from gateway.errors import GovError
    from payments.providers.common import fen_to_yuan
    from payments.reconciliation import service

    chosen = _day(day) if day else service.yesterday_in_china()
    typer.echo(f"reconciling {chosen.isoformat()} (China time)")
    try:
        runs = run_in_runtime(lambda: service.reconcile(chosen, provider))
    except GovError as exc:
        typer.secho(f"cannot reconcile: {exc.code}", fg="red", err=True)
        raise typer.Exit(2) from None
    if not runs:
        typer.echo("no payment provider with a statement is configured")
    failed = False
    for run in runs:
        colour = {"matched": "green", "breaks": "yellow"}.get(run.state.value, "red")
        typer.secho(
            f"{run.provider}: {run.state.value} · statement {run.statement_lines} lines, "
            f"paid ¥{fen_to_yuan(run.their_payments_fen)}, refunded "
            f"¥{fen_to_yuan(run.their_refunds_fen)} · ledger {run.ledger_entries} entries · "
            f"{run.open_breaks} open breaks" + (f" · {run.error}" if run.error else ""),
            fg=colour,
        )
        failed = failed or run.state.value == "failed"
    if failed:
        raise typer.Exit(1)
