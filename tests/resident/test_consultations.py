"""咨询投诉 from the resident's side: a complaint written on the page from the home page, answered
by the department, read on the detail page and asked again with a reason; and the public FAQ
showing what departments published. Screenshots under var/resident/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub, new_resident
from tests.resident.conftest import Journey, open_page, shown, start
from tests.resident.test_apply import ADMIN

MARKET = "350200-market_regulation"  # services/catalog/demo_data.py
ANSWER = "已责成商场按七天无理由退货规定为您办理退货。"


def test_a_complaint_is_answered_then_asked_again(govhub: LiveGovHub, page: Page) -> None:
    resident = new_resident(govhub)
    journey = start(page, govhub, "standard", "complaint", resident)
    journey.tap("[data-test=go-consultations]")
    journey.tap("[data-test=kind-complaint]")
    journey.tap(f"[data-test=department-{MARKET}]")
    journey.type("input[name=title]", "网购家电拒不退货")
    journey.type("textarea[name=text]", "网购的电视未拆封，商家以已签收为由拒绝七天无理由退货。")
    journey.tap("[data-test=submit]")
    expect(shown(page, "[data-test=case-state]")).to_have_text("待答复")
    expect(shown(page, "[data-test=case-department]")).to_have_text("厦门市市场监督管理局")
    expect(shown(page, "[data-test=withdraw]")).to_be_visible()
    expect(shown(page, "[data-test=reopen]")).to_have_count(0)
    journey.shot("submitted")

    token = resident.tokens["access_token"]
    mine = govhub.invoke("consultations", "mine", {}, token)["data"]["items"]
    assert [(c["kind"], c["title"]) for c in mine] == [("complaint", "网购家电拒不退货")]
    case_no = mine[0]["case_no"]
    staff = govhub.sign_in(*ADMIN)
    answered = govhub.invoke("consultations", "answer", {"case_no": case_no, "text": ANSWER}, staff)
    assert answered["code"] == "OK", answered

    open_page(page, govhub, f"pages/consultations/detail?no={case_no}", resident)
    expect(shown(page, "[data-test=case-state]")).to_have_text("已答复")
    expect(shown(page, "[data-test=case-answer]")).to_have_text(ANSWER)
    expect(shown(page, "[data-test=withdraw]")).to_have_count(0)
    expect(shown(page, "[data-test=confirm]")).to_be_visible()
    again = Journey(page, "standard", "complaint-again")
    again.tap("[data-test=reopen]")
    again.type("textarea[name=reason]", "商场至今仍未联系我办理退货")
    again.tap("[data-test=send-reopen]")
    expect(shown(page, "[data-test=case-state]")).to_have_text("重新办理中")
    expect(shown(page, "[data-test=reopen]")).to_have_count(0)
    expect(shown(page, "[data-test=confirm]")).to_have_count(0)
    expect(shown(page, "[data-test=withdraw]")).to_be_visible()
    expect(page.locator("[data-test=case-step] >> visible=true")).to_have_count(3)
    expect(shown(page, "[data-test=case-detail]")).to_contain_text("商场至今仍未联系我办理退货")
    again.shot("reopened")

    open_page(page, govhub, "pages/consultations/mine", resident)
    expect(shown(page, "[data-test=case]")).to_contain_text("重新办理中")


def test_the_faq_shows_published_answers_to_anyone(govhub: LiveGovHub, page: Page) -> None:
    open_page(page, govhub, "pages/consultations/faq", None)
    expect(shown(page, "[data-test=faq]:has-text('社保卡丢失后如何补办')")).to_be_visible()
    shown(page, "input[name=q]").fill("新生儿")
    shown(page, "[data-test=search]").click()
    found = page.locator("[data-test=faq] >> visible=true")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("新生儿入户是否需要父母双方到场")


def test_the_service_guide_asks_about_its_item(govhub: LiveGovHub, page: Page) -> None:
    resident = new_resident(govhub)
    open_page(page, govhub, "pages/catalog/item?code=GA006", resident)
    shown(page, "[data-test=ask]").click()
    expect(shown(page, "[data-test=about-item]")).to_be_visible()
    expect(shown(page, "[data-test=kind-consultation] .tap")).to_have_class(re.compile("primary"))
