"""Fixtures of the notify tests: a movable clock and notify settings read from the test's own
environment (reloaded, then restored)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from notify.settings import NotifySettings, notify_settings, reload_notify_settings
from tests.notify.helpers import FakeClock

Configure = Callable[..., NotifySettings]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """Sets `GOVHUB_<NAME>` variables and answers the notify settings read from them."""

    def apply(**variables: str) -> NotifySettings:
        for name, value in variables.items():
            monkeypatch.setenv(f"GOVHUB_{name.upper()}", value)
        reload_notify_settings()
        return notify_settings()

    reload_notify_settings()
    yield apply
    monkeypatch.undo()
    reload_notify_settings()
