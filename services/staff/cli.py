"""`govhub staff ...`: staff accounts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from services.staff.roles import BUILTIN_ROLES

app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
T = TypeVar("T")


def _with_runtime(work: Callable[[], Awaitable[T]]) -> T:
    from config.runtime import started
    from config.settings import get_settings

    async def run() -> T:
        async with started(get_settings(), with_broker=False):
            return await work()

    return asyncio.run(run())


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        return password_file.read_text(encoding="utf-8").strip()
    password: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return password


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="the sign-in name")],
    role: Annotated[str, typer.Option(help=f"one of {', '.join(BUILTIN_ROLES)}")],
    region: Annotated[str | None, typer.Option(help="region code the role applies in")] = None,
    department: Annotated[int | None, typer.Option(help="department id of the scope")] = None,
    hall: Annotated[int | None, typer.Option(help="hall id of the scope")] = None,
    display_name: Annotated[str | None, typer.Option(help="name shown to others")] = None,
    password_file: Annotated[
        Path | None, typer.Option(help="read the password from this file instead of prompting")
    ] = None,
) -> None:
    """Creates a staff account with one role (no scope: everywhere)."""
    from services.staff.errors import StaffSetupError
    from services.staff.service import staff_service

    password = _password(password_file)
    try:
        account = _with_runtime(
            lambda: staff_service.create(
                username,
                password,
                role,
                display_name=display_name,
                region_code=region,
                department_id=department,
                hall_id=hall,
            )
        )
    except StaffSetupError as exc:
        typer.secho(exc.message("en"), fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"created staff {account.username} (id {account.id}) with role {role}")


@app.command()
def unlock(username: Annotated[str, typer.Argument(help="the sign-in name")]) -> None:
    """Lifts a lock left by wrong passwords."""
    from services.staff.service import staff_service

    if not _with_runtime(lambda: staff_service.unlock(username)):
        typer.secho(f"no staff named {username!r}", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"{username} unlocked")
