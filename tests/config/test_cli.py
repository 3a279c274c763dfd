"""The `govhub` command as an operator runs it: in its own process, on its own database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import copy_database, govhub

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "cli" / "govhub.sqlite3"


class TestMigrate:
    def test_migrate_twice_changes_nothing_the_second_time(self, database: Path) -> None:
        first = govhub("migrate", database=database)
        assert first.returncode == 0, first.stderr
        assert "applying" in first.stdout
        again = govhub("migrate", database=database)
        assert again.returncode == 0, again.stderr
        assert "applying" not in again.stdout
        assert "up to date" in again.stdout

    def test_models_and_migrations_agree(self, database: Path, migrated_sqlite: Path) -> None:
        copy_database(migrated_sqlite, database)
        result = govhub("makemigrations", database=database)
        assert result.returncode == 0, result.stderr
        assert "No changes detected" in result.stdout, result.stdout


class TestCheck:
    def test_check_prints_masked_config_and_connectivity(self, database: Path) -> None:
        result = govhub("check", database=database, GOVHUB_SECRET_KEY="s3cr3t-value-xyz")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "GOVHUB_SECRET_KEY=********" in result.stdout
        assert "s3cr3t-value-xyz" not in result.stdout
        assert "database: ok" in result.stdout
        assert "redis: not configured" in result.stdout

    def test_check_fails_when_redis_is_unreachable(self, database: Path) -> None:
        result = govhub("check", database=database, GOVHUB_REDIS_URL="redis://127.0.0.1:1/0")
        assert result.returncode == 1
        assert "redis: unreachable" in result.stdout

    def test_bad_setting_stops_with_the_variable_named(self, database: Path) -> None:
        result = govhub("check", database=database, GOVHUB_PORT="eighty")
        assert result.returncode == 2
        assert "GOVHUB_PORT" in result.stderr


class TestEmbeddedIsOneProcess:
    def test_serve_refuses_several_workers_without_redis(self, database: Path) -> None:
        result = govhub("serve", "--workers", "2", database=database)
        assert result.returncode == 2
        assert "GOVHUB_REDIS_URL" in result.stderr

    def test_serve_warns_that_several_workers_on_sqlite_take_turns(self, database: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHUB_")}
        env.update(GOVHUB_DATABASE_URL=f"sqlite://{database}", GOVHUB_REDIS_URL=UNREACHABLE)
        serving = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--workers", "2", "--port", "0"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
            start_new_session=True,  # its workers too are stopped with it
        )
        try:
            assert serving.stderr is not None
            first = serving.stderr.readline()
        finally:
            os.killpg(serving.pid, signal.SIGKILL)
            serving.wait(30)
        assert "SQLite" in first
        assert "PostgreSQL" in first

    def test_scheduler_needs_redis(self, database: Path) -> None:
        result = govhub("scheduler", database=database)
        assert result.returncode == 2
        assert "GOVHUB_REDIS_URL" in result.stderr

    def test_worker_needs_redis(self, database: Path) -> None:
        result = govhub("worker", database=database)
        assert result.returncode == 2
        assert "GOVHUB_REDIS_URL" in result.stderr
