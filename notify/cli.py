"""`govhub notify ...`: developer tools of the notify module."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

app = typer.Typer(help="Notifications (SMS).", no_args_is_help=True)


@app.command()
def outbox(
    limit: Annotated[int, typer.Option(help="how many messages", min=1, max=200)] = 20,
    phone: Annotated[str | None, typer.Option(help="only messages to this phone")] = None,
) -> None:
    """Shows what the sandbox SMS provider sent, newest first (phones masked, codes shown)."""
    from config.runtime import started
    from config.settings import get_settings
    from notify.outbox import OutboxEntry, outbox_entries

    async def run() -> list[OutboxEntry]:
        async with started(get_settings(), with_broker=False):
            return await outbox_entries(limit, phone)

    entries = asyncio.run(run())
    if not entries:
        typer.echo("the sandbox outbox is empty")
    for entry in entries:
        when = entry.created_at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{when}  {entry.phone}  {entry.template_code}  {entry.text}")
