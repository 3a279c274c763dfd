"""A refund made in the console reaches the sandbox payment platform."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub
from tests.console.conftest import ADMIN_PASSWORD, CLERK_PASSWORD, screenshot, sign_in


def paid_demo_order(govhub: LiveGovHub, page: Page, amount_fen: int) -> str:
    """A demo fee paid at the sandbox cashier; its order number."""
    page.goto(f"{govhub.url}/sandbox/demo?amount_fen={amount_fen}")
    out_trade_no = page.url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="支付 Pay").click()
    expect(page.get_by_text("SUCCESS")).to_be_visible()
    return out_trade_no


class TestRefundFromTheConsole:
    def test_a_refund_with_reason_reaches_the_sandbox(self, govhub: LiveGovHub, page: Page) -> None:
        out_trade_no = paid_demo_order(govhub, page, 500)
        sign_in(page, govhub, "admin", ADMIN_PASSWORD)
        page.goto(f"{govhub.url}/console/payments")
        page.fill("input[name=search]", out_trade_no)  # found as staff find it, then chosen
        page.click("[data-test=search]")
        found = page.locator("[data-test=orders] .el-table__row")
        expect(found).to_have_count(1)
        expect(found).to_contain_text("已支付")
        found.locator("[data-test=choose]").click()
        assert page.input_value("input[name=out_trade_no]") == out_trade_no
        assert page.input_value("input[name=amount]") == "5.00"
        page.fill("input[name=amount]", "2.5")
        page.fill("input[name=reason]", "重复缴费")
        page.click("[data-test=refund]")
        expect(page.locator("[data-test=refund-state]")).to_have_text("succeeded")
        screenshot(page, "refund")
        page.goto(f"{govhub.url}/sandbox/cashier/{out_trade_no}")
        expect(page.locator("#refunded")).to_contain_text("2.50")

    def test_a_clerk_without_the_refund_permission_is_refused(
        self, govhub: LiveGovHub, page: Page
    ) -> None:
        out_trade_no = paid_demo_order(govhub, page, 300)
        sign_in(page, govhub, "clerk")
        page.goto(f"{govhub.url}/console/payments")
        page.wait_for_url("**/console/window")  # the page is not theirs: not shown, not opened
        expect(page.locator("[data-test=nav-payments]")).to_have_count(0)
        token = govhub.sign_in("clerk", CLERK_PASSWORD)
        refund = {"out_trade_no": out_trade_no, "out_refund_no": "CRTEST1", "amount_fen": 100}
        refused = govhub.invoke("payments", "refund", {**refund, "reason": "试图退款"}, token)
        assert refused["code"] == "PERMISSION_DENIED"
        page.goto(f"{govhub.url}/sandbox/cashier/{out_trade_no}")
        expect(page.locator("#refunded")).to_have_count(0)
