"""`govhub demands …`: departments, their API keys and webhooks."""

from __future__ import annotations

from typing import Annotated

import typer

from services.demands.models import KeyMode

app = typer.Typer(help="Departments' fee demands: departments, API keys.", no_args_is_help=True)


@app.command("add-department")
def add_department(
    code: Annotated[str, typer.Argument(help="short code, e.g. civil-affairs")],
    name: Annotated[str, typer.Argument(help="name residents see, e.g. 民政局")],
    webhook_url: Annotated[str | None, typer.Option(help="where events are POSTed")] = None,
) -> None:
    """Creates a department; prints its webhook signing secret once."""
    from config.runtime import run_in_runtime
    from services.demands.admin import add_department as add

    _, secret = run_in_runtime(lambda: add(code, name, webhook_url))
    typer.echo(f"department {code} created; webhook secret (shown once): {secret}")


@app.command("issue-key")
def issue_key(
    code: Annotated[str, typer.Argument(help="the department's code")],
    mode: Annotated[KeyMode, typer.Option(help="test keys only reach the sandbox")] = KeyMode.TEST,
) -> None:
    """Issues an API key; prints it once (only its hash is kept)."""
    from config.runtime import run_in_runtime
    from services.demands import admin, repository

    async def issue() -> str | None:
        department = await repository.department_by_code(code)
        return await admin.issue_key(department, mode) if department else None

    text = run_in_runtime(issue)
    if text is None:
        typer.secho(f"no department {code}", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"{mode.value} key for {code} (shown once): {text}")


@app.command("revoke-key")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="the 12 hex digits after gk_<mode>_")],
) -> None:
    from config.runtime import run_in_runtime
    from services.demands.admin import revoke_key as revoke

    if not run_in_runtime(lambda: revoke(key_id)):
        typer.secho(f"no active key {key_id}", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"key {key_id} revoked")
