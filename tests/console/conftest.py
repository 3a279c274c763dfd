"""End-to-end tests of the staff console (tests/browser.py: a live GovHub, Debian's Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from gateway.clients import CONSOLE
from tests import browser as shared
from tests.browser import LiveGovHub

CLERK_PASSWORD = "GovHub-clerk-demo"  # services/staff/seed.py
ADMIN_PASSWORD = "GovHub-admin-demo"
REVIEWER_PASSWORD = "GovHub-reviewer-demo"


govhub, browser = shared.fixtures(CONSOLE, "make console")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> None:
    shared.screenshot(page, "console", name)


def sign_in(
    page: Page,
    govhub: LiveGovHub,
    username: str,
    password: str = CLERK_PASSWORD,
    lands: str = "window",
) -> None:
    """Signs in from the window's address; `lands` is the first page the roles grant."""
    page.goto(f"{govhub.url}/console/window")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-test=login]")
    page.wait_for_url(f"**/console/{lands}")
