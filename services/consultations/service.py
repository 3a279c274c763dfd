"""Consultations, complaints and suggestions (12345-style): a resident writes to a department,
which answers within a time limit counted in working days on the city's calendar; the resident
may reopen an answered case once, within a window, or confirm it; answers to consultations,
reworded for the public, make the FAQ.

Staff see and act on the cases of the departments their scopes cover, as with applications;
a case passed to a department outside them leaves their inbox.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from channels.identity.crypto import open_optional, open_text, seal_optional, seal_text
from channels.identity.service import identity
from config.database import unit_of_work
from gateway.paging import Page, PageParams, cursor_id, cursor_key, decode_cursor, key_of, page_of
from gateway.schemas import Channel, StaffPrincipal
from notify.events import Event, emit
from services.appointments.service import working_deadline
from services.catalog.errors import DepartmentNotFound, ItemNotFound
from services.catalog.models import Department
from services.catalog.scope import department_covered, departments_covered
from services.consultations import repository as repo
from services.consultations.errors import (
    CaseNotFound,
    FaqNotAllowed,
    FaqNotFound,
    FaqPersonalData,
    MoveNotAllowed,
    NotAnswered,
    ReopenExpired,
    ReopenUsed,
    TransferSame,
)
from services.consultations.models import (
    ANSWER_PURPOSE,
    EVENT_TEXT_PURPOSE,
    OPEN_STATES,
    TEXT_PURPOSE,
    TITLE_PURPOSE,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    ContactPreference,
    FaqEntry,
)
from services.consultations.schemas import (
    AnswerParams,
    CaseRead,
    CaseSummary,
    FaqRead,
    FaqSearchParams,
    InboxParams,
    StaffCaseRead,
    SubmitParams,
    TimelineEntry,
)
from services.consultations.settings import consultation_settings

logger = logging.getLogger(__name__)
R = TypeVar("R", bound=CaseRead)

KIND_NAMES: dict[CaseKind, tuple[str, str]] = {
    CaseKind.CONSULTATION: ("咨询", "consultation"),
    CaseKind.COMPLAINT: ("投诉", "complaint"),
    CaseKind.SUGGESTION: ("建议", "suggestion"),
}
# What a public text must never hold: a mobile number or an ID number of anyone.
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_case_no(now: datetime) -> str:
    return f"GD{now:%y%m%d}{secrets.token_hex(5).upper()}"


async def deadline(moment: datetime, kind: CaseKind) -> datetime:
    """The end of the last working day of the kind's time limit, counted from the local day of
    `moment` (which itself does not count) on the city's working-day calendar."""
    settings = consultation_settings()
    return await working_deadline(moment, settings.days_for(kind), settings.zone)


def personal_data_in(text: str, name: str | None, phone: str | None) -> str | None:
    """What personal data a public text holds, if any: the resident's name or phone, or any
    mobile or ID number."""
    if phone and phone in text or MOBILE.search(text):
        return "phone"
    if ID_NUMBER.search(text):
        return "id_number"
    if name and len(name) >= 2 and name in text:
        return "name"
    return None


class Actor(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"  # GovHub itself: closing an answered case once its reopen window passed


@dataclass(frozen=True, slots=True)
class Move:
    sources: frozenset[CaseState]
    target: CaseState | None  # None: the state stays (a transfer)
    actor: Actor


MOVES: dict[str, Move] = {
    "withdraw": Move(frozenset(OPEN_STATES), CaseState.WITHDRAWN, Actor.RESIDENT),
    "reopen": Move(frozenset({CaseState.ANSWERED}), CaseState.REOPENED, Actor.RESIDENT),
    "confirm": Move(frozenset({CaseState.ANSWERED}), CaseState.CLOSED, Actor.RESIDENT),
    "answer": Move(frozenset(OPEN_STATES), CaseState.ANSWERED, Actor.STAFF),
    "transfer": Move(frozenset(OPEN_STATES), None, Actor.STAFF),
    "auto_close": Move(frozenset({CaseState.ANSWERED}), CaseState.CLOSED, Actor.SYSTEM),
}


def reopen_until(case: Case) -> datetime | None:
    if case.state is not CaseState.ANSWERED or case.reopened_at is not None:
        return None
    assert case.answered_at is not None
    return case.answered_at + timedelta(days=consultation_settings().reopen_days)


def overdue(case: Case, now: datetime) -> bool:
    return case.state in OPEN_STATES and now > case.due_at


class ConsultationService:
    # ------------------------------------------------------------------ the resident

    async def submit(self, citizen_id: int, params: SubmitParams, channel: Channel) -> CaseRead:
        department_id = await self._addressee(params.department, params.item)
        now = utcnow()
        async with unit_of_work():
            case = await repo.insert_case(
                case_no=new_case_no(now),
                citizen_id=citizen_id,
                channel=channel.value,
                kind=params.kind,
                department_id=department_id,
                item_code=params.item,
                title_cipher=seal_text(params.title, TITLE_PURPOSE),
                text_cipher=seal_text(params.text, TEXT_PURPOSE),
                contact=params.contact,
                due_at=await deadline(now, params.kind),
            )
            await repo.add_event(
                case.id,
                "submit",
                CaseState.SUBMITTED,
                CaseState.SUBMITTED,
                Actor.RESIDENT.value,
                citizen_id,
                department_id,
                None,
                now,
            )
        return await self._read(case, Actor.RESIDENT, CaseRead)

    async def _addressee(self, department: str | None, item: str | None) -> int:
        """The department named, else the one handling the item named."""
        handling = None
        if item is not None:
            handling = await repo.item_department(item)
            if handling is None:
                raise ItemNotFound(item)
        if department is None:
            assert handling is not None
            return handling
        found = await repo.department_by_code(department)
        if found is None:
            raise DepartmentNotFound(department)
        return found.id

    async def mine(self, citizen_id: int, params: PageParams) -> Page[CaseSummary]:
        before_id = cursor_id(decode_cursor(params.cursor), "before_id")
        rows = await repo.cases_of(citizen_id, before_id, params.limit + 1)
        page = page_of(rows, params.limit, lambda case: {"before_id": case.id})
        return Page[CaseSummary](
            items=await self._summaries(page.items), next_cursor=page.next_cursor
        )

    async def view_own(self, citizen_id: int, case_no: str) -> CaseRead:
        return await self._read(await self._own(citizen_id, case_no), Actor.RESIDENT, CaseRead)

    async def withdraw(self, citizen_id: int, case_no: str, reason: str | None) -> CaseRead:
        case = await self._own(citizen_id, case_no)
        await self._move(case, "withdraw", citizen_id, reason)
        return await self._read(case, Actor.RESIDENT, CaseRead)

    async def reopen(self, citizen_id: int, case_no: str, reason: str) -> CaseRead:
        """Once per case, after an answer and within `reopen_days` of it: the department
        answers again, with a fresh time limit."""
        case = await self._own(citizen_id, case_no)
        if case.state in (CaseState.CLOSED, CaseState.WITHDRAWN):
            raise MoveNotAllowed(state=case.state.value, move="reopen")
        if case.reopened_at is not None:
            raise ReopenUsed()
        if case.state is not CaseState.ANSWERED:
            raise NotAnswered()
        now = utcnow()
        until = reopen_until(case)
        if until is None or now > until:
            raise ReopenExpired(days=consultation_settings().reopen_days)
        await self._move(
            case,
            "reopen",
            citizen_id,
            reason,
            now,
            reopened_at=now,
            due_at=await deadline(now, case.kind),
        )
        return await self._read(case, Actor.RESIDENT, CaseRead)

    async def confirm(self, citizen_id: int, case_no: str, comment: str | None) -> CaseRead:
        """Satisfied: the case is closed and can no longer be reopened."""
        case = await self._own(citizen_id, case_no)
        if case.state in OPEN_STATES:
            raise NotAnswered()
        now = utcnow()
        await self._move(case, "confirm", citizen_id, comment, now, closed_at=now)
        return await self._read(case, Actor.RESIDENT, CaseRead)

    async def _own(self, citizen_id: int, case_no: str) -> Case:
        case = await repo.case_by_no(case_no)
        if case is None or case.citizen_id != citizen_id:
            raise CaseNotFound()  # another resident's case looks the same as none
        return case

    # ------------------------------------------------------------------ by itself

    async def close_answered(self, now: datetime | None = None, limit: int = 200) -> int:
        """Closes the answered cases whose reopen window has passed, neither reopened nor
        confirmed by the resident, each with its timeline entry (actor `system`); how many.

        A sweep, safe to run late, twice, or in two workers at once: each close is one
        conditional update (still answered, by the same answer), and a case that another run,
        or the resident, moved first is left as it is."""
        now = now or utcnow()
        days = consultation_settings().reopen_days
        closed = 0
        for case in await repo.answered_before(now - timedelta(days=days), limit):
            try:
                await self._move(
                    case,
                    "auto_close",
                    None,
                    f"答复后{days}日内未申请重新办理，工单自动办结",
                    now,
                    unchanged=("answered_at",),
                    closed_at=now,
                )
            except MoveNotAllowed:
                continue
            closed += 1
        return closed

    # ------------------------------------------------------------------ staff

    async def inbox(self, staff: StaffPrincipal, params: InboxParams) -> Page[CaseSummary]:
        after = cursor_key(decode_cursor(params.cursor), "after")
        now = utcnow()
        rows = await repo.inbox(
            await departments_covered(staff),
            params.state,
            params.kind,
            now if params.overdue else None,
            after,
            params.limit + 1,
        )
        page = page_of(rows, params.limit, lambda case: {"after": key_of(case.due_at, case.id)})
        return Page[CaseSummary](
            items=await self._summaries(page.items), next_cursor=page.next_cursor
        )

    async def view_as_staff(self, staff: StaffPrincipal, case_no: str) -> StaffCaseRead:
        return await self._read(await self._covered(staff, case_no), Actor.STAFF, StaffCaseRead)

    async def answer(self, staff: StaffPrincipal, params: AnswerParams) -> StaffCaseRead:
        """Answers the resident (told through notify); a consultation's answer may also go to
        the FAQ, in wording for the public that holds nothing personal."""
        case = await self._covered(staff, params.case_no)
        public = await self._public_wording(case, params) if params.publish_faq else None
        now = utcnow()
        async with unit_of_work():
            await self._move(
                case,
                "answer",
                staff.staff_id,
                params.text,
                now,
                answer_cipher=seal_text(params.text, ANSWER_PURPOSE),
                answered_at=now,
            )
            if public is not None:
                await repo.publish_faq(case, *public, now)
        return await self._read(case, Actor.STAFF, StaffCaseRead)

    @staticmethod
    async def _public_wording(case: Case, params: AnswerParams) -> tuple[str, str]:
        """The FAQ question and answer, refused unless the case is a consultation and the
        wording holds nothing personal."""
        if case.kind is not CaseKind.CONSULTATION:
            raise FaqNotAllowed()
        question, answer = params.faq_question or "", params.faq_answer or ""
        name, phone = await identity.name_and_phone(case.citizen_id)
        found = personal_data_in(f"{question}\n{answer}", name, phone)
        if found is not None:
            raise FaqPersonalData(found=found)
        return question, answer

    async def transfer(
        self, staff: StaffPrincipal, case_no: str, department: str, reason: str
    ) -> StaffCaseRead:
        """Passes an open case to another department (the resident is told); its deadline
        stays, so passing a case on never makes the resident wait longer."""
        case = await self._covered(staff, case_no)
        target = await repo.department_by_code(department)
        if target is None:
            raise DepartmentNotFound(department)
        if target.id == case.department_id:
            raise TransferSame()
        await self._move(case, "transfer", staff.staff_id, reason, to_department=target.id)
        return await self._read(case, Actor.STAFF, StaffCaseRead)

    async def _covered(self, staff: StaffPrincipal, case_no: str) -> Case:
        case = await repo.case_by_no(case_no)
        if case is None or not await department_covered(staff, case.department_id):
            raise CaseNotFound()  # out of scope looks the same as absent
        return case

    # ------------------------------------------------------------------ the public

    async def faq(self, params: FaqSearchParams) -> Page[FaqRead]:
        department_id = None
        if params.department is not None:
            found = await repo.department_by_code(params.department)
            if found is None:
                raise DepartmentNotFound(params.department)
            department_id = found.id
        before_id = cursor_id(decode_cursor(params.cursor), "before_id")
        rows = await repo.faq_search(
            (params.q or "").strip() or None,
            department_id,
            params.item,
            before_id,
            params.limit + 1,
        )
        page = page_of(rows, params.limit, lambda entry: {"before_id": entry.id})
        return Page[FaqRead](items=await self._faq_reads(page.items), next_cursor=page.next_cursor)

    async def faq_item(self, faq_id: int) -> FaqRead:
        entry = await repo.faq_by_id(faq_id)
        if entry is None:
            raise FaqNotFound()
        return (await self._faq_reads([entry]))[0]

    async def _faq_reads(self, entries: list[FaqEntry]) -> list[FaqRead]:
        departments = await repo.departments_by_id(e.department_id for e in entries)
        return [
            FaqRead(
                id=e.id,
                question=e.question,
                answer=e.answer,
                department=departments[e.department_id].code,
                department_name=departments[e.department_id].name,
                item_code=e.item_code,
                published_at=e.published_at,
            )
            for e in entries
        ]

    # ------------------------------------------------------------------ moves and views

    async def _move(
        self,
        case: Case,
        name: str,
        actor_id: int | None,
        text: str | None,
        now: datetime | None = None,
        to_department: int | None = None,
        unchanged: tuple[str, ...] = (),
        **changes: object,
    ) -> None:
        """One step: a conditional update (nobody moved the case meanwhile, nor changed the
        `unchanged` columns), its timeline entry and, for the department's answer or transfer,
        the resident's message."""
        move = MOVES[name]
        if case.state not in move.sources:
            raise MoveNotAllowed(state=case.state.value, move=name)
        now = now or utcnow()
        target = move.target or case.state
        department_id = to_department or case.department_id
        async with unit_of_work():
            expected = {column: getattr(case, column) for column in unchanged}
            moved = await repo.transition(
                case, target, expected, department_id=department_id, **changes
            )
            if not moved:
                raise MoveNotAllowed(state=case.state.value, move=name)
            event_id = await repo.add_event(
                case.id,
                name,
                case.state,
                target,
                move.actor.value,
                actor_id,
                department_id,
                seal_optional(text, EVENT_TEXT_PURPOSE),
                now,
            )
            if name in ("answer", "transfer"):
                await self._tell(case, name, department_id, event_id)
        logger.info("case %s: %s → %s (%s)", case.case_no, case.state, target, name)
        case.state, case.department_id = target, department_id
        for field, value in changes.items():
            setattr(case, field, value)

    async def _tell(self, case: Case, move: str, department_id: int, event_id: int) -> None:
        department = (await repo.departments_by_id([department_id]))[department_id]
        kind, kind_en = KIND_NAMES[case.kind]
        await emit(
            Event.CONSULTATION_ANSWERED if move == "answer" else Event.CONSULTATION_TRANSFERRED,
            case.citizen_id,
            {
                "kind": kind,
                "kind_en": kind_en,
                "case_no": case.case_no,
                "department": department.name,
            },
            channel=case.channel,
            dedupe_key=f"consultation:{case.case_no}:{event_id}",
        )

    def _moves(self, case: Case, actor: Actor, now: datetime) -> list[str]:
        moves = [
            name
            for name, move in MOVES.items()
            if move.actor is actor and case.state in move.sources
        ]
        until = reopen_until(case)
        if "reopen" in moves and (until is None or now > until):
            moves.remove("reopen")
        return moves

    async def _summaries(self, cases: list[Case]) -> list[CaseSummary]:
        departments = await repo.departments_by_id(c.department_id for c in cases)
        now = utcnow()
        return [self._summary(c, departments, now) for c in cases]

    @staticmethod
    def _summary(case: Case, departments: dict[int, Department], now: datetime) -> CaseSummary:
        return CaseSummary(
            case_no=case.case_no,
            kind=case.kind,
            state=case.state,
            title=open_text(case.title_cipher, TITLE_PURPOSE),
            department=departments[case.department_id].code,
            department_name=departments[case.department_id].name,
            item_code=case.item_code,
            submitted_at=case.created_at,
            due_at=case.due_at,
            overdue=overdue(case, now),
        )

    async def _read(self, case: Case, actor: Actor, read: type[R]) -> R:
        fresh = await repo.case_by_no(case.case_no)
        assert fresh is not None
        events = await repo.events_of(fresh.id)
        departments = await repo.departments_by_id(
            [fresh.department_id, *(e.department_id for e in events)]
        )
        now = utcnow()
        extra: dict[str, object] = {}
        if read is StaffCaseRead:
            phone = None
            if fresh.contact is ContactPreference.PHONE:
                phone = (await identity.name_and_phone(fresh.citizen_id))[1]
            extra["callback_phone"] = phone
        return read(
            **self._summary(fresh, departments, now).model_dump(),
            text=open_text(fresh.text_cipher, TEXT_PURPOSE),
            contact=fresh.contact,
            answer=open_optional(fresh.answer_cipher, ANSWER_PURPOSE),
            answered_at=fresh.answered_at,
            reopened=fresh.reopened_at is not None,
            reopen_until=reopen_until(fresh),
            closed_at=fresh.closed_at,
            moves=self._moves(fresh, actor, now),
            timeline=_timeline(events, departments),
            **extra,
        )


def _timeline(
    events: Iterable[CaseEvent], departments: dict[int, Department]
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for event in events:
        department = departments[event.department_id]
        entries.append(
            TimelineEntry(
                move=event.move,
                from_state=CaseState(event.from_state),
                to_state=CaseState(event.to_state),
                actor_type=event.actor_type,
                department=department.code,
                department_name=department.name,
                text=open_optional(event.text_cipher, EVENT_TEXT_PURPOSE),
                at=event.at,
            )
        )
    return entries


consultations = ConsultationService()
