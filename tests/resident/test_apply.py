"""Applying online from the service guide: the form, the photos of the papers, one tap to submit;
and the second item of the same life event comes with the answers and the papers already given
(fill once). Screenshots under var/resident/."""

from __future__ import annotations

import struct
import zlib

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
