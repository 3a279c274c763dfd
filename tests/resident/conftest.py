"""End-to-end tests of the resident client's H5 (tests/browser.py: a live GovHub, Debian's
Chromium). A journey counts its steps (one tap or one form submitted) from the home page; it
runs at phone size as it is, in elder mode, and in elder mode with the keyboard only."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from gateway.clients import RESIDENT
from tests import browser as shared
from tests.browser import LiveGovHub

PHONE: ViewportSize = {"width": 375, "height": 667}
MODES = ("standard", "elder", "keyboard")
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
    """A resident signed in by SMS code through the API (the journeys start signed in)."""
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


METRICS = shared.ARTEFACTS / "resident" / "metrics.json"


def record(**figures: object) -> None:
    """Figures the browser measured (reported, never asserted as timings), kept as artefacts."""
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(METRICS.read_text()) if METRICS.is_file() else {}
    METRICS.write_text(json.dumps({**known, **figures}, indent=2, ensure_ascii=False))


def shown(page: Page, selector: str) -> Locator:
    """The first visible match: the H5 keeps the pages below the current one in the DOM."""
    return page.locator(f"{selector} >> visible=true").first


@dataclass
class Journey:
    """A resident's way through the pages, counted in steps."""

    page: Page
    mode: str
    name: str
    steps: int = 0
    shots: list[str] = field(default_factory=list)

    @property
    def keyboard(self) -> bool:
        return self.mode == "keyboard"

    def _reach(self, target: Locator) -> None:
        """Tabs to `target` as a keyboard user does (at most a page's worth of stops)."""
        target.wait_for()
        for _ in range(120):
            if target.evaluate(
                "el => el === document.activeElement || el.contains(document.activeElement)"
            ):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{target} cannot be reached with the keyboard")

    def tap(self, selector: str) -> None:
        """One step: a tap, or Tab to it and Enter with the keyboard only."""
        self.steps += 1
        target = shown(self.page, selector)
        if self.keyboard:
            self._reach(target)
            self.page.keyboard.press("Enter")
        else:
            target.click()

    def type(self, selector: str, text: str) -> None:
        """Typing into a field (part of the step that submits the form)."""
        target = shown(self.page, selector)
        if self.keyboard:
            self._reach(target)
            self.page.keyboard.type(text)
        else:
            target.fill(text)

    def shot(self, label: str) -> None:
        name = f"{self.name}-{self.mode}-{label}"
        shared.screenshot(self.page, "resident", name)
        self.shots.append(name)


govhub, browser = shared.fixtures(RESIDENT, "make resident")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=False)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


def open_page(page: Page, govhub: LiveGovHub, path: str, resident: Resident | None) -> None:
    """Opens a page of the H5; a resident's tokens come in the fragment, as the official
    account's OAuth sign-in hands them over."""
    url = f"{govhub.url}/h5/{path}"
    if resident is not None:
        url += "#" + urlencode(
            {
                "access_token": resident.tokens["access_token"],
                "refresh_token": resident.tokens["refresh_token"],
                "expires_in": resident.tokens["expires_in"],
            }
        )
    page.goto(url)
    expect(shown(page, ".screen")).to_be_visible()


def start(page: Page, govhub: LiveGovHub, mode: str, name: str, resident: Resident) -> Journey:
    """The home page, signed in, in the journey's mode (elder mode switched on first)."""
    open_page(page, govhub, "", resident)
    if mode in ("elder", "keyboard"):
        shown(page, "[data-test=elder]").click()
        expect(shown(page, ".screen.elder")).to_be_visible()
    expect(shown(page, "[data-test=item-MZ001]")).to_be_visible()
    return Journey(page, mode, name)
