"""Applying online end to end: a form checked against its schema, materials uploaded once and
reused by the next item of the same life event, the department's workflow with 补正, the
timeline, progress by number, and staff held to their department."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.paging import BEIJING
from notify.models import Notification
from services.applications.models import Application, LibraryMaterial
from services.applications.service import applications, promised_date, utcnow
from services.appointments.models import CalendarDay, DayKind
from services.catalog.models import Implementation, Item
from tests.applications.conftest import PDF, PNG, as_resident, as_staff, ok, resident

BIRTH_ANSWERS = {
    "mother_name": "王芳",
    "father_name": "李强",
    "expected_birth_date": "2027-03-01",
    "address": "厦门市思明区湖滨南路 1 号",
}
CHILD = {"child_name": "李小宝", "child_gender": "女", "child_birth_date": "2027-02-27"}


async def uploaded(citizen_id: int, content: bytes = PNG) -> int:
    return (await applications.upload(citizen_id, content, "scan.png")).file_id


async def submitted(
    app: FastAPI, citizen_id: int, item: str, answers: Mapping[str, object]
) -> dict[str, Any]:
    draft = ok(await as_resident(app, "start", {"item_code": item}, citizen_id))
    no = draft["application_no"]
    ok(await as_resident(app, "save", {"application_no": no, "data": dict(answers)}, citizen_id))
    for code in (m for m in await missing_codes(app, item, citizen_id)):
        params = {
            "application_no": no,
            "material_code": code,
            "file_id": await uploaded(citizen_id),
        }
        ok(await as_resident(app, "attach", params, citizen_id))
    return ok(await as_resident(app, "submit", {"application_no": no}, citizen_id))


async def missing_codes(app: FastAPI, item: str, citizen_id: int) -> list[str]:
    form = ok(await as_resident(app, "form", {"item_code": item}, citizen_id))
    return [m["code"] for m in form["materials"] if m["required"] and not m["in_library"]]


class TestFillOnce:
    @pytest.mark.asyncio
    async def test_the_second_and_third_birth_items_ask_for_nothing_already_given(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        first = await submitted(app, citizen, "WS002", BIRTH_ANSWERS)
        department = (await Application.get(application_no=first["application_no"])).department_id
        for move in ("accept", "review", "approve", "complete"):
            ok(
                await as_staff(
                    app,
                    "act",
                    {"application_no": first["application_no"], "move": move},
                    department,
                )
            )
        assert await LibraryMaterial.filter(citizen_id=citizen, material_code="id_card").exists()

        # 新生儿入户: the parents' answers and the ID card come from the library.
        form = ok(await as_resident(app, "form", {"item_code": "GA006"}, citizen))
        assert form["prefill"]["mother_name"] == "王芳"
        assert form["prefill"]["address"] == BIRTH_ANSWERS["address"]
        needs = {m["code"]: m["in_library"] for m in form["materials"] if m["required"]}
        assert needs == {"birth_cert": False, "hukou_book": False, "id_card": True}
        second = await submitted(app, citizen, "GA006", {**CHILD, "settle_with": "父"})
        reused = {m["code"]: m["from_library"] for m in second["materials"]}
        assert reused["id_card"] is True
        department = (await Application.get(application_no=second["application_no"])).department_id
        ok(
            await as_staff(
                app,
                "act",
                {"application_no": second["application_no"], "move": "accept"},
                department,
            )
        )

        # 新生儿医保: every material and every answer is already there; the resident confirms.
        assert await missing_codes(app, "YB006", citizen) == []
        draft = ok(await as_resident(app, "start", {"item_code": "YB006"}, citizen))
        assert draft["missing"] == []
        assert draft["data"]["child_name"] == "李小宝"
        third = ok(
            await as_resident(app, "submit", {"application_no": draft["application_no"]}, citizen)
        )
        assert third["state"] == "submitted"
        assert all(m["from_library"] for m in third["materials"])


class TestWorkflow:
    @pytest.mark.asyncio
    async def test_bad_answers_and_missing_materials_are_named(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        draft = ok(await as_resident(app, "start", {"item_code": "WS002"}, citizen))
        no = draft["application_no"]
        bad = {"application_no": no, "data": {**BIRTH_ANSWERS, "expected_birth_date": "soon"}}
        ok(await as_resident(app, "save", bad, citizen))
        refused = await as_resident(app, "submit", {"application_no": no}, citizen)
        assert refused.code == "APPLICATION_INVALID"
        assert "expected_birth_date" in refused.message
        ok(await as_resident(app, "save", {"application_no": no, "data": BIRTH_ANSWERS}, citizen))
        missing = await as_resident(app, "submit", {"application_no": no}, citizen)
        assert missing.code == "APPLICATION_MATERIALS_MISSING"
        assert "居民身份证" in missing.message

    @pytest.mark.asyncio
    async def test_supplement_goes_back_to_the_resident_with_the_reason_and_the_clock_stops(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        sent = await submitted(app, citizen, "WS002", BIRTH_ANSWERS)
        no = sent["application_no"]
        row = await Application.get(application_no=no)
        assert row.submitted_at is not None
        assert row.due_at == await promised_date(row.submitted_at, row.promised_days)
        staff = row.department_id
        no_reason = await as_staff(
            app, "act", {"application_no": no, "move": "request_supplement"}, staff
        )
        assert no_reason.code == "APPLICATION_REASON_REQUIRED"
        reason = "身份证照片不清晰，请重新上传"
        asked = ok(
            await as_staff(
                app,
                "act",
                {"application_no": no, "move": "request_supplement", "reason": reason},
                staff,
            )
        )
        assert asked["state"] == "supplement_requested"
        mine = ok(await as_resident(app, "detail", {"application_no": no}, citizen))
        assert mine["supplement_reason"] == reason
        assert "resubmit" in mine["moves"]
        params = {
            "application_no": no,
            "material_code": "id_card",
            "file_id": await uploaded(citizen, PDF),
        }
        ok(await as_resident(app, "attach", params, citizen))
        again = ok(await as_resident(app, "submit", {"application_no": no}, citizen))
        assert again["state"] == "submitted"
        assert [e["move"] for e in again["timeline"]] == [
            "submit",
            "request_supplement",
            "resubmit",
        ]
        assert (await Application.get(application_no=no)).due_at >= row.due_at  # type: ignore[operator]
        notified = await Notification.filter(
            event="application_status_changed", citizen_id=citizen
        ).count()
        assert notified == 3  # submitted, supplement requested, submitted again

    @pytest.mark.asyncio
    async def test_resident_and_staff_moves_are_kept_apart(self, app: FastAPI, forms: None) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen, "WS002", BIRTH_ANSWERS))["application_no"]
        own_approval = await as_resident(app, "withdraw", {"application_no": no}, citizen + 1)
        assert own_approval.code == "APPLICATION_NOT_FOUND"  # another resident's is never seen
        department = (await Application.get(application_no=no)).department_id
        early = await as_staff(app, "act", {"application_no": no, "move": "approve"}, department)
        assert early.code == "APPLICATION_MOVE_NOT_ALLOWED"
        withdrawn = ok(await as_resident(app, "withdraw", {"application_no": no}, citizen))
        assert withdrawn["state"] == "withdrawn"
        late = await as_staff(app, "act", {"application_no": no, "move": "accept"}, department)
        assert late.code == "APPLICATION_MOVE_NOT_ALLOWED"


class TestPromisedDate:
    @pytest.mark.asyncio
    async def test_holidays_do_not_count_and_worked_weekend_days_do(self, db: None) -> None:
        # Friday 2030-09-27, late evening in Beijing: the National Day holiday runs from
        # Tuesday 1 October to Monday 7, Sunday 29 September is worked instead.
        for day in range(1, 8):
            await CalendarDay.create(day=date(2030, 10, day), kind=DayKind.HOLIDAY, name="国庆节")
        await CalendarDay.create(day=date(2030, 9, 29), kind=DayKind.WORKDAY, name="调休")
        friday_night = datetime(2030, 9, 27, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
        # Working days: Sunday 29, Monday 30, then Tuesday 8 and Wednesday 9 October.
        due = await promised_date(friday_night, 4)
        assert due == datetime(2030, 10, 9, 16, 0, tzinfo=UTC)  # the end of the 9th in Beijing
        assert await promised_date(friday_night, 2) == datetime(2030, 9, 30, 16, 0, tzinfo=UTC)

    @pytest.mark.asyncio
    async def test_a_holiday_in_the_city_calendar_moves_a_submitted_applications_date(
        self, app: FastAPI, forms: None
    ) -> None:
        """Every day ahead made a working day but tomorrow, a holiday: whatever today is, the
        promised date is the end of the day one later than the promised days."""
        today = utcnow().astimezone(BEIJING).date()
        for ahead in range(1, 90):
            kind = DayKind.HOLIDAY if ahead == 1 else DayKind.WORKDAY
            await CalendarDay.update_or_create(
                defaults={"kind": kind, "name": "测试"}, day=today + timedelta(days=ahead)
            )
        sent = await submitted(app, await resident(), "WS002", BIRTH_ANSWERS)
        row = await Application.get(application_no=sent["application_no"])
        assert row.due_at is not None
        assert 1 <= row.promised_days < 80
        last = today + timedelta(days=row.promised_days + 1)
        end_of_last = datetime.combine(last + timedelta(days=1), time(0), tzinfo=BEIJING)
        assert row.due_at == end_of_last
        assert not sent["overdue"]

    @pytest.mark.asyncio
    async def test_the_handling_departments_own_time_limit_and_fee_are_the_applications(
        self, app: FastAPI, forms: None
    ) -> None:
        item = await Item.get(code="WS002")
        handling = await Implementation.filter(item_id=item.id).order_by("id").first()
        assert handling is not None
        own_days = item.promised_days + 3
        await Implementation.filter(id=handling.id).update(promised_days=own_days, fee_fen=500)
        sent = await submitted(app, await resident(), "WS002", BIRTH_ANSWERS)
        row = await Application.get(application_no=sent["application_no"])
        assert (row.department_id, row.promised_days, row.fee_fen) == (
            handling.department_id,
            own_days,
            500,
        )
        assert row.submitted_at is not None
        assert row.due_at == await promised_date(row.submitted_at, own_days)

    @pytest.mark.asyncio
    async def test_a_departments_own_zero_days_and_free_handling_are_kept(
        self, app: FastAPI, forms: None
    ) -> None:
        item = await Item.get(code="WS002")
        await Implementation.filter(item_id=item.id).update(promised_days=0, fee_fen=0)
        sent = await submitted(app, await resident(), "WS002", BIRTH_ANSWERS)
        row = await Application.get(application_no=sent["application_no"])
        assert (row.promised_days, row.fee_fen) == (0, 0)


class TestStaffScope:
    @pytest.mark.asyncio
    async def test_another_department_neither_sees_nor_moves_it(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen, "WS002", BIRTH_ANSWERS))["application_no"]
        department = (await Application.get(application_no=no)).department_id
        assert department is not None
        other = department + 1000
        assert (
            await as_staff(app, "review", {"application_no": no}, other)
        ).code == "APPLICATION_NOT_FOUND"
        inbox = ok(await as_staff(app, "inbox", {}, other))
        assert inbox["items"] == []
        own = ok(await as_staff(app, "inbox", {}, department))
        assert [(a["application_no"], a["applicant"]) for a in own["items"]] == [
            (no, "137****7000")
        ]
        review = ok(await as_staff(app, "review", {"application_no": no}, department))
        assert review["data"]["mother_name"] == "王芳"
        assert review["field_titles"]["mother_name"] == "母亲姓名"
        assert review["applicant"] == "137****7000"
        assert review["moves"] == ["accept", "request_supplement", "reject"]
        mine = ok(await as_resident(app, "detail", {"application_no": no}, citizen))
        assert mine["applicant"] is None  # only staff are shown who applied

    @pytest.mark.asyncio
    async def test_staff_moves_offered_follow_the_workflow_to_the_end(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen, "WS002", BIRTH_ANSWERS))["application_no"]
        department = (await Application.get(application_no=no)).department_id
        offered: list[list[str]] = []
        for move in ("accept", "review", "approve", "complete"):
            params = {"application_no": no, "move": move}
            offered.append(ok(await as_staff(app, "act", params, department))["moves"])
        assert offered == [
            ["review", "request_supplement", "reject"],
            ["request_supplement", "approve", "reject"],
            ["complete"],
            [],
        ]

    @pytest.mark.asyncio
    async def test_overdue_applications_are_listed_for_staff(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen, "WS002", BIRTH_ANSWERS))["application_no"]
        await Application.filter(application_no=no).update(due_at=utcnow() - timedelta(hours=1))
        department = (await Application.get(application_no=no)).department_id
        overdue = ok(await as_staff(app, "inbox", {"overdue": True}, department))
        assert [(a["application_no"], a["overdue"]) for a in overdue["items"]] == [(no, True)]


class TestProgressAndFiles:
    @pytest.mark.asyncio
    async def test_public_progress_needs_the_phone_tail_and_shows_the_state_only(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident("13700137000")
        no = (await submitted(app, citizen, "WS002", BIRTH_ANSWERS))["application_no"]
        request = {"application_no": no, "phone_last4": "7000"}
        public = ok(await as_resident(app, "progress", request, citizen + 1))
        assert public == {
            "application_no": no,
            "item_name": public["item_name"],
            "state": "submitted",
            "state_name": "已提交",
            "fee": None,  # 生育登记 is free
        }
        wrong = await as_resident(app, "progress", {**request, "phone_last4": "0000"}, citizen + 1)
        assert wrong.code == "APPLICATION_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_uploads_are_checked_by_content_and_served_through_signed_links(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None
    ) -> None:
        from gateway.schemas import Channel
        from tests.notify.helpers import session_token

        token = await session_token(Channel.APP, "govhub-app", "13600136000")
        auth = {"Authorization": f"Bearer {token}"}
        fake = await client.post(
            "/api/v1/files",
            headers=auth,
            files={"file": ("id.png", b"MZ\x90\x00 not an image", "image/png")},
        )
        assert fake.status_code == 400
        assert fake.json()["code"] == "FILE_REJECTED"
        assert (
            await client.post("/api/v1/files", files={"file": ("id.png", PNG, "image/png")})
        ).status_code == 401
        sent = await client.post(
            "/api/v1/files", headers=auth, files={"file": ("id.pdf", PDF, "application/pdf")}
        )
        assert sent.status_code == 200, sent.text
        link = sent.json()["data"]["link"]
        fetched = await client.get(link)
        assert fetched.status_code == 200
        assert fetched.content == PDF
        assert fetched.headers["content-type"] == "application/pdf"
        tampered = link.replace("signature=", "signature=0")
        assert (await client.get(tampered)).status_code == 403
