"""办件审核 in the console: the demo reviewer asks a resident for a supplement with a reason, the
resident supplements and resubmits, and the reviewer accepts, approves and completes it, each
move offered because the workflow allows it; the resident sees every state. A move the state
no longer allows shows the gateway's message, and a window clerk has no such page."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.browser import LiveGovHub, Resident, new_resident
from tests.console.conftest import REVIEWER_PASSWORD, screenshot, sign_in

ITEM = "WS002"  # 生育登记, handled by the city's health commission
ANSWERS = {
    "mother_name": "王芳",
    "father_name": "李强",
    "expected_birth_date": "2027-03-01",
    "address": "厦门市思明区湖滨南路 1 号",
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def as_resident(govhub: LiveGovHub, resident: Resident, action: str, **params: Any) -> Any:
    answer = govhub.invoke("applications", action, params, resident.tokens["access_token"])
    assert answer["code"] == "OK", answer
    return answer["data"]


def attach_scans(govhub: LiveGovHub, resident: Resident, no: str, codes: list[str]) -> None:
    for code in codes:
        uploaded = httpx.post(
            f"{govhub.url}/api/v1/files",
            files={"file": ("scan.png", PNG, "image/png")},
            headers={"Authorization": f"Bearer {resident.tokens['access_token']}"},
            timeout=10,
        ).json()
        assert uploaded["code"] == "OK", uploaded
        file_id = uploaded["data"]["file_id"]
        as_resident(
            govhub, resident, "attach", application_no=no, material_code=code, file_id=file_id
        )


def submitted(
    govhub: LiveGovHub, item: str = ITEM, answers: dict[str, str] = ANSWERS
) -> tuple[Resident, str]:
    """A real-name resident's application (生育登记 unless told), answered and submitted
    through the API."""
    resident = new_resident(govhub, real_name=True)
    form = as_resident(govhub, resident, "form", item_code=item)
    no = as_resident(govhub, resident, "start", item_code=item)["application_no"]
    as_resident(govhub, resident, "save", application_no=no, data=answers)
    needed = [m["code"] for m in form["materials"] if m["required"] and not m["in_library"]]
    attach_scans(govhub, resident, no, needed)
    assert as_resident(govhub, resident, "submit", application_no=no)["state"] == "submitted"
    return resident, no


def open_application(page: Page, no: str) -> Locator:
    page.click("[data-test=reload]")
    row = page.locator("[data-test=inbox] .el-table__row", has_text=no)
    row.locator("[data-test=open]").click()
    opened = page.locator("[data-test=application]")
    expect(opened.locator("[data-test=opened-no]")).to_have_text(no)
    return opened


def move(page: Page, name: str, comment: str = "") -> None:
    page.click(f"[data-test=move-{name}]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    page.click("[data-test=act-confirm]")


def test_a_reviewer_asks_for_a_supplement_then_accepts_approves_and_completes(
    govhub: LiveGovHub, page: Page
) -> None:
    resident, no = submitted(govhub)
    sign_in(page, govhub, "reviewer", REVIEWER_PASSWORD, lands="applications")
    row = page.locator("[data-test=inbox] .el-table__row", has_text=no)
    expect(row).to_contain_text("生育登记")
    expect(row).to_contain_text("测*")  # the applicant's real name, masked
    expect(row.locator("[data-test=row-state]")).to_have_text("已提交")

    opened = open_application(page, no)
    expect(opened.locator("[data-test=answers]")).to_contain_text("母亲姓名")
    expect(opened.locator("[data-test=answers]")).to_contain_text("王芳")
    expect(opened.locator("[data-test=timeline-move]")).to_have_text(["申请人 提交申请"])
    link = opened.locator("[data-test=download]").first.get_attribute("href")
    assert link is not None
    assert httpx.get(f"{govhub.url}{link}", timeout=10).content == PNG  # the signed link works
    buttons = opened.locator("[data-test=moves] button")
    expect(buttons).to_have_text(["受理", "要求补正", "不予受理/不予批准"])

    page.click("[data-test=move-request_supplement]")
    expect(page.locator("[data-test=act-confirm]")).to_be_disabled()  # a reason is required
    page.fill("textarea[name=comment]", "身份证照片不清晰，请重新上传")
    page.click("[data-test=act-confirm]")
    expect(opened.locator("[data-test=opened-state]")).to_have_text("待补正")
    expect(opened.locator("[data-test=no-moves]")).to_be_visible()

    asked = as_resident(govhub, resident, "detail", application_no=no)
    assert asked["supplement_reason"] == "身份证照片不清晰，请重新上传"
    attach_scans(govhub, resident, no, ["id_card"])
    assert as_resident(govhub, resident, "submit", application_no=no)["state"] == "submitted"

    opened = open_application(page, no)
    for name, state in (("accept", "已受理"), ("review", "审核中"), ("approve", "审核通过")):
        move(page, name, "材料齐全" if name == "accept" else "")
        expect(opened.locator("[data-test=opened-state]")).to_have_text(state)
        assert as_resident(govhub, resident, "detail", application_no=no)["state_name"] == state
    expect(buttons).to_have_text(["办结"])
    move(page, "complete")
    expect(opened.locator("[data-test=opened-state]")).to_have_text("已办结")
    expect(page.locator("[data-test=applications-notice]")).to_contain_text("已办结")
    expect(opened.locator("[data-test=timeline-move]")).to_have_count(7)
    expect(opened.locator("[data-test=timeline]")).to_contain_text("材料齐全")
    expect(page.locator("[data-test=applications-error]")).to_have_count(0)
    screenshot(page, "application-review")

    done = as_resident(govhub, resident, "detail", application_no=no)
    assert (done["state"], done["state_name"]) == ("completed", "已办结")
    assert [e["move"] for e in done["timeline"]] == [
        "submit",
        "request_supplement",
        "resubmit",
        "accept",
        "review",
        "approve",
        "complete",
    ]


def test_a_move_the_state_no_longer_allows_shows_the_gateway_message(
    govhub: LiveGovHub, page: Page
) -> None:
    resident, no = submitted(govhub)
    sign_in(page, govhub, "reviewer", REVIEWER_PASSWORD, lands="applications")
    page.click("[data-test=state-filter]")
    page.get_by_role("option", name="已提交").click()
    open_application(page, no)
    as_resident(govhub, resident, "withdraw", application_no=no)  # meanwhile, by the resident
    move(page, "accept")
    expect(page.locator("[data-test=act-error]")).to_contain_text("不能执行该操作")


def test_a_window_clerk_has_no_review_page(govhub: LiveGovHub, page: Page) -> None:
    sign_in(page, govhub, "clerk")
    expect(page.locator("[data-test=nav-window]")).to_be_visible()
    expect(page.locator("[data-test=nav-applications]")).to_have_count(0)
    page.goto(f"{govhub.url}/console/applications")
    page.wait_for_url("**/console/window")


def test_an_approved_renewal_waits_for_its_fee_and_is_completed_once_paid(
    govhub: LiveGovHub, page: Page
) -> None:
    answers = {"applicant_name": "张三", "address": "厦门市思明区湖滨南路 1 号"}
    resident, no = submitted(govhub, "GA011", answers)  # 驾驶证期满换证: 工本费 10 元
    sign_in(page, govhub, "reviewer", REVIEWER_PASSWORD, lands="applications")
    opened = open_application(page, no)
    expect(opened.locator("[data-test=opened-fee]")).to_have_text("¥10.00 · 审核通过后缴纳")
    for name, state in (("accept", "已受理"), ("review", "审核中"), ("approve", "待缴费")):
        move(page, name)
        expect(opened.locator("[data-test=opened-state]")).to_have_text(state)
    expect(opened.locator("[data-test=opened-fee]")).to_have_text("¥10.00 · 待缴费")
    expect(opened.locator("[data-test=no-moves]")).to_be_visible()
    expect(opened.locator("[data-test=timeline-move]").last).to_have_text("系统 通知缴费")

    started = as_resident(govhub, resident, "pay", application_no=no, amount_fen=1000)
    out_trade_no = started["payment"]["out_trade_no"]
    paid = httpx.post(f"{govhub.url}/sandbox/cashier/{out_trade_no}/pay", timeout=10)
    assert paid.status_code == 303
    for _ in range(50):  # the outbox runs in the server's own job runner
        if as_resident(govhub, resident, "detail", application_no=no)["state"] == "paid":
            break
        page.wait_for_timeout(200)

    opened = open_application(page, no)
    expect(opened.locator("[data-test=opened-state]")).to_have_text("已缴费")
    expect(opened.locator("[data-test=opened-fee]")).to_have_text("¥10.00 · 已缴费")
    expect(opened.locator("[data-test=opened-order]")).to_have_text(out_trade_no)
    expect(opened.locator("[data-test=timeline]")).to_contain_text("系统 缴费成功")
    expect(opened.locator("[data-test=moves] button")).to_have_text(["办结"])
    move(page, "complete")
    expect(opened.locator("[data-test=opened-state]")).to_have_text("已办结")
    screenshot(page, "application-fee")
