"""我的事项: what the resident started on any channel, in one list with its state; a row opens
the page that shows it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub, new_resident
from tests.resident.conftest import open_page, shown


def test_a_draft_application_shows_in_the_timeline_and_opens(
    govhub: LiveGovHub, page: Page
) -> None:
    resident = new_resident(govhub, real_name=True)
    token = resident.tokens["access_token"]
    draft = govhub.invoke("applications", "start", {"item_code": "WS002"}, token)
    assert draft["code"] == "OK", draft
    open_page(page, govhub, "pages/me/timeline", resident)
    row = shown(page, "[data-test=timeline-application]")
    expect(row).to_contain_text("草稿")
    row.click()
    expect(shown(page, "[data-test=application-detail]")).to_contain_text(
        draft["data"]["application_no"]
    )
    expect(shown(page, "[data-test=continue]")).to_be_visible()
