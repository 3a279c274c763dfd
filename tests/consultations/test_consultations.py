"""Consultations end to end: the loop submit → answer → reopen → answer → confirm, the reopen
rules, deadlines in working days on the city's calendar, the overdue inbox, transfers, the
public FAQ (published answers only, nothing personal), and each case kept to its resident and
to the departments that handle it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from gateway.models import AuditLog
from notify.models import Notification
from services.appointments.models import CalendarDay, DayKind
from services.consultations.models import Case, CaseEvent, CaseKind, FaqEntry
from services.consultations.seed import seed_consultations
from services.consultations.service import consultations, deadline, utcnow
from tests.consultations.conftest import (
    HOUSING,
    TRANSPORT,
    anonymous,
    as_resident,
    as_staff,
    ok,
    refused,
    resident,
)

QUESTION = {
    "kind": "consultation",
    "department": HOUSING,
    "title": "公积金能否用于支付房租",
    "text": "我在厦门租房，想问一下住房公积金能不能每月提取用来付房租？",
}


async def submitted(app: FastAPI, citizen_id: int, **changes: Any) -> dict[str, Any]:
    return ok(await as_resident(app, "submit", {**QUESTION, **changes}, citizen_id))


async def answered(app: FastAPI, case_no: str, department: str = HOUSING, **extra: Any) -> None:
    params = {"case_no": case_no, "text": "可以，按月提取，每月不超过规定额度。", **extra}
    ok(await as_staff(app, "answer", params, department))


class TestTheWholeLoop:
    @pytest.mark.asyncio
    async def test_submit_answer_reopen_answer_confirm(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        case = await submitted(app, citizen)
        no = case["case_no"]
        assert case["state"] == "submitted"
        assert case["moves"] == ["withdraw"]
        assert case["department"] == HOUSING
        assert not case["overdue"]

        inbox = ok(await as_staff(app, "inbox", {}, HOUSING))
        assert [c["case_no"] for c in inbox["items"]] == [no]
        await answered(app, no)
        mine = ok(await as_resident(app, "detail", {"case_no": no}, citizen))
        assert mine["state"] == "answered"
        assert mine["answer"].startswith("可以")
        assert mine["moves"] == ["reopen", "confirm"]
        assert mine["reopen_until"] is not None

        reason = {"case_no": no, "reason": "没有说明提取需要哪些材料"}
        reopened = ok(await as_resident(app, "reopen", reason, citizen))
        assert reopened["state"] == "reopened"
        assert reopened["reopened"]
        assert reopened["due_at"] >= case["due_at"]  # a fresh time limit from the reopening
        await answered(app, no, text="需提供租赁合同备案证明，可在线办理。")

        again = await as_resident(app, "reopen", reason, citizen)
        assert refused(again) == "CONSULTATION_REOPEN_USED"
        done = ok(await as_resident(app, "confirm", {"case_no": no}, citizen))
        assert done["state"] == "closed"
        assert done["moves"] == []
        timeline = [(e["move"], e["actor_type"], e["to_state"]) for e in done["timeline"]]
        assert timeline == [
            ("submit", "resident", "submitted"),
            ("answer", "staff", "answered"),
            ("reopen", "resident", "reopened"),
            ("answer", "staff", "answered"),
            ("confirm", "resident", "closed"),
        ]
        assert done["timeline"][2]["text"] == reason["reason"]

        told = await Notification.filter(citizen_id=citizen, event="consultation_answered")
        assert len(told) == 2
        assert told[0].params["case_no"] == no
        audited = AuditLog.filter(service="consultations", action="answer", actor_type="staff")
        assert await audited.count() == 2

    @pytest.mark.asyncio
    async def test_mine_pages_newest_first(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        first = await submitted(app, citizen)
        second = await submitted(app, citizen, kind="complaint", title="窗口办理态度差")
        page = ok(await as_resident(app, "mine", {"limit": 1}, citizen))
        assert [c["case_no"] for c in page["items"]] == [second["case_no"]]
        cursor = {"limit": 1, "cursor": page["next_cursor"]}
        rest = ok(await as_resident(app, "mine", cursor, citizen))
        assert [c["case_no"] for c in rest["items"]] == [first["case_no"]]
        assert rest["next_cursor"] is None

    @pytest.mark.asyncio
    async def test_an_item_addresses_its_handling_department(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen = await resident()
        case = await submitted(app, citizen, department=None, item="GA006")
        assert case["item_code"] == "GA006"
        assert case["department"].endswith("public_security")
        unknown = await as_resident(app, "submit", {**QUESTION, "item": "NOPE01"}, citizen)
        assert refused(unknown) == "CATALOG_ITEM_NOT_FOUND"
        nowhere = await as_resident(app, "submit", {**QUESTION, "department": "x-y"}, citizen)
        assert refused(nowhere) == "CATALOG_DEPARTMENT_NOT_FOUND"
        neither = await as_resident(app, "submit", {**QUESTION, "department": None}, citizen)
        assert refused(neither) == "VALIDATION_FAILED"


class TestReopenAndOtherMoves:
    @pytest.mark.asyncio
    async def test_reopen_needs_an_answer_and_a_recent_one(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen))["case_no"]
        reason = {"case_no": no, "reason": "还没有答复"}
        assert refused(await as_resident(app, "reopen", reason, citizen)) == (
            "CONSULTATION_NOT_ANSWERED"
        )
        confirm = await as_resident(app, "confirm", {"case_no": no}, citizen)
        assert refused(confirm) == "CONSULTATION_NOT_ANSWERED"
        await answered(app, no)
        await Case.filter(case_no=no).update(answered_at=utcnow() - timedelta(days=16))
        late = await as_resident(app, "reopen", reason, citizen)
        assert refused(late) == "CONSULTATION_REOPEN_EXPIRED"
        view = ok(await as_resident(app, "detail", {"case_no": no}, citizen))
        assert view["moves"] == ["confirm"]

    @pytest.mark.asyncio
    async def test_withdraw_only_before_the_answer(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        first = (await submitted(app, citizen))["case_no"]
        gone = ok(await as_resident(app, "withdraw", {"case_no": first}, citizen))
        assert gone["state"] == "withdrawn"
        late = await as_staff(app, "answer", {"case_no": first, "text": "答复内容"}, HOUSING)
        assert refused(late) == "CONSULTATION_MOVE_NOT_ALLOWED"
        second = (await submitted(app, citizen))["case_no"]
        await answered(app, second)
        again = await as_resident(app, "withdraw", {"case_no": second}, citizen)
        assert refused(again) == "CONSULTATION_MOVE_NOT_ALLOWED"


class TestClosingByItself:
    """Answered cases the resident neither reopens nor confirms close once the reopen window
    (15 days) has passed; the sweep is given its clock."""

    @pytest.mark.asyncio
    async def test_only_answered_cases_past_their_window_close_each_once(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen = await resident()
        late, recent, open_case, confirmed = [
            (await submitted(app, citizen))["case_no"] for _ in range(4)
        ]
        for no in (late, recent, confirmed):
            await answered(app, no)
        ok(await as_resident(app, "confirm", {"case_no": confirmed}, citizen))
        answered_at = (await Case.get(case_no=late)).answered_at
        assert answered_at is not None
        await Case.filter(case_no=recent).update(answered_at=answered_at + timedelta(days=2))
        window_end = answered_at + timedelta(days=15)

        assert await consultations.close_answered(now=window_end) == 0  # reopening still allowed
        later = window_end + timedelta(seconds=1)
        assert await consultations.close_answered(now=later) == 1
        assert await consultations.close_answered(now=later) == 0  # nothing twice

        states = {c.case_no: c.state.value for c in await Case.all()}
        assert states == {
            late: "closed",
            recent: "answered",
            open_case: "submitted",
            confirmed: "closed",
        }
        view = ok(await as_resident(app, "detail", {"case_no": late}, citizen))
        assert view["moves"] == []
        assert datetime.fromisoformat(view["closed_at"]) == later
        last = view["timeline"][-1]
        assert (last["move"], last["actor_type"], last["to_state"]) == (
            "auto_close",
            "system",
            "closed",
        )
        assert "自动办结" in last["text"]
        assert datetime.fromisoformat(last["at"]) == later
        reopen = {"case_no": late, "reason": "还有问题"}
        assert refused(await as_resident(app, "reopen", reopen, citizen)) == (
            "CONSULTATION_MOVE_NOT_ALLOWED"
        )
        told = {n.event for n in await Notification.filter(citizen_id=citizen)}
        assert told == {"consultation_answered"}  # closing tells nobody, as confirming does

    @pytest.mark.asyncio
    async def test_a_second_answer_after_reopening_gets_its_own_window(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen))["case_no"]
        await answered(app, no)
        ok(await as_resident(app, "reopen", {"case_no": no, "reason": "没说清楚"}, citizen))
        await answered(app, no, text="补充答复：需携带身份证。")
        second = (await Case.get(case_no=no)).answered_at
        assert second is not None
        assert await consultations.close_answered(now=second + timedelta(days=14)) == 0
        assert await consultations.close_answered(now=second + timedelta(days=16)) == 1

    @pytest.mark.asyncio
    async def test_two_sweeps_at_once_close_each_case_once(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen = await resident()
        numbers = [(await submitted(app, citizen))["case_no"] for _ in range(6)]
        for no in numbers:
            await answered(app, no)
        later = utcnow() + timedelta(days=16)
        counts = await asyncio.gather(
            consultations.close_answered(now=later), consultations.close_answered(now=later)
        )
        assert sum(counts) == len(numbers)
        closes = await CaseEvent.filter(move="auto_close").values_list("case_id", flat=True)
        assert sorted(closes) == sorted(set(closes))
        assert len(closes) == len(numbers)
        assert await Case.filter(state="closed").count() == len(numbers)


class TestDeadlines:
    @pytest.mark.asyncio
    async def test_working_days_skip_weekends_and_holidays_and_count_worked_weekends(
        self, db: None
    ) -> None:
        # Friday 2030-05-03, late evening in Xiamen: Monday the 6th is a holiday, Saturday the
        # 11th a worked day, so the fifth working day after is that Saturday.
        await CalendarDay.create(day=date(2030, 5, 6), kind=DayKind.HOLIDAY, name="劳动节")
        await CalendarDay.create(day=date(2030, 5, 11), kind=DayKind.WORKDAY, name="调休")
        friday_night = datetime(2030, 5, 3, 15, 30, tzinfo=UTC)  # 23:30 in Asia/Shanghai
        due = await deadline(friday_night, CaseKind.CONSULTATION)
        assert due == datetime(2030, 5, 11, 16, 0, tzinfo=UTC)  # the end of Saturday there
        # Fifteen working days for a complaint: three weeks, the holiday making it one more day.
        complaint = await deadline(friday_night, CaseKind.COMPLAINT)
        assert complaint == datetime(2030, 5, 24, 16, 0, tzinfo=UTC)

    @pytest.mark.asyncio
    async def test_a_case_gets_its_kinds_time_limit(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        case = await submitted(app, citizen, kind="complaint")
        at = datetime.fromisoformat(case["submitted_at"])
        assert datetime.fromisoformat(case["due_at"]) == await deadline(at, CaseKind.COMPLAINT)


class TestOverdueInbox:
    @pytest.mark.asyncio
    async def test_open_cases_past_their_deadline(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        late = (await submitted(app, citizen))["case_no"]
        on_time = (await submitted(app, citizen))["case_no"]
        answered_late = (await submitted(app, citizen))["case_no"]
        await answered(app, answered_late)
        past = utcnow() - timedelta(hours=1)
        await Case.filter(case_no__in=[late, answered_late]).update(due_at=past)

        overdue = ok(await as_staff(app, "inbox", {"overdue": True}, HOUSING))
        assert [(c["case_no"], c["overdue"]) for c in overdue["items"]] == [(late, True)]
        everything = ok(await as_staff(app, "inbox", {}, HOUSING))
        assert {c["case_no"] for c in everything["items"]} == {late, on_time, answered_late}
        waiting = ok(await as_staff(app, "inbox", {"state": "submitted"}, HOUSING))
        assert [c["case_no"] for c in waiting["items"]] == [late, on_time]  # nearest due first
        page = ok(await as_staff(app, "inbox", {"limit": 1, "state": "submitted"}, HOUSING))
        rest = {"limit": 1, "state": "submitted", "cursor": page["next_cursor"]}
        assert [c["case_no"] for c in ok(await as_staff(app, "inbox", rest, HOUSING))["items"]] == [
            on_time
        ]
        complaints = ok(await as_staff(app, "inbox", {"kind": "complaint"}, HOUSING))
        assert complaints["items"] == []
        elsewhere = ok(await as_staff(app, "inbox", {"overdue": True}, TRANSPORT))
        assert elsewhere["items"] == []
        assert refused(await as_staff(app, "review", {"case_no": late}, TRANSPORT)) == (
            "CONSULTATION_NOT_FOUND"
        )


class TestTransfer:
    @pytest.mark.asyncio
    async def test_a_case_passes_to_another_department(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        case = await submitted(app, citizen, contact="phone")
        no = case["case_no"]
        review = ok(await as_staff(app, "review", {"case_no": no}, HOUSING))
        assert review["callback_phone"] == "13700137000"
        params = {"case_no": no, "department": TRANSPORT, "reason": "属于交通部门职责"}
        moved = ok(await as_staff(app, "transfer", params, HOUSING))
        assert moved["department"] == TRANSPORT
        assert moved["due_at"] == case["due_at"]
        assert refused(await as_staff(app, "review", {"case_no": no}, HOUSING)) == (
            "CONSULTATION_NOT_FOUND"
        )
        same = await as_staff(app, "transfer", params, TRANSPORT)
        assert refused(same) == "CONSULTATION_TRANSFER_SAME"
        await answered(app, no, TRANSPORT)
        told = await Notification.filter(citizen_id=citizen).order_by("id")
        assert [n.event for n in told] == ["consultation_transferred", "consultation_answered"]
        view = ok(await as_resident(app, "detail", {"case_no": no}, citizen))
        assert [e["department"] for e in view["timeline"]] == [HOUSING, TRANSPORT, TRANSPORT]
        assert "callback_phone" not in view


class TestFaq:
    @pytest.mark.asyncio
    async def test_only_published_answers_and_nothing_personal(
        self, app: FastAPI, catalog: None
    ) -> None:
        citizen = await resident()
        public = (await submitted(app, citizen))["case_no"]
        private = (await submitted(app, citizen, title="我的公积金账户被冻结"))["case_no"]
        complaint = (await submitted(app, citizen, kind="complaint"))["case_no"]
        faq: dict[str, Any] = {
            "publish_faq": True,
            "faq_question": "住房公积金可以用来支付房租吗？",
            "faq_answer": "可以。租房提取按月办理，每月不超过规定额度。",
        }
        with_phone = {**faq, "faq_answer": "请致电 13700137000 咨询。"}
        leak = await as_staff(
            app, "answer", {"case_no": public, "text": "答复", **with_phone}, HOUSING
        )
        assert refused(leak) == "CONSULTATION_FAQ_PERSONAL_DATA"
        id_number = {**faq, "faq_answer": "例如身份证 350203199001011234 的人"}
        leak = await as_staff(
            app, "answer", {"case_no": public, "text": "答复", **id_number}, HOUSING
        )
        assert refused(leak) == "CONSULTATION_FAQ_PERSONAL_DATA"
        not_allowed = await as_staff(
            app, "answer", {"case_no": complaint, "text": "已处理", **faq}, HOUSING
        )
        assert refused(not_allowed) == "CONSULTATION_FAQ_NOT_ALLOWED"
        await answered(app, public, **faq)
        await answered(app, private)

        listed = ok(await anonymous(app, "faq", {}))
        assert [e["question"] for e in listed["items"]] == [faq["faq_question"]]
        dumped = json.dumps(listed, ensure_ascii=False)
        for personal in ("13700137000", QUESTION["text"], QUESTION["title"], public):
            assert personal not in dumped
        entry = listed["items"][0]
        assert entry["department"] == HOUSING
        assert ok(await anonymous(app, "faq-item", {"faq_id": entry["id"]})) == entry
        missing = await anonymous(app, "faq-item", {"faq_id": entry["id"] + 1000})
        assert refused(missing) == "CONSULTATION_FAQ_NOT_FOUND"
        assert ok(await anonymous(app, "faq", {"q": "房租"}))["items"] == [entry]
        assert ok(await anonymous(app, "faq", {"q": "社保卡"}))["items"] == []
        assert ok(await anonymous(app, "faq", {"department": HOUSING}))["items"] == [entry]
        assert ok(await anonymous(app, "faq", {"department": TRANSPORT}))["items"] == []
        assert ok(await anonymous(app, "faq", {"item": "GA006"}))["items"] == []

    @pytest.mark.asyncio
    async def test_a_second_answer_rewords_the_entry(self, app: FastAPI, catalog: None) -> None:
        citizen = await resident()
        no = (await submitted(app, citizen))["case_no"]
        faq: dict[str, Any] = {
            "publish_faq": True,
            "faq_question": "公积金能付房租吗？",
            "faq_answer": "可以。",
        }
        await answered(app, no, **faq)
        ok(await as_resident(app, "reopen", {"case_no": no, "reason": "不够详细"}, citizen))
        await answered(app, no, **{**faq, "faq_answer": "可以，需提供租赁备案证明。"})
        entries = await FaqEntry.all()
        assert [e.answer for e in entries] == ["可以，需提供租赁备案证明。"]


class TestOwnCasesOnly:
    @pytest.mark.asyncio
    async def test_another_resident_finds_nothing(self, app: FastAPI, catalog: None) -> None:
        owner = await resident()
        other = await resident("13900139000")
        no = (await submitted(app, owner))["case_no"]
        await answered(app, no)
        for action, extra in (
            ("detail", {}),
            ("withdraw", {}),
            ("reopen", {"reason": "想看看别人的"}),
            ("confirm", {}),
        ):
            result = await as_resident(app, action, {"case_no": no, **extra}, other)
            assert refused(result) == "CONSULTATION_NOT_FOUND", action
        assert ok(await as_resident(app, "mine", {}, other))["items"] == []
        assert ok(await as_resident(app, "detail", {"case_no": no}, owner))["state"] == "answered"


class TestSeed:
    @pytest.mark.asyncio
    async def test_demo_cases_and_faq_once(self, app: FastAPI, catalog: None) -> None:
        assert await seed_consultations(lambda _: None) == 4
        assert await seed_consultations(lambda _: None) == 0
        assert await Case.all().count() == 4
        listed = ok(await anonymous(app, "faq", {}))
        assert len(listed["items"]) == 2
        assert "13800138000" not in json.dumps(listed, ensure_ascii=False)
