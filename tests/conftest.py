"""The suite runs on one backend per pytest run, chosen by GOVHUB_TEST_BACKEND.

`services`: real PostgreSQL and Redis (GOVHUB_TEST_DATABASE_URL, GOVHUB_TEST_REDIS_URL); when
either is down the run fails under CI=true and is skipped elsewhere. `embedded`: a SQLite file
and the in-process store, as `make run` uses.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from graphlib import TopologicalSorter
from pathlib import Path

BACKEND = os.environ.get("GOVHUB_TEST_BACKEND", "embedded")
PG_URL = os.environ.get("GOVHUB_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("GOVHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Each run, and each pytest-xdist worker of a run, gets its own database and Redis key prefix,
# so runs side by side never collide.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN_ID = f"{os.getpid()}_{int(__import__('time').time())}_{WORKER}"
RUN_DB_URL = PG_URL.rsplit("/", 1)[0] + f"/govhub_test_{RUN_ID}"
REDIS_PREFIX = f"govhub-test-{RUN_ID}:"
_tmp = tempfile.mkdtemp(prefix="govhub-test-")

# Settings are read at import time by the job broker: fix them before importing GovHub.
os.environ["GOVHUB_ENV"] = "test"
os.environ["GOVHUB_SECRET_KEY"] = "test-secret-key-for-the-suite-only-000000000000"
os.environ["GOVHUB_RATE_LIMIT_PER_IP"] = "100000"
os.environ["GOVHUB_RUN_SCHEDULER"] = "false"  # periodic sweeps would race the tests' own steps
if BACKEND == "services":
    os.environ["GOVHUB_DATABASE_URL"] = RUN_DB_URL
    os.environ["GOVHUB_REDIS_URL"] = REDIS_URL
    os.environ["GOVHUB_REDIS_PREFIX"] = REDIS_PREFIX
else:
    os.environ["GOVHUB_DATABASE_URL"] = f"sqlite://{_tmp}/test.sqlite3"
    os.environ.pop("GOVHUB_REDIS_URL", None)

import httpx  # noqa: E402
import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from tortoise import Tortoise, connections  # noqa: E402
from tortoise.backends.base.client import BaseDBAsyncClient  # noqa: E402
from xdist.remote import Producer  # noqa: E402
from xdist.scheduler import LoadFileScheduling  # noqa: E402

from config import database  # noqa: E402
from config.runtime import Runtime, runtime  # noqa: E402
from config.settings import Settings, get_settings  # noqa: E402
from gateway import clients  # noqa: E402


def _services_reachable() -> str | None:
    import asyncpg
    import redis

    async def pg() -> None:
        conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://"), timeout=3)
        await conn.close()

    try:
        asyncio.run(pg())
    except Exception as exc:
        return f"PostgreSQL at {PG_URL}: {exc}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:
        return f"Redis at {REDIS_URL}: {exc}"
    return None


_services_down: str | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _services_down
    if BACKEND != "services":
        return
    problem = _services_reachable()
    if problem is None:
        return
    if WORKER != "main":  # a pytest-xdist worker that exits is only started again
        _services_down = problem
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.exit(f"CI needs the real services and one is down: {problem}", returncode=1)
    pytest.exit(f"skipping the PostgreSQL + Redis run: {problem}", returncode=0)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Each test of a worker that found a service down fails under CI, as the run would."""
    if _services_down is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI needs the real services and one is down: {_services_down}")
    pytest.skip(f"skipping the PostgreSQL + Redis run: {_services_down}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    shutil.rmtree(_tmp, ignore_errors=True)
    if BACKEND == "services" and _services_reachable() is None:
        name = RUN_DB_URL.rsplit("/", 1)[1]
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{REDIS_PREFIX}*"))
        if keys:
            client.delete(*keys)


class _ByFileOrBrowserFolder(LoadFileScheduling):  # type: ignore[misc]  # xdist is untyped
    """`-n 2` hands each worker whole test files, and a browser folder whole: its live server and
    browser start once in the worker that runs it, not once in each."""

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        folder = path.rsplit("/", 1)[0]
        return folder if folder in BROWSER_FOLDERS else path


BROWSER_FOLDERS = ("tests/resident", "tests/console")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadFileScheduling:
    return _ByFileOrBrowserFolder(config, log)


def pytest_report_header() -> str:
    return f"govhub backend: {BACKEND} ({get_settings().database_url.split('@')[-1]})"


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _reset_database(settings: Settings) -> None:
    """A new empty database, so the migrations build the schema from nothing, as in production."""
    if BACKEND != "services":
        return
    name = RUN_DB_URL.rsplit("/", 1)[1]
    await _admin(f'DROP DATABASE IF EXISTS "{name}"')
    await _admin(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest_asyncio.fixture(scope="session")
async def migrated(settings: Settings) -> None:
    await _reset_database(settings)
    await database.migrate(settings)
    await database.close_db()


@pytest_asyncio.fixture(scope="session")
async def app(migrated: None, settings: Settings) -> AsyncIterator[FastAPI]:
    from gateway.app import create_app

    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest_asyncio.fixture(scope="session")
async def rt(app: FastAPI) -> Runtime:
    return runtime()


_cleanup_script: str | None = None


async def _delete_in_key_order(connection: BaseDBAsyncClient, tables: list[str]) -> str:
    """`DELETE FROM` each table, children before the tables they reference: on PostgreSQL far
    cheaper per test than TRUNCATE, which makes new files for every table. Ids go on counting,
    as they do on SQLite."""
    rows = await connection.execute_query_dict(
        "SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c"
        " JOIN pg_class child ON child.oid = c.conrelid"
        " JOIN pg_class parent ON parent.oid = c.confrelid WHERE c.contype = 'f'"
    )
    referenced_by: dict[str, set[str]] = {table: set() for table in tables}
    for row in rows:
        if row["child"] != row["parent"] and row["parent"] in referenced_by:
            referenced_by[row["parent"]].add(row["child"])
            referenced_by.setdefault(row["child"], set())
    order = TopologicalSorter(referenced_by).static_order()
    return "".join(f'DELETE FROM "{table}";' for table in order)


async def empty_all_tables() -> None:
    global _cleanup_script
    connection = connections.get("default")
    if _cleanup_script is None:
        tables = [
            model._meta.db_table for models in Tortoise.apps.values() for model in models.values()
        ]
        if BACKEND == "services":
            _cleanup_script = await _delete_in_key_order(connection, tables)
        else:
            deletes = "".join(f'DELETE FROM "{t}";' for t in tables)
            _cleanup_script = f"PRAGMA foreign_keys=OFF;{deletes}PRAGMA foreign_keys=ON;"
    await connection.execute_script(_cleanup_script)


def forget_cached_rows() -> None:
    """Rows an earlier test left cached in the process must go: tests change rows behind the
    caches' back (a form's workflow updated in place, a queue's hall edited)."""
    from services.applications.service import applications
    from services.queue.service import queue

    applications.forget_cached()
    queue.forget_cached()


async def clear_store(rt: Runtime) -> None:
    from config.store import MemoryStore, RedisStore

    if isinstance(rt.store, RedisStore):
        keys = [k async for k in rt.store.redis.scan_iter(f"{rt.store.prefix}*")]
        if keys:
            await rt.store.redis.delete(*keys)
    elif isinstance(rt.store, MemoryStore):
        await rt.store.close()


@pytest_asyncio.fixture
async def db(app: FastAPI, rt: Runtime) -> AsyncIterator[None]:
    """A clean database and store for one test."""
    await app.state.gateway.audit.flush()  # rows of the previous test must not leak into this one
    await empty_all_tables()
    await clear_store(rt)
    forget_cached_rows()
    yield


@pytest_asyncio.fixture
async def client(app: FastAPI, db: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("10.1.2.3", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://govhub.test") as c:
        yield c


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database `govhub migrate` built per run, for the tests that need a migrated
    database of their own but are not about migrating: a copy takes milliseconds, migrating
    seconds. The first pytest-xdist worker to need it builds it; the others wait for it."""
    from tests.cli import migrated_database

    shared = tmp_path_factory.getbasetemp()
    if WORKER != "main":
        shared = shared.parent  # the run's folder, above each worker's own
    path = shared / "migrated" / "govhub.sqlite3"
    path.parent.mkdir(exist_ok=True)
    with (path.parent / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            migrated_database(path.with_suffix(".partial")).rename(path)
    return path


@pytest.fixture(scope="session")
def unbuilt_resident(tmp_path_factory: pytest.TempPathFactory) -> clients.BuiltClient:
    return clients.BuiltClient(clients.RESIDENT.prefix, Path(tmp_path_factory.mktemp("no-h5")))


@pytest.fixture(autouse=True)
def resident_pages_not_built(unbuilt_resident: clients.BuiltClient) -> Iterator[None]:
    """Links to the resident pages follow whether the H5 is built; a test sees it unbuilt, the
    same on a fresh clone as after `make run`, unless it builds one itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clients, "RESIDENT", unbuilt_resident)
        yield
