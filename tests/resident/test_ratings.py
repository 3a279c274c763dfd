"""好差评 from the resident client: a completed application waits under 待评价, is rated 不满意
with a reason on one screen, and shows under 我的评价; the gateway holds it to once per matter."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub, Resident, new_resident
from tests.resident.conftest import MODES, open_page, shown, start
from tests.resident.test_apply import PARENTS, complete, submitted_through_api


def ok(answer: dict[str, Any]) -> Any:
    assert answer["code"] == "OK", answer
    return answer["data"]


def completed_application(govhub: LiveGovHub, resident: Resident, item: str) -> str:
    """Applies through the API and has the department complete it; answers the
    application_no."""
    no = submitted_through_api(govhub, resident, item, PARENTS)
    complete(govhub, no)
    return no


@pytest.mark.parametrize("mode", MODES)
def test_a_completed_application_is_rated_once_from_my_ratings(
    govhub: LiveGovHub, page: Page, mode: str
) -> None:
    resident = new_resident(govhub, real_name=True)
    no = completed_application(govhub, resident, "WS002")

    journey = start(page, govhub, mode, "ratings", resident)
    open_page(page, govhub, "pages/ratings/mine", resident)
    expect(shown(page, f"[data-test=pending-{no}]")).to_be_visible()
    journey.shot("pending")
    journey.tap(f"[data-test=pending-{no}] [data-test=rate]")
    journey.tap("[data-test=grade-2]")
    journey.tap("[data-test=reason-long_wait]")
    journey.type("textarea[name=comment]", "窗口等了很久")
    journey.shot("rate")
    journey.tap("[data-test=submit]")

    rated = shown(page, f"[data-test=rating-{no}]")
    expect(rated.locator("[data-test=grade]")).to_have_text("不满意")
    expect(rated).to_contain_text("等候时间长")
    expect(rated.locator("[data-test=case]")).to_have_text("整改中")  # a 差评 opens a case
    expect(shown(page, "[data-test=rated]")).to_be_visible()
    expect(page.locator(f"[data-test=pending-{no}] >> visible=true")).to_have_count(0)
    journey.shot("rated")
    assert journey.steps == 4

    token = resident.tokens["access_token"]
    mine = ok(govhub.invoke("ratings", "mine", {}, token))["items"]
    (given,) = (r for r in mine if r["reference"] == no)
    assert (given["kind"], given["level"], given["grade"]) == ("application", 2, "dissatisfied")
    assert [r["code"] for r in given["reasons"]] == ["long_wait"]
    assert given["comment"] == "窗口等了很久"
    again = govhub.invoke(
        "ratings", "rate", {"kind": "application", "reference": no, "level": 5}, token
    )
    assert again["code"] == "RATING_ALREADY_GIVEN", again


def test_the_progress_page_of_a_completed_application_offers_to_rate_it(
    govhub: LiveGovHub, page: Page
) -> None:
    resident = new_resident(govhub, real_name=True)
    no = completed_application(govhub, resident, "WS002")
    open_page(page, govhub, f"pages/applications/detail?no={no}", resident)
    shown(page, "[data-test=application-detail] [data-test=rate]").click()
    expect(shown(page, "[data-test=grade-5]")).to_be_visible()
    assert "kind=application" in page.url
    assert f"ref={no}" in page.url
