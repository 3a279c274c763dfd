"""Rating handled matters: once each, by the owner only, once handled; the 差评 rectification with
its working-day deadline, call-back and close; overdue cases; appeals; statistics and ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
import pytest
from fastapi import FastAPI
from tortoise import connections

from notify.models import Notification
from services.applications.models import Application
from services.appointments.models import CalendarDay, DayKind
from services.catalog.models import Department
from services.queue.models import TicketStatus
from services.ratings.matters import SOURCES, MatterKind
from services.ratings.models import CaseState
from services.ratings.schemas import CallbackParams, CasesParams, CloseParams, RateParams
from services.ratings.seed import seed_ratings
from services.ratings.service import RatingService, month_of
from tests.appointments.factories import citizen, make_place
from tests.ratings.conftest import (
    application,
    call,
    checked_in,
    items_of_departments,
    officer,
    ok,
    resident,
    ticket,
)

AUDIT = "ratings.audit"


def rate_params(kind: str, reference: str, level: int, **more: object) -> dict[str, object]:
    return {"kind": kind, "reference": reference, "level": level, **more}


def this_month() -> dict[str, str]:
    month = month_of(datetime.now(UTC))
    return {"from_month": month, "to_month": month}


class TestEveryKindHasASource:
    def test_each_kind_resolves(self) -> None:
        assert set(SOURCES) == set(MatterKind)


class TestRate:
    @pytest.mark.asyncio
    async def test_a_completed_application_is_rated_once(
        self, app: FastAPI, catalogue: None
    ) -> None:
        me = await resident()
        no = await application(me)
        pending = ok(await call(app, "pending", {}, citizen(me)))["items"]
        assert [(m["kind"], m["reference"]) for m in pending] == [("application", no)]

        params = rate_params("application", no, 5, reasons=["efficient", "efficient"])
        rated = ok(await call(app, "rate", params, citizen(me)))
        assert rated["grade"] == "very_satisfied"
        assert rated["grade_name"] == "非常满意"
        assert [r["code"] for r in rated["reasons"]] == ["efficient"]
        assert rated["case_state"] is None  # a good rating opens no case

        again = await call(app, "rate", rate_params("application", no, 1), citizen(me))
        assert again.code == "RATING_ALREADY_GIVEN"
        assert ok(await call(app, "pending", {}, citizen(me)))["items"] == []
        mine = ok(await call(app, "mine", {}, citizen(me)))
        assert [r["rating_no"] for r in mine["items"]] == [rated["rating_no"]]

    @pytest.mark.asyncio
    async def test_a_matter_not_handled_yet_is_refused(self, app: FastAPI, catalogue: None) -> None:
        me = await resident()
        no = await application(me, state="in_review")
        refused = await call(app, "rate", rate_params("application", no, 4), citizen(me))
        assert refused.code == "RATING_NOT_HANDLED"
        place = await make_place()
        waiting = await ticket(place, me, TicketStatus.WAITING)
        refused = await call(
            app, "rate", rate_params("queue_ticket", str(waiting.id), 4), citizen(me)
        )
        assert refused.code == "RATING_NOT_HANDLED"

    @pytest.mark.asyncio
    async def test_another_residents_matter_is_not_found(
        self, app: FastAPI, catalogue: None
    ) -> None:
        owner, other = await resident(), await resident()
        no = await application(owner)
        served = await ticket(await make_place(), owner)
        for kind, reference in (("application", no), ("queue_ticket", str(served.id))):
            refused = await call(app, "rate", rate_params(kind, reference, 1), citizen(other))
            assert refused.code == "RATING_MATTER_NOT_FOUND"
        assert ok(await call(app, "pending", {}, citizen(other)))["items"] == []
        missing = await call(app, "rate", rate_params("appointment", "999999", 3), citizen(owner))
        assert missing.code == "RATING_MATTER_NOT_FOUND"
        anonymous = await call(app, "rate", rate_params("application", no, 5))
        assert anonymous.code == "LOGIN_REQUIRED"

    @pytest.mark.asyncio
    async def test_reasons_must_belong_to_the_grade(self, app: FastAPI, catalogue: None) -> None:
        me = await resident()
        no = await application(me)
        refused = await call(
            app, "rate", rate_params("application", no, 5, reasons=["slow"]), citizen(me)
        )
        assert refused.code == "RATING_REASON_INVALID"
        grades = ok(await call(app, "grades", {}))
        assert [g["level"] for g in grades] == [5, 4, 3, 2, 1]
        assert [g["opens_case"] for g in grades] == [False, False, False, True, True]

    @pytest.mark.asyncio
    async def test_a_served_number_is_rated_and_a_booking_visit_only_once(
        self, app: FastAPI, catalogue: None
    ) -> None:
        me = await resident()
        place = await make_place()
        served = await ticket(place, me)
        rated = ok(
            await call(app, "rate", rate_params("queue_ticket", str(served.id), 4), citizen(me))
        )
        assert rated["item_code"] == place.item.code

        booking = await checked_in(place, me)
        from_booking = await ticket(place, me, appointment_id=booking.id)
        pending = ok(await call(app, "pending", {}, citizen(me)))["items"]
        assert [(m["kind"], m["reference"]) for m in pending] == [("appointment", str(booking.id))]
        via_number = rate_params("queue_ticket", str(from_booking.id), 3)
        assert ok(await call(app, "rate", via_number, citizen(me)))["kind"] == "appointment"
        again = await call(app, "rate", rate_params("appointment", str(booking.id), 5), citizen(me))
        assert again.code == "RATING_ALREADY_GIVEN"


class TestRectification:
    @pytest.mark.asyncio
    async def test_a_bad_rating_opens_a_case_due_in_working_days(
        self, app: FastAPI, catalogue: None
    ) -> None:
        """Thursday 26 September 2030: Sunday the 29th is worked, 1-7 October are the National
        Day holidays, so the 15th working day after is Wednesday 23 October."""
        for day in range(1, 8):
            await CalendarDay.create(day=date(2030, 10, day), kind=DayKind.HOLIDAY, name="国庆节")
        await CalendarDay.create(day=date(2030, 9, 29), kind=DayKind.WORKDAY, name="国庆节")
        me = await resident()
        no = await application(me)
        at = datetime(2030, 9, 26, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
        service = RatingService(clock=lambda: at)
        rated = await service.rate(me, "app", RateParams(kind="application", reference=no, level=2))
        assert rated.case_state is CaseState.OPEN
        staff = officer(None)
        case = (await service.cases(staff, CasesParams())).items[0]
        assert case.due_on == date(2030, 10, 23)
        assert case.overdue is False

    @pytest.mark.asyncio
    async def test_call_back_then_close_tells_the_resident(
        self, app: FastAPI, catalogue: None
    ) -> None:
        me = await resident()
        no = await application(me)
        department = (await Application.get(application_no=no)).department_id
        params = rate_params("application", no, 1, reasons=["extra_trips"], comment="跑了三次")
        rating_no = ok(await call(app, "rate", params, citizen(me)))["rating_no"]
        staff = officer(department)

        inbox = ok(await call(app, "cases", {"state": "open"}, staff))["items"]
        assert [c["rating_no"] for c in inbox] == [rating_no]
        detail = ok(await call(app, "case", {"rating_no": rating_no}, staff))
        assert detail["resident_phone"] is not None
        assert detail["comment"] == "跑了三次"

        close = {"rating_no": rating_no, "outcome": "rectified", "note": "已优化流程，一次办结"}
        early = await call(app, "close", close, staff)
        assert early.code == "RATING_CALLBACK_REQUIRED"
        back = {"rating_no": rating_no, "resident_said": "希望减少跑动", "resident_satisfied": True}
        called = ok(await call(app, "callback", back, staff))
        assert called["state"] == "called_back"
        assert called["callback"]["staff"] == staff.username
        assert called["callback"]["resident_said"] == "希望减少跑动"
        stored = orjson.dumps(
            await connections.get("default").execute_query_dict(
                "SELECT * FROM ratings_rating, ratings_case"
            ),
            default=str,
        ).decode()
        assert "跑了三次" not in stored  # sealed at rest
        assert "希望减少跑动" not in stored

        closed = ok(await call(app, "close", close, staff))
        assert (closed["state"], closed["outcome"], closed["on_time"]) == (
            "closed",
            "rectified",
            True,
        )
        told = await Notification.filter(citizen_id=me, event="rating_case_closed").count()
        assert told == 1
        assert (await call(app, "close", close, staff)).code == "RATING_CASE_CLOSED"
        mine = ok(await call(app, "mine", {}, citizen(me)))["items"][0]
        assert (mine["case_state"], mine["case_outcome"]) == ("closed", "rectified")

    @pytest.mark.asyncio
    async def test_another_department_neither_sees_nor_touches_the_case(
        self, app: FastAPI, catalogue: None
    ) -> None:
        (item, department), (_, elsewhere) = await items_of_departments(2)
        me = await resident()
        no = await application(me, item)
        rating_no = ok(await call(app, "rate", rate_params("application", no, 2), citizen(me)))[
            "rating_no"
        ]
        stranger = officer(elsewhere, "ratings.manage", AUDIT)
        assert ok(await call(app, "cases", {}, stranger))["items"] == []
        assert ok(await call(app, "appeals", {"state": None}, stranger))["items"] == []
        attempts = {
            "case": {"rating_no": rating_no},
            "callback": {"rating_no": rating_no, "resident_said": "…"},
            "close": {"rating_no": rating_no, "outcome": "explained", "note": "…"},
            "appeal": {"rating_no": rating_no, "reason": "不是本部门的事项"},
            "review": {"rating_no": rating_no, "decision": "uphold", "note": "…"},
        }
        for action, params in attempts.items():
            assert (await call(app, action, params, stranger)).code == "RATING_NOT_FOUND", action
        assert (await call(app, "cases", {}, citizen(me))).code == "STAFF_ONLY"
        assert (
            ok(await call(app, "cases", {}, officer(department)))["items"][0]["rating_no"]
            == rating_no
        )

    @pytest.mark.asyncio
    async def test_a_case_past_its_deadline_is_overdue_and_closed_late(
        self, app: FastAPI, catalogue: None
    ) -> None:
        me = await resident()
        no = await application(me)
        at = datetime(2031, 3, 3, 2, 0, tzinfo=UTC)
        opened = RatingService(clock=lambda: at)
        rated = await opened.rate(me, "app", RateParams(kind="application", reference=no, level=1))
        staff = officer(None)
        assert (await opened.cases(staff, CasesParams(overdue=True))).items == []

        later = RatingService(clock=lambda: at + timedelta(days=40))
        overdue = (await later.cases(staff, CasesParams(overdue=True))).items
        assert [c.rating_no for c in overdue] == [rated.rating_no]
        assert overdue[0].overdue is True
        await later.callback(staff, CallbackParams(rating_no=rated.rating_no, resident_said="…"))
        closed = await later.close(
            staff, CloseParams(rating_no=rated.rating_no, outcome="explained", note="已解释")
        )
        assert (closed.on_time, closed.overdue) == (False, False)
        assert (await later.cases(staff, CasesParams(overdue=True))).items == []


class TestAppeals:
    @pytest.mark.asyncio
    async def test_an_upheld_appeal_leaves_the_statistics(
        self, app: FastAPI, catalogue: None
    ) -> None:
        me = await resident()
        good, bad = await application(me), await application(me)
        department = (await Application.get(application_no=bad)).department_id
        ok(await call(app, "rate", rate_params("application", good, 5), citizen(me)))
        bad_no = ok(await call(app, "rate", rate_params("application", bad, 1), citizen(me)))[
            "rating_no"
        ]
        before = ok(await call(app, "stats", this_month()))["items"][0]
        assert (before["total"], before["satisfaction_rate"]) == (2, 0.5)
        assert before["counts"]["very_dissatisfied"] == 1

        staff = officer(department)
        appealed = ok(
            await call(
                app, "appeal", {"rating_no": bad_no, "reason": "评价人并未到窗口办理"}, staff
            )
        )
        assert appealed["state"] == "pending"
        twice = await call(app, "appeal", {"rating_no": bad_no, "reason": "再次申诉原因"}, staff)
        assert twice.code == "RATING_APPEAL_EXISTS"
        review = {"rating_no": bad_no, "decision": "uphold", "note": "经核实属恶意差评"}
        assert (await call(app, "review", review, staff)).code == "PERMISSION_DENIED"

        supervisor = officer(None, AUDIT, staff_id=31)
        queue = ok(await call(app, "appeals", {}, supervisor))["items"]
        assert [a["rating_no"] for a in queue] == [bad_no]
        assert ok(await call(app, "review", review, supervisor))["state"] == "upheld"
        assert (await call(app, "review", review, supervisor)).code == "RATING_APPEAL_DECIDED"

        after = ok(await call(app, "stats", this_month()))["items"][0]
        assert (after["total"], after["satisfaction_rate"]) == (1, 1.0)
        assert after["cases"] == 0  # the withdrawn case is not counted
        case = ok(await call(app, "case", {"rating_no": bad_no}, staff))
        assert (case["state"], case["outcome"], case["appeal_state"]) == (
            "closed",
            "withdrawn",
            "upheld",
        )

    @pytest.mark.asyncio
    async def test_a_rejected_appeal_leaves_the_rating_counted(
        self, app: FastAPI, catalogue: None
    ) -> None:
        me = await resident()
        no = await application(me)
        rating_no = ok(await call(app, "rate", rate_params("application", no, 2), citizen(me)))[
            "rating_no"
        ]
        ok(
            await call(
                app, "appeal", {"rating_no": rating_no, "reason": "认为评价不客观"}, officer(None)
            )
        )
        review = {"rating_no": rating_no, "decision": "reject", "note": "理由不成立"}
        assert ok(await call(app, "review", review, officer(None, AUDIT)))["state"] == "rejected"
        stats = ok(await call(app, "stats", this_month()))["items"][0]
        assert (stats["total"], stats["satisfaction_rate"], stats["cases"]) == (1, 0.0, 1)


class TestStatistics:
    @pytest.mark.asyncio
    async def test_departments_and_items_rank_by_satisfaction(
        self, app: FastAPI, catalogue: None
    ) -> None:
        places = await items_of_departments(3)
        levels = {0: (5, 4, 3, 2), 1: (5, 5, 5, 4), 2: (1, 5)}  # 75 %, 100 %, 50 % (too few)
        for position, (item, _) in enumerate(places):
            for level in levels[position]:
                me = await resident()
                no = await application(me, item)
                ok(await call(app, "rate", rate_params("application", no, level), citizen(me)))

        params = {**this_month(), "min_count": 3}
        ranking = ok(await call(app, "ranking", params))
        assert (ranking["by"], ranking["min_count"]) == ("department", 3)
        code = {d.id: d.code for d in await Department.filter(id__in=[p[1] for p in places])}
        expected = [code[places[1][1]], code[places[0][1]]]  # the third has too few ratings
        assert [r["code"] for r in ranking["rows"]] == expected
        assert [r["satisfaction_rate"] for r in ranking["rows"]] == [1.0, 0.75]
        assert [r["rank"] for r in ranking["rows"]] == [1, 2]
        items = ok(await call(app, "ranking", {**params, "by": "item"}))
        assert [r["code"] for r in items["rows"]] == [places[1][0], places[0][0]]

        stats = ok(await call(app, "stats", this_month()))
        few = next(r for r in stats["departments"] if r["code"] == code[places[2][1]])
        assert (few["total"], few["satisfaction_rate"], few["cases"]) == (2, 0.5, 1)

    @pytest.mark.asyncio
    async def test_statistics_carry_no_personal_data(self, app: FastAPI, catalogue: None) -> None:
        me = await resident("13712345678")
        no = await application(me)
        params = rate_params("application", no, 2, comment="窗口人员态度差")
        rating_no = ok(await call(app, "rate", params, citizen(me)))["rating_no"]
        stats = ok(await call(app, "stats", this_month()))
        text = orjson.dumps(stats).decode()
        for private in (rating_no, no, "13712345678", "窗口人员态度差", "citizen", "reference"):
            assert private not in text
        refused = await call(app, "stats", {"from_month": "2031-05", "to_month": "2031-01"})
        assert refused.code == "VALIDATION_FAILED"

    @pytest.mark.asyncio
    async def test_the_demo_ratings_show_once(self, app: FastAPI, catalogue: None) -> None:
        assert await seed_ratings(lambda _: None) > 0
        assert await seed_ratings(lambda _: None) == 0
        now = datetime.now(UTC)
        months = {"from_month": month_of(now - timedelta(days=62)), "to_month": month_of(now)}
        stats = ok(await call(app, "stats", months))
        assert stats["departments"]
        assert sum(row["total"] for row in stats["items"]) == 48
        ranking = ok(await call(app, "ranking", months))
        assert ranking["rows"]
