"""`govhub`: serve, migrate, seed, worker, check."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Coroutine
from typing import Annotated, Any

import typer

from channels.identity.cli import app as identity_cli
from channels.wechat.cli import app as wechat_cli
from config.settings import Settings, SettingsError, describe, get_settings
from notify.cli import app as notify_cli
from payments.cli import app as payments_cli
from services.demands.cli import app as demands_cli
from services.staff.cli import app as staff_cli

app = typer.Typer(
    help="GovHub: city government services on WeChat, Alipay and the app.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        typer.secho(f"configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


@app.callback()
def _validate_settings() -> None:
    """Checks the settings before any command, so a bad variable is named up front."""
    _settings()


def _run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coro)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    workers: Annotated[int | None, typer.Option(help="app processes")] = None,
    reload: Annotated[bool, typer.Option(help="restart on code changes (development)")] = False,
) -> None:
    """Serves the HTTP API."""
    import uvicorn

    settings = _settings()
    workers = workers or settings.workers
    if workers > 1 and settings.embedded:
        typer.secho(
            "refusing --workers > 1 without Redis: the embedded store, rate limits and job "
            "runner live inside one process, so several processes would each keep their own. "
            "Set GOVHUB_REDIS_URL to run several workers.",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    if workers > 1 and settings.database_url.startswith("sqlite"):
        typer.secho(
            f"{workers} processes share one SQLite file: their writes take turns on its lock, "
            "which SQLite waits for by polling, so answers slow down under load. Use "
            "PostgreSQL (GOVHUB_DATABASE_URL) to serve with several workers.",
            fg="yellow",
            err=True,
        )
    host, port = host or settings.host, port or settings.port
    typer.echo(f"GovHub serving on http://{host}:{port} (docs at /docs)")
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=False,  # the client address is ours to decide: GOVHUB_TRUSTED_PROXIES
        log_level=settings.log_level.lower(),
        access_log=False,
    )


@app.command()
def migrate() -> None:
    """Applies pending database migrations (safe to run again)."""
    from config import database

    settings = _settings()

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_start":
            typer.echo(f"  applying {app_label}.{name} ...", nl=False)
        elif event == "apply_done":
            typer.echo(" ok")

    async def run() -> None:
        try:
            await database.migrate(settings, progress=progress)
        finally:
            await database.close_db()

    typer.echo(f"migrating {database.database_url(settings).split('?')[0]}")
    _run(run())
    typer.echo("database is up to date")


@app.command()
def makemigrations(
    apps: Annotated[list[str] | None, typer.Argument(help="app labels (default: all)")] = None,
    name: Annotated[str | None, typer.Option(help="name of the migration")] = None,
) -> None:
    """Writes migrations for model changes (developers)."""
    from tortoise.cli.cli import CLIContext
    from tortoise.cli.cli import makemigrations as write_migrations

    from config import database

    settings = _settings()
    module = "_govhub_tortoise_config"
    holder = type(sys)(module)
    holder.TORTOISE_ORM = database.tortoise_config(settings)  # type: ignore[attr-defined]
    sys.modules[module] = holder
    database.ensure_sqlite_folder(settings)
    _run(
        write_migrations(CLIContext(f"{module}.TORTOISE_ORM", None), tuple(apps or ()), False, name)
    )


@app.command()
def seed() -> None:
    """Loads the demo data (regions, halls, catalogue, staff); running it again changes nothing."""
    from config.runtime import started
    from services.seed import seed_demo

    settings = _settings()

    async def run() -> None:
        async with started(settings, with_broker=False):
            await seed_demo(typer.echo)

    _run(run())


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Runs background jobs from the Redis queue."""
    settings = _settings()
    if settings.embedded:
        typer.secho(
            "no worker to run: without GOVHUB_REDIS_URL jobs run inside `govhub serve`. "
            "Set GOVHUB_REDIS_URL to run workers as separate processes.",
            fg="yellow",
            err=True,
        )
        raise typer.Exit(2)
    from config.worker import TASK_MODULES

    argv = [
        sys.executable,
        "-m",
        "taskiq",
        "worker",
        "config.worker:broker",
        *TASK_MODULES,
        "--workers",
        str(concurrency),
    ]
    os.execv(sys.executable, argv)


@app.command(name="scheduler")
def run_scheduler() -> None:
    """Sends the periodic jobs to the Redis queue (run exactly one in production)."""
    settings = _settings()
    if settings.embedded:
        typer.secho(
            "no scheduler to run: without GOVHUB_REDIS_URL `govhub serve` runs the periodic jobs "
            "itself. Set GOVHUB_REDIS_URL to run the scheduler as its own process.",
            fg="yellow",
            err=True,
        )
        raise typer.Exit(2)
    from config import scheduler

    typer.echo(
        f"scheduler: sending periodic jobs to Redis every {settings.scheduler_interval_seconds:g} s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(scheduler.run_standalone(settings.scheduler_interval_seconds))


@app.command()
def check() -> None:
    """Prints the configuration in effect (secrets masked) and tests the database and Redis."""
    from config import database
    from config.store import open_store

    settings = _settings()
    for key, value in describe(settings).items():
        typer.echo(f"{key}={value}")

    async def run() -> bool:
        healthy = True
        try:
            await database.init_db(settings)
            await database.ping_db()
            typer.secho("database: ok", fg="green")
        except Exception as exc:
            healthy = False
            typer.secho(f"database: unreachable ({exc})", fg="red")
        finally:
            await database.close_db()
        if settings.embedded:
            typer.echo("redis: not configured (embedded store, one process)")
            return healthy
        try:
            async with open_store(settings.redis_url, settings.redis_prefix) as store:
                await store.ping()
            typer.secho("redis: ok", fg="green")
        except Exception as exc:
            healthy = False
            typer.secho(f"redis: unreachable ({exc})", fg="red")
        return healthy

    if not asyncio.run(run()):
        raise typer.Exit(1)


app.add_typer(identity_cli, name="identity")
app.add_typer(staff_cli, name="staff")
app.add_typer(notify_cli, name="notify")
app.add_typer(wechat_cli, name="wechat")
app.add_typer(payments_cli, name="payments")
app.add_typer(demands_cli, name="demands")

if __name__ == "__main__":
    app()
