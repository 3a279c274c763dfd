"""End-to-end tests of the staff console: Debian's headless Chromium, driven by Playwright,
against a live `govhub serve` on the embedded default (a temporary SQLite database, migrated and
seeded). They run on the embedded backend only; without Chromium or the console build they are
skipped on a developer machine and fail under CI=true."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from gateway.clients import CONSOLE
from tests.conftest import BACKEND

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "console"
CLERK_PASSWORD = "GovHub-clerk-demo"  # services/staff/seed.py
ADMIN_PASSWORD = "GovHub-admin-demo"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"console end-to-end tests cannot run: {reason}")
    pytest.skip(reason)


@dataclass
class LiveGovHub:
    url: str

    def api(self, path: str, body: dict[str, Any], token: str | None = None) -> Any:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        response = httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=10)
        return response.json()

    def sign_in(self, username: str, password: str) -> str:
        answer = self.api("/api/v1/staff/login", {"username": username, "password": password})
        assert answer["code"] == "OK", answer
        return str(answer["data"]["access_token"])

    def invoke(self, service: str, action: str, params: dict[str, Any], token: str | None) -> Any:
        return self.api(f"/api/v1/services/{service}/{action}", params, token)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def govhub() -> Iterator[LiveGovHub]:
    if BACKEND != "embedded":
        pytest.skip("the console end-to-end tests run on the embedded backend only")
    if not CONSOLE.built:
        _unavailable("the console is not built (make console)")
    with tempfile.TemporaryDirectory(prefix="govhub-console-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHUB_")}
        env.update(
            GOVHUB_ENV="development",
            GOVHUB_LOG_LEVEL="WARNING",
            GOVHUB_DATABASE_URL=f"sqlite://{folder}/govhub.sqlite3",
            # the demo halls keep office hours; the tests must not depend on the hour
            GOVHUB_QUEUE_ENFORCE_OPENING_HOURS="false",
        )
        govhub = [sys.executable, "-m", "gateway.cli"]
        for command in (["migrate"], ["seed"]):
            subprocess.run([*govhub, *command], env=env, cwd=ROOT, check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen(
            [*govhub, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert server.poll() is None, "govhub serve stopped"
                assert time.monotonic() < deadline, "govhub serve did not get ready"
                time.sleep(0.2)
            yield LiveGovHub(url)
        finally:
            server.terminate()
            server.wait(10)


# Module scope: Playwright's sync API runs an event loop in this thread while it is open, and
# the asyncio tests of later modules need the thread without one.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if BACKEND != "embedded":
        pytest.skip("the console end-to-end tests run on the embedded backend only")
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, govhub: LiveGovHub, username: str, password: str = CLERK_PASSWORD) -> None:
    page.goto(f"{govhub.url}/console/window")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-test=login]")
    page.wait_for_url("**/console/window")
