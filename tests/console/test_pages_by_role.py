"""The console shows a staff member only the pages their roles grant, and a page typed into the
address bar that they may not open sends them to one they may; a finance officer works the
reconciliation breaks."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub
from tests.console.conftest import screenshot, sign_in

FINANCE_PASSWORD = "GovHub-finance-test-1"


def finance_officer(govhub: LiveGovHub, tmp_path: Path) -> str:
    secret = tmp_path / "password"
    secret.write_text(FINANCE_PASSWORD)
    govhub.cli("staff", "create", "finance1", "--role", "finance", "--password-file", str(secret))
    return "finance1"


def menu(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".nav .el-menu-item").all_inner_texts()]


def test_a_clerk_sees_the_window_and_the_desks_only(govhub: LiveGovHub, page: Page) -> None:
    sign_in(page, govhub, "clerk")
    expect(page.locator("[data-test=nav-window]")).to_be_visible()
    assert menu(page) == ["窗口", "预约签到", "收费窗口"]
    page.goto(f"{govhub.url}/console/audit")
    page.wait_for_url("**/console/window")
    screenshot(page, "clerk-menu")


def test_finance_sees_payments_and_reconciliation_and_no_window(
    govhub: LiveGovHub, page: Page, tmp_path: Path
) -> None:
    username = finance_officer(govhub, tmp_path)
    page.goto(f"{govhub.url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", FINANCE_PASSWORD)
    page.click("[data-test=login]")
    page.wait_for_url("**/console/payments")
    expect(page.locator("[data-test=nav-reconciliation]")).to_be_visible()
    assert menu(page) == ["支付退款", "对账差错", "待处理销账"]
    page.click("[data-test=nav-reconciliation]")
    expect(page.locator("[data-test=runs]")).to_be_visible()
    expect(page.locator("[data-test=reconciliation-error]")).to_have_count(0)
    screenshot(page, "finance-reconciliation")
    page.click("[data-test=nav-handovers]")
    expect(page.locator("[data-test=write-offs]")).to_be_visible()
    expect(page.locator("[data-test=reports]")).to_be_visible()
    expect(page.locator("[data-test=handovers-error]")).to_have_count(0)
    page.goto(f"{govhub.url}/console/window")
    page.wait_for_url("**/console/payments")
