"""Tortoise wiring: one app per capability, each with its own operations-based migrations.

Operations-based migrations (tortoise 1.x) apply to SQLite and PostgreSQL alike, so the
embedded default and production run the very same migration files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import get_current_context
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from config import jobs, postgres, sqlite
from config.settings import Settings

# label -> package holding `models.py` and `migrations/`; cross-app foreign keys use "label.Model".
APPS: dict[str, str] = {
    "gateway": "gateway",
    "identity": "channels.identity",
    "staff": "services.staff",
    "catalog": "services.catalog",
    "appointments": "services.appointments",
    "queue": "services.queue",
    "notify": "notify",
    "wechat": "channels.wechat",
    "payments": "payments",
    "reconciliation": "payments.reconciliation",
    "bills": "services.bills",
    "traffic": "services.traffic",
    "demands": "services.demands",
    "applications": "services.applications",
    "ratings": "services.ratings",
    "consultations": "services.consultations",
    "opendata": "services.opendata",
}


def database_url(settings: Settings) -> str:
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://") and "maxsize=" not in url:
        url += ("&" if "?" in url else "?") + f"maxsize={settings.db_pool_max}"
    return url


def connection_config(settings: Settings) -> dict[str, Any]:
    """The default connection, through GovHub's own engines: `config.sqlite` (transactions
    take the write lock first) and `config.postgres` (no session reset between uses)."""
    url = database_url(settings)
    expanded: dict[str, Any] = expand_db_url(url)
    if url.startswith("sqlite://"):
        return {**expanded, "engine": sqlite.ENGINE}
    if expanded["engine"] == "tortoise.backends.asyncpg":
        return {**expanded, "engine": postgres.ENGINE}
    return expanded


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(settings)},
        "apps": {
            label: {
                "models": [f"{package}.models"],
                "default_connection": "default",
                "migrations": f"{package}.migrations",
            }
            for label, package in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def ensure_sqlite_folder(settings: Settings) -> None:
    from pathlib import Path

    if settings.database_url.startswith("sqlite://"):
        path = settings.database_url.removeprefix("sqlite://")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


async def init_db(settings: Settings) -> None:
    """Opens the ORM. A server runs its lifespan in a task of its own, so requests reach the ORM
    through tortoise's process-wide fallback context (as its FastAPI integration does); an ORM
    opened where one is already current (nested in tests) keeps to its own context."""
    ensure_sqlite_folder(settings)
    fallback = get_current_context() is None
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=fallback)


async def close_db() -> None:
    await Tortoise.close_connections()  # also drops the fallback context init_db set


async def migrate(settings: Settings, progress: Any = None) -> None:
    """Applies every pending migration; running it again does nothing."""
    from tortoise.migrations.api.migrate import migrate as run_migrations

    ensure_sqlite_folder(settings)
    await run_migrations(config=tortoise_config(settings), progress=progress)


async def ping_db() -> None:
    await connections.get("default").execute_query("SELECT 1")


CommitHook = Callable[[], Awaitable[None]]
_commit_hooks: ContextVar[list[CommitHook] | None] = ContextVar("govhub_commit_hooks", default=None)
_in_unit: ContextVar[bool] = ContextVar("govhub_in_unit_of_work", default=False)


@contextmanager
def before_commit(hook: CommitHook) -> Iterator[None]:
    """Runs `hook` inside the transaction of each outermost unit of work opened in the block,
    just before it commits: what the hook writes commits with the work, or not at all. (The
    gateway marks an idempotency claim as applied this way.)"""
    token = _commit_hooks.set([*(_commit_hooks.get() or []), hook])
    try:
        yield
    finally:
        _commit_hooks.reset(token)


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[Any]:
    """One transaction; jobs queued inside are sent only after it commits, dropped on rollback."""
    outermost = not _in_unit.get()
    token = _in_unit.set(True)
    try:
        async with jobs.buffer() as pending, in_transaction() as connection:
            yield connection
            if outermost:
                for hook in _commit_hooks.get() or []:
                    await hook()
    finally:
        _in_unit.reset(token)
    await jobs.flush(pending)


M = TypeVar("M", bound=Model)


def equal_to(model: type[Model], term: str, *names: str) -> Q | None:
    """Rows where any of the text columns `names` is `term`, leaving out the columns too short
    to hold it (tortoise refuses to compare a longer value); None when none can."""
    fitting = [
        Q(**{name: term})
        for name in names
        if len(term) <= (getattr(model._meta.fields_map[name], "max_length", None) or len(term))
    ]
    return Q(*fitting, join_type=Q.OR) if fitting else None


async def changed_rows(
    model: type[M], citizen_id: int, before: datetime | None, limit: int
) -> list[M]:
    """A resident's rows (any model with citizen_id and created_at), the newest first, started
    at or before `before`: the one query behind every source of the timeline."""
    query = model.filter(citizen_id=citizen_id)
    if before is not None:
        query = query.filter(created_at__lte=before)
    return await query.order_by("-created_at", "-id").limit(limit)
