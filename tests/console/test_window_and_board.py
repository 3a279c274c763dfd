"""A clerk runs a window in the console and the hall board follows, read out loud; a clerk of
one hall cannot work at another hall's window."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub
from tests.console.conftest import (
    ADMIN_PASSWORD,
    CLERK_PASSWORD,
    screenshot,
    sign_in,
)

SIMING_HALL = 2  # 思明区行政服务中心, the demo clerk's hall (services/staff/seed.py)


def hand_out_numbers(govhub: LiveGovHub, hall_id: int) -> None:
    """One number in every queue of the hall, handed out at reception."""
    token = govhub.sign_in("admin", ADMIN_PASSWORD)
    queues = govhub.invoke("queue", "queues", {"hall_id": hall_id}, None)["data"]
    for queue in queues:
        answer = govhub.invoke("queue", "issue", {"queue_id": queue["id"]}, token)
        assert answer["code"] == "OK", answer


def choose_first_window(page: Page) -> None:
    page.click("[data-test=window-select]")
    page.locator(".el-select-dropdown__item:visible").first.click()
    page.click("[data-test=window-sign-in]")
    expect(page.locator("[data-test=window-name]")).to_be_visible()


class TestCallingAtTheWindow:
    def test_the_board_shows_the_called_number_within_two_seconds(
        self, govhub: LiveGovHub, page: Page
    ) -> None:
        hand_out_numbers(govhub, SIMING_HALL)
        board = page.context.new_page()
        board.add_init_script(
            "window.spoken = [];window.speechSynthesis.speak = (u) => window.spoken.push(u.text);"
        )
        board.goto(f"{govhub.url}/console/board/{SIMING_HALL}")
        expect(board.locator("h1")).to_contain_text("思明区行政服务中心")
        sign_in(page, govhub, "clerk")
        choose_first_window(page)
        window_name = page.locator("[data-test=window-name]").inner_text()
        page.click("[data-test=call-next]")
        current = page.locator("[data-test=current]")
        expect(current).not_to_have_text("—")
        label = current.inner_text()
        row = board.locator("[data-test=call]", has_text=label)
        expect(row).to_be_visible(timeout=2000)
        expect(row).to_contain_text(window_name)
        spoken = board.evaluate("window.spoken")
        assert any(window_name in text for text in spoken), spoken
        screenshot(page, "window-called")
        screenshot(board, "board-called")
        page.click("[data-test=recall]")
        board.wait_for_function("window.spoken.length >= 2", timeout=2000)
        page.click("[data-test=finish]")
        expect(row).to_have_count(0, timeout=2000)
        expect(current).to_have_text("—")


class TestHallScope:
    def test_a_clerk_of_another_hall_sees_and_may_use_only_their_own_windows(
        self, govhub: LiveGovHub, page: Page
    ) -> None:
        sign_in(page, govhub, "clerk2")  # 海沧区
        page.click("[data-test=window-select]")
        options = page.locator(".el-select-dropdown__item:visible")
        expect(options.first).to_be_visible()
        names = options.all_inner_texts()
        assert names
        assert all(name.startswith("海沧区行政服务中心") for name in names), names
        screenshot(page, "window-choice-other-hall")
        token = govhub.sign_in("clerk2", CLERK_PASSWORD)
        clerk = govhub.sign_in("clerk", CLERK_PASSWORD)
        siming = govhub.invoke("queue", "my-windows", {}, clerk)["data"]
        assert siming
        refused = govhub.invoke("queue", "window-sign-in", {"window_id": siming[0]["id"]}, token)
        assert refused["code"] == "OUT_OF_SCOPE"
