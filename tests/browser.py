"""What the browser tests of the clients share: a live `govhub serve` on the embedded default (a
temporary SQLite database, migrated and seeded) and Debian's headless Chromium driven by
Playwright. They run on the embedded backend only; without Chromium or a client's build they are
skipped on a developer machine and fail under CI=true."""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from gateway.clients import BuiltClient
from tests.cli import copy_database
from tests.conftest import BACKEND

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "var"


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run: {reason}")
    pytest.skip(reason)


def embedded_only() -> None:
    if BACKEND != "embedded":
        pytest.skip("the browser tests run on the embedded backend only")


@dataclass
class LiveGovHub:
    url: str
    env: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str) -> str:
        """A `govhub` command against the live server's database (as an operator runs it)."""
        done = subprocess.run(
            [sys.executable, "-m", "gateway.cli", *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def post(
        self,
        path: str,
        body: dict[str, Any],
        token: str | None = None,
        client_ip: str | None = None,
    ) -> Any:
        headers = {"Idempotency-Key": os.urandom(8).hex()}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if client_ip is not None:
            headers["X-Forwarded-For"] = client_ip
        response = httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=10)
        return response.json()

    def sign_in(self, username: str, password: str) -> str:
        answer = self.post("/api/v1/staff/login", {"username": username, "password": password})
        assert answer["code"] == "OK", answer
        return str(answer["data"]["access_token"])

    def invoke(
        self,
        service: str,
        action: str,
        params: dict[str, Any],
        token: str | None,
        client_ip: str | None = None,
    ) -> Any:
        return self.post(f"/api/v1/services/{service}/{action}", params, token, client_ip)


@contextmanager
def shedding(govhub: LiveGovHub, most: int = 1024) -> Iterator[Callable[[], None]]:
    """The live server shedding load for real: invocations are held in flight (their headers
    sent, their bodies not yet) until one more is answered SERVER_BUSY, so every invocation after
    them is shed too. Calling the answered function, or leaving the block, sends the bodies: the
    held ones finish as ordinary catalogue reads and the server admits again."""
    host, port = govhub.url.removeprefix("http://").split(":")
    held: list[socket.socket] = []

    def release() -> None:
        while held:
            connection = held.pop()
            with connection:
                connection.sendall(b"{}")
                connection.recv(65536)  # its answer: the read ran and left the in-flight count

    try:
        for serial in range(most):
            connection = socket.create_connection((host, int(port)), timeout=10)
            held.append(connection)
            connection.sendall(
                (
                    "POST /api/v1/services/catalog/halls HTTP/1.1\r\n"
                    f"Host: {host}:{port}\r\nContent-Type: application/json\r\n"
                    # addresses of their own, so the reads count against no one's rate limit
                    f"X-Forwarded-For: 10.250.{serial // 256}.{serial % 256}\r\n"
                    "Content-Length: 2\r\n\r\n"
                ).encode()
            )
            probe = httpx.post(
                f"{govhub.url}/api/v1/services/catalog/halls",
                json={},
                headers={"X-Forwarded-For": f"10.251.{serial // 256}.{serial % 256}"},
                timeout=10,
            )
            if probe.status_code == 503:
                assert probe.json()["code"] == "SERVER_BUSY", probe.text
                assert probe.headers["Retry-After"].isdigit(), probe.headers
                break
        else:
            raise AssertionError(f"{most} invocations in flight and the server sheds none")
        yield release
    finally:
        release()


_phones = itertools.count(13900000100)
_ids = itertools.count(101)


def id_number(serial: int) -> str:
    """A GB 11643 ID number (valid check digit) of a demo resident."""
    body = f"11010519900101{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


@dataclass
class Resident:
    phone: str
    tokens: dict[str, Any]


def sms_code(govhub: LiveGovHub, phone: str) -> str:
    messages = httpx.get(f"{govhub.url}/dev/sms", params={"phone": phone}, timeout=5).json()
    found = re.search(r"(\d{6})", messages["data"][0]["text"])  # newest first
    assert found, messages
    return found.group(1)


def new_resident(govhub: LiveGovHub, real_name: bool = False) -> Resident:
    """A resident signed in by SMS code through the API, real-name verified if asked."""
    phone = str(next(_phones))
    assert govhub.post("/api/v1/auth/otp", {"phone": phone})["code"] == "OK"
    login = govhub.post("/api/v1/auth/login", {"phone": phone, "code": sms_code(govhub, phone)})
    tokens = login["data"]
    if real_name:
        serial = next(_ids)
        verified = govhub.invoke(
            "account",
            "verify-real-name",
            {"name": "测试居民", "id_number": id_number(serial)},
            tokens["access_token"],
            client_ip=f"10.0.{serial // 256}.{serial % 256}",  # five an hour per address
        )
        assert verified["code"] == "OK", verified
        tokens = govhub.post("/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})[
            "data"
        ]
    return Resident(phone, tokens)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def servable(client: BuiltClient, build_command: str) -> None:
    """Skips (or fails under CI) before anything is started for a client that cannot be served."""
    embedded_only()
    if not client.built:
        unavailable(f"{client.prefix} is not built ({build_command})")


@contextmanager
def live_govhub(migrated: Path) -> Iterator[LiveGovHub]:
    """A GovHub on a copy of the `migrated` database, seeded, on a free port, for the length of
    the block."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="govhub-browser-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHUB_")}
        env.update(
            GOVHUB_ENV="development",
            GOVHUB_LOG_LEVEL="WARNING",
            GOVHUB_DATABASE_URL=f"sqlite://{folder}/govhub.sqlite3",
            GOVHUB_PUBLIC_BASE_URL=url,
            # the demo halls keep office hours; the tests must not depend on the hour
            GOVHUB_QUEUE_ENFORCE_OPENING_HOURS="false",
            GOVHUB_APPOINTMENTS_CHECK_IN_EARLY_MINUTES=str(15 * 24 * 60),
            # the tests stand in for the load balancer: a resident set up through the API comes
            # from an address of its own (X-Forwarded-For), so per-address limits count apart
            GOVHUB_TRUSTED_PROXIES="127.0.0.1/32",
        )
        copy_database(migrated, Path(folder) / "govhub.sqlite3")
        govhub = [sys.executable, "-m", "gateway.cli"]
        subprocess.run([*govhub, "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
        server = subprocess.Popen(
            [*govhub, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT
        )
        try:
            deadline = time.monotonic() + 90  # a start-up on a busy shared machine
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert server.poll() is None, "govhub serve stopped"
                assert time.monotonic() < deadline, "govhub serve did not get ready"
                time.sleep(0.2)
            yield LiveGovHub(url, env)
        finally:
            server.terminate()
            server.wait(10)


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    """Debian's Chromium; never a downloaded browser."""
    embedded_only()
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def fixtures(client: BuiltClient, build_command: str) -> tuple[Any, Any]:
    """The `govhub` (one live server per session) and `browser` fixtures of a client's tests.
    The browser has module scope: Playwright's sync API runs an event loop in this thread while
    it is open, and the asyncio tests of later modules need the thread without one."""

    @pytest.fixture(scope="session")
    def govhub(request: pytest.FixtureRequest) -> Iterator[LiveGovHub]:
        servable(client, build_command)
        with live_govhub(request.getfixturevalue("migrated_sqlite")) as live:
            yield live

    @pytest.fixture(scope="module")
    def browser() -> Iterator[Browser]:
        with headless_chromium() as chromium:
            yield chromium

    return govhub, browser


def screenshot(page: Page, folder: str, name: str) -> None:
    """Kept as a test artefact under var/<folder>/."""
    target = ARTEFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"{name}.png"), full_page=True)
