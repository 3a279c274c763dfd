"""The `govhub` command as an operator runs it: in its own process, on its own SQLite database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def govhub(*args: str, database: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GOVHUB_") and key != "PYTEST_CURRENT_TEST"
    }
    env.update(GOVHUB_DATABASE_URL=f"sqlite://{database}", **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def migrated_database(into: Path) -> Path:
    """A database `govhub migrate` built: the session's fixture makes one, the tests copy it."""
    done = govhub("migrate", database=into)
    assert done.returncode == 0, done.stdout + done.stderr
    return into


def copy_database(source: Path, target: Path) -> Path:
    """A copy through SQLite's backup API, so pages still in the write-ahead log come along."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    return target
