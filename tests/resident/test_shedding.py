"""The 9 o'clock rush: the live server sheds load for real (invocations held in flight past its
limit, tests/browser.py `shedding`), and the resident's page waits out Retry-After with a calm
note, then sends the same request again, with the same Idempotency-Key, and succeeds."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, expect

from tests.browser import LiveGovHub, new_resident, shedding
from tests.resident.conftest import shown, start


def test_a_number_taken_while_the_server_sheds_is_taken_once_after_the_wait(
    govhub: LiveGovHub, page: Page
) -> None:
    resident = new_resident(govhub)
    journey = start(page, govhub, "elder", "shed", resident)
    journey.tap("[data-test=go-queue]")
    shown(page, "[data-test=queue-A]").wait_for()
    takes: list[Request] = []
    page.on("request", lambda r: takes.append(r) if r.url.endswith("/queue/take") else None)
    with shedding(govhub) as release:
        journey.tap("[data-test=queue-A]")
        notice = shown(page, "[data-test=retrying]")
        expect(notice).to_have_text(re.compile(r"排队人数较多，\d+ 秒后自动重试"))
        assert notice.get_attribute("role") == "status"
        journey.shot("waiting")
        release()
    expect(shown(page, "[data-test=ticket-label]")).to_have_text(re.compile(r"A\d{3}"))
    expect(shown(page, "[data-test=retrying]")).to_have_count(0)
    journey.shot("number")

    first = takes[0].response()
    assert first is not None
    assert first.status == 503, first
    assert first.json()["code"] == "SERVER_BUSY"
    assert 2 <= len(takes) <= 3, [t.url for t in takes]
    keys = {t.headers.get("idempotency-key") for t in takes}
    assert None not in keys
    assert len(keys) == 1, keys
    numbers = govhub.invoke("queue", "my-numbers", {}, resident.tokens["access_token"])
    assert numbers["code"] == "OK", numbers
    assert len(numbers["data"]["items"]) == 1, numbers  # sent again, taken once
