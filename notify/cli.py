"""`govhub notify ...`: the sandbox outbox, message status, a sweep by hand, the template check."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from notify.kinds import Kind
from notify.models import NotificationStatus

app = typer.Typer(help="Notifications: outbox, status, sweeps.", no_args_is_help=True)
T = TypeVar("T")


@app.callback()
def _validate_settings() -> None:
    """Reads the notify settings first, so a bad variable is named instead of a traceback."""
    from config.settings import SettingsError
    from notify.settings import notify_settings, template_id_overrides

    try:
        notify_settings()
        template_id_overrides()
    except SettingsError as exc:
        typer.secho(f"configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


def _with_runtime(work: Callable[[], Awaitable[T]]) -> T:
    from config.runtime import started
    from config.settings import get_settings

    async def run() -> T:
        async with started(get_settings(), with_broker=False):
            return await work()

    return asyncio.run(run())


@app.command()
def outbox(
    limit: Annotated[int, typer.Option(help="how many messages", min=1, max=100)] = 20,
    phone: Annotated[str | None, typer.Option(help="only SMS to this phone")] = None,
    kind: Annotated[
        Kind | None, typer.Option(help="only this kind (default: SMS; see --all)")
    ] = Kind.SMS,
    every_kind: Annotated[bool, typer.Option("--all", help="every kind of message")] = False,
) -> None:
    """Shows what the sandbox provider sent, newest first (recipients masked, codes shown)."""
    from notify.outbox import outbox_entries

    entries = _with_runtime(lambda: outbox_entries(limit, phone, None if every_kind else kind))
    if not entries:
        typer.echo("the sandbox outbox is empty")
    for entry in entries:
        when = entry.created_at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(
            f"{when}  {entry.kind:<9} {entry.recipient}  {entry.template_code}  {entry.text}"
        )


@app.command()
def status(
    limit: Annotated[int, typer.Option(help="how many messages", min=1, max=100)] = 20,
    state: Annotated[
        NotificationStatus | None, typer.Option("--status", help="only this status")
    ] = None,
    citizen: Annotated[int | None, typer.Option(help="only this resident's messages")] = None,
) -> None:
    """Shows messages and where they are: queued, sent, delivered, failed (with the reason)."""
    from notify.schemas import MessagesParams
    from notify.service import notify

    params = MessagesParams(status=state, citizen_id=citizen, limit=limit)

    async def work() -> tuple[dict[str, int], list[str]]:
        counts = (await notify.summary()).by_status
        lines = []
        for m in (await notify.messages(params)).items:
            where = m.provider or "-"
            note = m.failure_reason or m.last_error or ""
            lines.append(
                f"#{m.id:<6} {m.status.value:<10} {m.event:<28} {where:<17} "
                f"tries={m.total_attempts:<3} {m.recipient or '-'}  {note}"
            )
        return counts, lines

    counts, lines = _with_runtime(work)
    typer.echo("  ".join(f"{name}={count}" for name, count in counts.items()))
    for line in lines:
        typer.echo(line)


@app.command()
def sweep() -> None:
    """Relays pending events and sends every message that is due now (the periodic sweep)."""
    from notify.tasks import sweep as periodic_sweep

    handled = _with_runtime(lambda: periodic_sweep())
    typer.echo(f"{handled} message(s) handled")


@app.command("check-templates")
def check_templates() -> None:
    """Checks that every event has a template and every platform field has its value."""
    from notify.templates import check_templates as problems_of

    problems = problems_of()
    for problem in problems:
        typer.secho(problem, fg="red", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("templates: ok")
