"""An administrator manages staff accounts from the console: creates one, and the new clerk
signs in; disables it, and the sign-in is refused; a clerk has no such page."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser import LiveGovHub
from tests.console.conftest import ADMIN_PASSWORD, screenshot, sign_in

NEW_PASSWORD = "GovHub-new-clerk-1"


def row_of(page: Page, username: str) -> Locator:
    return page.locator("[data-test=accounts] .el-table__row", has_text=username)


def test_an_admin_creates_and_disables_a_clerk(govhub: LiveGovHub, page: Page) -> None:
    sign_in(page, govhub, "admin", ADMIN_PASSWORD)
    page.click("[data-test=nav-staff]")
    expect(row_of(page, "clerk2")).to_be_visible()
    page.fill("input[name=username]", "wang.fang")
    page.fill("input[name=display_name]", "王芳")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=hall]", "1")
    page.click("[data-test=create-account]")
    expect(page.locator("[data-test=staff-notice]")).to_contain_text("已创建 wang.fang")
    created = row_of(page, "wang.fang")
    expect(created.locator("[data-test=assignment]")).to_contain_text("大厅 #1")
    assert govhub.sign_in("wang.fang", NEW_PASSWORD)
    screenshot(page, "staff-admin")

    created.locator("[data-test=toggle-active]").click()
    expect(created.locator("[data-test=account-state]")).to_have_text("已停用")
    refused = govhub.post(
        "/api/v1/staff/login", {"username": "wang.fang", "password": NEW_PASSWORD}
    )
    assert refused["code"] == "STAFF_DISABLED"
    expect(page.locator("[data-test=staff-error]")).to_have_count(0)


def test_a_clerk_cannot_open_the_staff_page(govhub: LiveGovHub, page: Page) -> None:
    sign_in(page, govhub, "clerk")
    expect(page.locator("[data-test=nav-staff]")).to_have_count(0)
    page.goto(f"{govhub.url}/console/staff")
    page.wait_for_url("**/console/window")
