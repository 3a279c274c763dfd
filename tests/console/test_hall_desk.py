"""The hall desk in the console: a clerk sees a day's bookings and checks a resident in by the
code on their phone, which issues their number; a hall administrator changes capacity, hours
and the calendar, and a mistyped opening time is refused with the gateway's message."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub, new_resident
from tests.console.conftest import ADMIN_PASSWORD, screenshot, sign_in

SIMING_HALL = 2  # the demo clerk's hall


def book_at_siming(govhub: LiveGovHub) -> tuple[str, str]:
    """A resident books the first free slot of the hall; (its day, its check-in code)."""
    admin = govhub.sign_in("admin", ADMIN_PASSWORD)
    setup = govhub.invoke("appointments", "hall-setup", {"hall_id": SIMING_HALL}, admin)["data"]
    halls = govhub.invoke("catalog", "halls", {}, None)["data"]
    hall = next(h for h in halls if h["id"] == SIMING_HALL)
    resident = new_resident(govhub, real_name=True).tokens["access_token"]
    for rule in setup["slot_rules"]:
        params = {"hall": hall["code"], "item": rule["item_code"]}
        slots = govhub.invoke("appointments", "available-slots", params, None)["data"]
        free = [s for s in slots if s["remaining"] > 0]
        if free:
            booked = govhub.invoke("appointments", "book", {"slot_id": free[0]["id"]}, resident)
            assert booked["code"] == "OK", booked
            qr = govhub.invoke(
                "appointments", "check-in-qr", {"appointment_id": booked["data"]["id"]}, resident
            )
            return str(booked["data"]["day"]), str(qr["data"]["check_in_code"])
    raise AssertionError("no free slot at the demo hall")


def test_a_clerk_checks_a_booking_in_and_it_gets_a_number(govhub: LiveGovHub, page: Page) -> None:
    day, code = book_at_siming(govhub)
    sign_in(page, govhub, "clerk")
    page.goto(f"{govhub.url}/console/bookings?day={day}")
    row = page.locator("[data-test=bookings] .el-table__row").first
    expect(row.locator("[data-test=booking-state]")).to_have_text("待签到")
    page.fill("input[name=check_in_code]", code)
    page.click("[data-test=check-in]")
    expect(page.locator("[data-test=issued]")).to_contain_text("已签到，号码")
    expect(row.locator("[data-test=booking-state]")).to_have_text("已签到")
    screenshot(page, "bookings-checked-in")
    page.fill("input[name=check_in_code]", code)
    page.click("[data-test=check-in]")
    expect(page.locator("[data-test=bookings-error]")).to_be_visible()  # not twice


def test_a_hall_administrator_sets_capacity_hours_and_a_holiday(
    govhub: LiveGovHub, page: Page
) -> None:
    sign_in(page, govhub, "admin", ADMIN_PASSWORD)
    page.click("[data-test=nav-hall]")
    rule = page.locator("[data-test=slot-rules] .el-table__row").first
    capacity = rule.locator("[data-test=capacity] input")
    capacity.fill("3")
    capacity.blur()
    rule.locator("[data-test=save-rule]").click()
    expect(page.locator("[data-test=setup-notice]")).to_contain_text("已保存")
    assert capacity.input_value() == "3"

    page.fill("input[name=hours-5]", "9点到12点")
    page.click("[data-test=save-hours-5]")
    expect(page.locator("[data-test=setup-error]")).to_contain_text("08:30-12:00")
    page.fill("input[name=hours-5]", "09:00-12:00")
    page.click("[data-test=save-hours-5]")
    expect(page.locator("[data-test=setup-notice]")).to_contain_text("周六开放时间已保存")
    page.fill("input[name=hours-6]", "12:00-09:00")
    page.click("[data-test=save-hours-6]")
    expect(page.locator("[data-test=setup-error]")).to_contain_text("先开后关")
    screenshot(page, "hall-setup")
