"""Applying online from the service guide: the form, the photos of the papers, one tap to submit;
and the second item of the same life event comes with the answers and the papers already given
(fill once). Screenshots under var/resident/."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser import LiveGovHub, Resident, new_resident
from tests.resident.conftest import Journey, open_page, record, shown


def photo() -> bytes:
    """A real (tiny) PNG the browser can decode, as a phone's photo of a paper would be."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\xff\xff" * 2 + b"\x00" + b"\x00\x00\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


ADMIN = ("admin", "GovHub-admin-demo")  # services/staff/seed.py
PARENTS = {
    "mother_name": "王芳",
    "father_name": "李强",
    "expected_birth_date": "2027-03-01",
    "address": "厦门市思明区湖滨南路 1 号",
}


def apply(page: Page, journey: Journey, answers: dict[str, str]) -> int:
    """Fills what the form still asks, photographs each paper it still needs, submits; answers
    how many papers had to be uploaded."""
    shown(page, "[data-test=apply] [data-test=submit]").wait_for()
    for name, value in answers.items():
        if name.startswith("choose-"):
            journey.tap(f"[data-test={name}-{value}]")
        else:
            journey.type(f"input[name={name}]", value)
    pickers = page.locator("[data-test=apply] [data-test^=pick-] >> visible=true")
    uploads = pickers.count()
    for index in range(uploads):
        with page.expect_file_chooser() as chooser:
            pickers.nth(index).locator(".tap").click()  # the button, not its frame
        chooser.value.set_files({"name": "scan.png", "mimeType": "image/png", "buffer": photo()})
        expect(pickers.nth(index)).to_contain_text("已选择")
    journey.tap("[data-test=apply] [data-test=submit]")
    expect(shown(page, "[data-test=application-state]")).to_have_text("已提交")
    return uploads


def complete_by_staff(govhub: LiveGovHub, page: Page) -> None:
    number = shown(page, "[data-test=application-detail]").inner_text().split("\n")[1].split()[0]
    complete(govhub, number)


def complete(govhub: LiveGovHub, number: str) -> None:
    """The department accepts, reviews, approves and completes (办结) the application."""
    token = govhub.sign_in(*ADMIN)
    for move in ("accept", "review", "approve", "complete"):
        done = govhub.invoke("applications", "act", {"application_no": number, "move": move}, token)
        assert done["code"] == "OK", done


def submitted_through_api(
    govhub: LiveGovHub, resident: Resident, item: str, answers: dict[str, str]
) -> str:
    """Applies through the API (answers, every paper still needed, submit); answers the
    application_no."""
    token = resident.tokens["access_token"]

    def ok(action: str, params: dict[str, Any]) -> Any:
        answer = govhub.invoke("applications", action, params, token)
        assert answer["code"] == "OK", answer
        return answer["data"]

    no = str(ok("start", {"item_code": item})["application_no"])
    ok("save", {"application_no": no, "data": answers})
    for material in ok("form", {"item_code": item})["materials"]:
        if not material["required"] or material["in_library"]:
            continue
        uploaded = httpx.post(
            f"{govhub.url}/api/v1/files",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("scan.png", photo(), "image/png")},
            timeout=10,
        ).json()
        assert uploaded["code"] == "OK", uploaded
        attach = {
            "application_no": no,
            "material_code": material["code"],
            "file_id": uploaded["data"]["file_id"],
        }
        ok("attach", attach)
    assert ok("submit", {"application_no": no})["state"] == "submitted"
    return no


def test_a_birth_registration_online_then_the_hukou_asks_only_for_what_is_new(
    govhub: LiveGovHub, page: Page
) -> None:
    resident: Resident = new_resident(govhub, real_name=True)
    open_page(page, govhub, "pages/catalog/item?code=WS002", resident)
    journey = Journey(page, "standard", "apply")
    journey.tap("[data-test=apply]")
    first_uploads = apply(page, journey, PARENTS)
    journey.shot("submitted")
    complete_by_staff(govhub, page)

    open_page(page, govhub, "pages/catalog/item?code=GA006", resident)
    second = Journey(page, "standard", "apply-again")
    second.tap("[data-test=apply]")
    expect(shown(page, "input[name=mother_name]")).to_have_value("王芳")
    expect(shown(page, "input[name=address]")).to_have_value(PARENTS["address"])
    expect(shown(page, "[data-test=material-id_card] [data-test=in-library]")).to_be_visible()
    second.shot("prefilled")
    child = {
        "child_name": "李小宝",
        "choose-child_gender": "女",
        "child_birth_date": "2027-02-27",
        "choose-settle_with": "父",
    }
    second_uploads = apply(page, second, child)
    record(apply_uploads_first=first_uploads, apply_uploads_second=second_uploads)
    assert second_uploads < first_uploads + 2  # the ID card came from the library


def test_missing_answers_are_named_before_anything_is_sent(govhub: LiveGovHub, page: Page) -> None:
    resident = new_resident(govhub, real_name=True)
    open_page(page, govhub, "pages/applications/apply?item=WS002", resident)
    shown(page, "[data-test=apply] [data-test=submit]").click()
    expect(shown(page, "[data-test=missing]")).to_contain_text("母亲姓名")
    assert (
        govhub.invoke("applications", "mine", {}, resident.tokens["access_token"])["data"]["items"]
        == []
    )


RENEWAL = "GA011"  # 机动车驾驶证期满换证: 工本费 10 元
REVIEWER = ("reviewer", "GovHub-reviewer-demo")  # services/staff/seed.py


def approved_renewal(govhub: LiveGovHub, resident: Resident) -> str:
    """The resident's driving-licence renewal, submitted through the API and approved by the
    demo reviewer; answers its application_no (now 待缴费)."""
    answers = {"applicant_name": "张三", "address": "厦门市思明区湖滨南路 1 号"}
    no = submitted_through_api(govhub, resident, RENEWAL, answers)
    reviewer = govhub.sign_in(*REVIEWER)
    for move in ("accept", "review", "approve"):
        view = govhub.invoke("applications", "act", {"application_no": no, "move": move}, reviewer)
        assert view["code"] == "OK", view
    assert view["data"]["state"] == "payment_due"
    return no


def test_an_approved_application_is_paid_at_the_cashier_and_moves_on(
    govhub: LiveGovHub, page: Page
) -> None:
    resident = new_resident(govhub, real_name=True)
    no = approved_renewal(govhub, resident)
    open_page(page, govhub, f"pages/applications/detail?no={no}", resident)
    journey = Journey(page, "standard", "pay-fee")
    expect(shown(page, "[data-test=application-state]")).to_have_text("待缴费")
    expect(shown(page, "[data-test=fee]")).to_contain_text("¥10.00")
    journey.shot("due")
    journey.tap("[data-test=pay-fee]")
    page.wait_for_url("**/sandbox/cashier/**")
    journey.tap("button:has-text('支付 Pay')")
    page.wait_for_url("**/h5/pages/payments/detail**")
    expect(shown(page, "[data-test=payment-state]")).to_have_text("支付成功", timeout=10_000)
    journey.tap("[data-test=payment] [data-test=application] .tap")  # the button, not its frame
    expect(shown(page, "[data-test=application-state]")).to_have_text("已缴费", timeout=10_000)
    expect(shown(page, "[data-test=fee-state]")).to_have_text("已缴费")
    expect(shown(page, "[data-test=application-detail]")).to_contain_text("通知缴费")
    journey.shot("paid")
    reviewer = govhub.sign_in(*REVIEWER)
    done = govhub.invoke(
        "applications", "act", {"application_no": no, "move": "complete"}, reviewer
    )
    assert done["data"]["state"] == "completed", done
