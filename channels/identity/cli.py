"""`govhub identity ...`: operating residents' personal data."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

app = typer.Typer(help="Residents' identity and personal-data keys.", no_args_is_help=True)


@app.command("rotate-keys")
def rotate_keys(
    batch: Annotated[int, typer.Option(help="rows per transaction", min=1)] = 500,
) -> None:
    """Re-encrypts personal data (and WeChat mini-program session keys) with the first
    GOVHUB_DATA_KEYS key and recomputes lookup hashes with the first GOVHUB_IDENTITY_HASH_KEYS
    key. Safe to run again."""
    from channels.identity.keys import RotationReport
    from channels.identity.keys import rotate_keys as run_rotation
    from config.runtime import started
    from config.settings import get_settings

    async def run() -> RotationReport:
        async with started(get_settings(), with_broker=False):
            return await run_rotation(batch=batch)

    report = asyncio.run(run())
    typer.echo(
        f"rows scanned: {report.scanned}, rewritten: {report.rewritten}, "
        f"unchanged: {report.unchanged}"
    )
    for table, counts in report.tables.items():
        unreadable = f", unreadable {counts.unreadable}" if counts.unreadable else ""
        typer.echo(
            f"  {table}: scanned {counts.scanned}, rewritten {counts.rewritten}, "
            f"unchanged {counts.unchanged}{unreadable}"
        )
    if report.unreadable:
        typer.secho(
            f"{report.unreadable} rows do not open with the configured data keys "
            "(a key was removed too early?); they were left as they are",
            fg="red",
            err=True,
        )
        raise typer.Exit(1)


@app.command("new-key")
def new_key(key_id: Annotated[str, typer.Argument(help="a short id, letters and digits")]) -> None:
    """Prints a fresh `id:base64key` entry to put first in GOVHUB_DATA_KEYS or *_HASH_KEYS."""
    from channels.identity.crypto import new_key_text

    if not key_id.isalnum():
        typer.secho("the key id must be letters and digits", fg="red", err=True)
        raise typer.Exit(2)
    typer.echo(new_key_text(key_id))
