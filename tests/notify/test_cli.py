"""`govhub notify …` as an operator runs it: in its own process, on its own database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import copy_database, govhub


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    return copy_database(migrated_sqlite, tmp_path / "cli" / "govhub.sqlite3")


class TestNotifyCommands:
    def test_status_outbox_sweep_and_the_template_check(self, database: Path) -> None:
        status = govhub("notify", "status", database=database)
        assert status.returncode == 0, status.stderr
        assert "queued=0  sent=0  delivered=0  failed=0  suppressed=0" in status.stdout
        outbox = govhub("notify", "outbox", "--all", database=database)
        assert "the sandbox outbox is empty" in outbox.stdout, outbox.stderr
        sweep = govhub("notify", "sweep", database=database)
        assert "0 message(s) handled" in sweep.stdout, sweep.stderr
        check = govhub("notify", "check-templates", database=database)
        assert check.returncode == 0
        assert "templates: ok" in check.stdout

    def test_a_bad_fallback_setting_is_named(self, database: Path) -> None:
        result = govhub(
            "notify", "sweep", database=database, GOVHUB_NOTIFY_FALLBACK='{"web": ["fax"]}'
        )
        assert result.returncode == 2
        assert "configuration error: GOVHUB_NOTIFY_FALLBACK" in result.stderr
