"""The fee counter in the console: a clerk brings up a department's demand by its number, the
resident pays by scanning its code, the status turns paid without a reload, and the e-receipt
with its verification QR code opens and is sent to the printer."""

from __future__ import annotations

import os

import httpx
from playwright.sync_api import Page, expect

from services.demands.seed import DEMO_KEY
from tests.browser import LiveGovHub
from tests.console.conftest import screenshot, sign_in
from tests.demands.helpers import demand_body
from tests.demands.test_counter import WECHAT_UA

# Printing is a dialog the test cannot answer: record which document asked for it instead.
RECORD_PRINTS = "window.print = () => { (window.top.__prints ||= []).push(location.pathname) }"


def department_demand(govhub: LiveGovHub) -> str:
    """A demand the demo department sends with its test key; its number."""
    body = demand_body(f"BDC-CONSOLE-{os.urandom(4).hex()}")
    made = govhub.post("/api/v1/departments/demands", body, DEMO_KEY)
    assert made["code"] == "OK", made
    return str(made["data"]["demand_no"])


def pay_by_scanning(govhub: LiveGovHub, demand_no: str) -> None:
    """The resident scans the counter code in WeChat and pays at the sandbox cashier."""
    scanned = httpx.get(f"{govhub.url}/pay/{demand_no}", headers={"User-Agent": WECHAT_UA})
    assert scanned.status_code == 303, scanned.text
    cashier = scanned.headers["location"]
    assert "/sandbox/cashier/" in cashier
    paid = httpx.post(f"{govhub.url}/sandbox/cashier/{cashier.rsplit('/', 1)[1]}/pay")
    assert paid.status_code == 303, paid.text


def test_the_counter_sees_a_demand_paid_live_and_prints_its_receipt(
    govhub: LiveGovHub, page: Page
) -> None:
    demand_no = department_demand(govhub)
    page.context.add_init_script(RECORD_PRINTS)
    sign_in(page, govhub, "clerk")
    page.click("[data-test=nav-counter]")
    page.fill("input[name=demand_no]", demand_no.lower())  # as typed, in any case
    page.click("[data-test=look-up]")
    expect(page.locator("[data-test=demand-state]")).to_have_text("待支付")
    expect(page.locator("[data-test=amount]")).to_have_text("¥90.00")
    expect(page.locator("[data-test=payer]")).not_to_contain_text("13900139000")
    expect(page.locator("[data-test=items]")).to_contain_text("工本费")
    expect(page.locator("[data-test=pay-qr]")).to_be_visible()
    expect(page.locator("[data-test=print-receipt]")).to_have_count(0)
    screenshot(page, "counter-open")

    pay_by_scanning(govhub, demand_no)
    expect(page.locator("[data-test=demand-state]")).to_have_text("已支付", timeout=15_000)

    page.click("[data-test=print-receipt]")
    receipt = page.frame_locator("[data-test=receipt-frame]")
    expect(receipt.locator(".qr svg")).to_be_visible()
    code = receipt.locator("p", has_text="校验码").locator("b").inner_text()
    page.wait_for_function(
        f"(window.__prints || []).includes('/pay/{demand_no}/receipt')", timeout=10_000
    )
    screenshot(page, "counter-receipt")
    verified = httpx.get(f"{govhub.url}/pay/{demand_no}/verify", params={"code": code})
    assert "票据真实有效" in verified.text


def test_an_unknown_number_shows_the_gateway_message(govhub: LiveGovHub, page: Page) -> None:
    sign_in(page, govhub, "clerk")
    page.goto(f"{govhub.url}/console/counter")
    page.fill("input[name=demand_no]", "FD000000NOSUCH")
    page.click("[data-test=look-up]")
    expect(page.locator("[data-test=counter-error]")).to_contain_text("未找到该缴费通知")
    expect(page.locator("[data-test=demand]")).to_have_count(0)
