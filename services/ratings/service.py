"""Ratings (好差评): the resident rates each handled matter once; a 差评 opens a rectification
case the department closes within the working-day limit, after calling the resident back; a
department may appeal a rating, and an upheld appeal leaves it out of the statistics.

Staff see only ratings of the departments their scopes cover (as online applications do); any
other answers as not found.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from channels.identity.crypto import open_optional, seal_optional, seal_text
from channels.identity.service import phone_of_citizen
from config.database import unit_of_work
from gateway.paging import BEIJING, Page, PageParams, cursor_id, decode_cursor, page_of
from gateway.schemas import StaffPrincipal
from notify.events import Event, emit
from services.appointments.calendar import local_today
from services.appointments.service import working_days_after
from services.catalog.scope import department_covered, departments_covered
from services.ratings import repository as repo
from services.ratings.errors import (
    AlreadyRated,
    AppealDecided,
    AppealExists,
    AppealNotFound,
    CallbackRequired,
    CaseClosed,
    CaseNotFound,
    MatterNotFound,
    NotHandled,
    RatingNotFound,
    ReasonInvalid,
)
from services.ratings.grades import (
    CASE_LEVELS,
    GRADE_NAMES,
    GRADE_OF_LEVEL,
    REASONS,
    SATISFIED_LEVELS,
    grade_of,
    reasons_of,
)
from services.ratings.matters import SOURCES, Matter, MatterKind, MatterSource
from services.ratings.models import (
    COMMENT,
    RESIDENT_SAID,
    AppealState,
    CaseOutcome,
    CaseState,
    Rating,
    RatingAppeal,
    RectificationCase,
)
from services.ratings.schemas import (
    AppealRead,
    AppealsParams,
    CallbackParams,
    CallbackRead,
    CaseDetail,
    CaseRead,
    CasesParams,
    CloseParams,
    GradeCounts,
    GradeRead,
    MonthRange,
    PendingList,
    PendingMatter,
    Ranking,
    RankingParams,
    RankingRow,
    RateParams,
    RatingRead,
    RatingStats,
    ReasonRead,
    ReviewParams,
    StatRow,
)
from services.ratings.settings import RatingSettings, rating_settings

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
OUTCOME_NAMES: dict[CaseOutcome, str] = {
    CaseOutcome.RECTIFIED: "已整改",
    CaseOutcome.EXPLAINED: "已解释说明",
    CaseOutcome.UNFOUNDED: "情况不属实",
    CaseOutcome.WITHDRAWN: "申诉成立",
}
OPEN_STATES = (CaseState.OPEN, CaseState.CALLED_BACK)
# Holidays longer than this stretch a working-day deadline no further than the calendar read.


def utcnow() -> datetime:
    return datetime.now(UTC)


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(BEIJING):%Y-%m}"


def new_rating_no(now: datetime) -> str:
    return f"PJ{now:%y%m%d}{secrets.token_hex(5).upper()}"


def reason_reads(level: int, codes: Iterable[str]) -> list[ReasonRead]:
    known = reasons_of(level)
    return [
        ReasonRead(code=code, name=known[code].name, name_en=known[code].name_en)
        if code in known
        else ReasonRead(code=code, name=code, name_en=code)
        for code in codes
    ]


def rate_of(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


@dataclass(slots=True)
class _Tally:
    counts: GradeCounts = field(default_factory=GradeCounts)
    total: int = 0
    satisfied: int = 0
    cases: int = 0
    due: int = 0
    on_time: int = 0


class RatingService:
    """`settings`, `clock` and the matter sources default to the configured ones."""

    def __init__(
        self,
        settings: RatingSettings | None = None,
        clock: Clock = utcnow,
        sources: dict[MatterKind, MatterSource] = SOURCES,
    ) -> None:
        self._settings = settings
        self.clock = clock
        self.sources = sources

    @property
    def settings(self) -> RatingSettings:
        return self._settings or rating_settings()

    @staticmethod
    def grades() -> list[GradeRead]:
        return [
            GradeRead(
                level=level,
                grade=grade,
                name=GRADE_NAMES[grade][0],
                name_en=GRADE_NAMES[grade][1],
                opens_case=level in CASE_LEVELS,
                reasons=[
                    ReasonRead(code=r.code, name=r.name, name_en=r.name_en) for r in REASONS[grade]
                ],
            )
            for level, grade in GRADE_OF_LEVEL.items()
        ]

    # ------------------------------------------------------------------ the resident

    async def rate(self, citizen_id: int, channel: str, params: RateParams) -> RatingRead:
        """Rates the resident's handled matter once; a 差评 opens its rectification case."""
        matter = await self.sources[params.kind].find(citizen_id, params.reference)
        if matter is None or matter.citizen_id != citizen_id:
            raise MatterNotFound()
        if matter.handled_at is None:
            raise NotHandled()
        reasons = list(dict.fromkeys(params.reasons))
        allowed = reasons_of(params.level)
        for code in reasons:
            if code not in allowed:
                raise ReasonInvalid(reason=code, grade=GRADE_NAMES[grade_of(params.level)][0])
        if await repo.rating_of_matter(matter.kind, matter.reference) is not None:
            raise AlreadyRated()
        now = self.clock()
        month = month_of(now)
        opens_case = params.level in CASE_LEVELS
        due_on = await self.deadline(local_today(now, BEIJING)) if opens_case else None
        try:
            async with unit_of_work():
                rating = await repo.insert_rating(
                    rating_no=new_rating_no(now),
                    kind=matter.kind.value,
                    reference=matter.reference,
                    citizen_id=citizen_id,
                    channel=channel,
                    level=params.level,
                    reasons=reasons,
                    comment_cipher=seal_optional((params.comment or "").strip() or None, COMMENT),
                    item_code=matter.item_code,
                    item_name=matter.item_name,
                    department_id=matter.department_id,
                    hall_id=matter.hall_id,
                    handled_at=matter.handled_at,
                    rated_at=now,
                    month=month,
                )
                if due_on is not None:
                    await repo.insert_case(
                        rating_id=rating.id,
                        department_id=matter.department_id,
                        item_code=matter.item_code,
                        month=month,
                        opened_at=now,
                        due_on=due_on,
                    )
        except IntegrityError:
            raise AlreadyRated() from None  # the same matter rated at the same moment elsewhere
        logger.info(
            "rating %s: %s %s level %d",
            rating.rating_no,
            matter.kind,
            matter.reference,
            params.level,
        )
        return await self._rating_read(rating)

    async def deadline(self, opened_on: date) -> date:
        """The last day of the rectification: the limit in working days after `opened_on`, by
        the national holiday calendar."""
        return await working_days_after(opened_on, self.settings.rectification_days)

    async def mine(self, citizen_id: int, params: PageParams) -> Page[RatingRead]:
        before = cursor_id(decode_cursor(params.cursor), "before")
        rows = await repo.ratings_of(citizen_id, before, params.limit + 1)
        page = page_of(rows, params.limit, lambda r: {"before": r.id})
        cases = await repo.cases_of([r.id for r in page.items])
        return Page[RatingRead](
            items=[self._read(r, cases.get(r.id)) for r in page.items],
            next_cursor=page.next_cursor,
        )

    async def pending(self, citizen_id: int, max_items: int) -> PendingList:
        """My matters handled in the last `pending_days` and not rated yet, the latest first."""
        since = self.clock() - timedelta(days=self.settings.pending_days)
        found: dict[tuple[MatterKind, str], Matter] = {}
        for source in self.sources.values():
            for matter in await source.handled_of(citizen_id, since, 100):
                found.setdefault(matter.key, matter)
        rated = await repo.rated_keys(citizen_id, {reference for _, reference in found})
        waiting = [m for m in found.values() if (m.kind.value, m.reference) not in rated]
        waiting.sort(key=lambda m: m.handled_at or since, reverse=True)
        return PendingList(
            items=[
                PendingMatter(
                    kind=m.kind,
                    reference=m.reference,
                    item_code=m.item_code,
                    item_name=m.item_name,
                    handled_at=m.handled_at or since,
                )
                for m in waiting[:max_items]
            ]
        )

    async def _rating_read(self, rating: Rating) -> RatingRead:
        return self._read(rating, await repo.case_of(rating.id))

    @staticmethod
    def _read(rating: Rating, case: RectificationCase | None) -> RatingRead:
        grade = grade_of(rating.level)
        return RatingRead(
            rating_no=rating.rating_no,
            kind=MatterKind(rating.kind),
            reference=rating.reference,
            item_code=rating.item_code,
            item_name=rating.item_name,
            level=rating.level,
            grade=grade,
            grade_name=GRADE_NAMES[grade][0],
            reasons=reason_reads(rating.level, rating.reasons),
            comment=open_optional(rating.comment_cipher, COMMENT),
            rated_at=rating.rated_at,
            case_state=case.state if case else None,
            case_outcome=case.outcome if case else None,
        )

    # ------------------------------------------------------------------ rectification (staff)

    async def cases(self, staff: StaffPrincipal, params: CasesParams) -> Page[CaseRead]:
        """The cases of my departments, oldest first; `overdue`: past the deadline, not closed."""
        after = cursor_id(decode_cursor(params.cursor), "after")
        today = local_today(self.clock(), BEIJING)
        rows = await repo.cases(
            await departments_covered(staff),
            params.state,
            today if params.overdue else None,
            after,
            params.limit + 1,
        )
        page = page_of(rows, params.limit, lambda c: {"after": c.id})
        ids = [c.rating_id for c in page.items]
        ratings, appeals = await repo.ratings_by_id(ids), await repo.appeals_of(ids)
        return Page[CaseRead](
            items=[
                self._case_read(ratings[c.rating_id], c, appeals.get(c.rating_id))
                for c in page.items
            ],
            next_cursor=page.next_cursor,
        )

    async def case(self, staff: StaffPrincipal, rating_no: str) -> CaseDetail:
        """One case with the resident's phone, for the call-back."""
        rating, case = await self._case(staff, rating_no)
        read = self._case_read(rating, case, await repo.appeal_of(rating.id))
        return CaseDetail(
            **read.model_dump(), resident_phone=await phone_of_citizen(rating.citizen_id)
        )

    async def callback(self, staff: StaffPrincipal, params: CallbackParams) -> CaseRead:
        """Records the call-back: when, by whom, what the resident said."""
        rating, case = await self._case(staff, params.rating_no)
        if case.state is CaseState.CLOSED:
            raise CaseClosed()
        called_at = params.called_at or self.clock()
        if called_at.tzinfo is None:
            called_at = called_at.replace(tzinfo=BEIJING)
        changes = {
            "state": CaseState.CALLED_BACK,
            "callback_at": called_at,
            "callback_staff_id": staff.staff_id,
            "callback_staff": staff.username[:64],
            "resident_said_cipher": seal_text(params.resident_said.strip(), RESIDENT_SAID),
            "resident_satisfied": params.resident_satisfied,
        }
        async with unit_of_work():
            if not await repo.update_case(case.id, OPEN_STATES, **changes):
                raise CaseClosed()
        return await self._case_reread(rating)

    async def close(self, staff: StaffPrincipal, params: CloseParams) -> CaseRead:
        """Closes the case with its outcome, after the call-back, and tells the resident."""
        rating, case = await self._case(staff, params.rating_no)
        if case.state is CaseState.CLOSED:
            raise CaseClosed()
        if case.state is not CaseState.CALLED_BACK:
            raise CallbackRequired()
        now = self.clock()
        outcome = CaseOutcome(params.outcome)
        async with unit_of_work():
            closed = await repo.update_case(
                case.id,
                (CaseState.CALLED_BACK,),
                state=CaseState.CLOSED,
                outcome=outcome,
                outcome_note=params.note.strip(),
                closed_at=now,
                closed_by=staff.staff_id,
                on_time=local_today(now, BEIJING) <= case.due_on,
            )
            if not closed:
                raise CaseClosed()
            await emit(
                Event.RATING_CASE_CLOSED,
                rating.citizen_id,
                {
                    "item": rating.item_name,
                    "rating_no": rating.rating_no,
                    "outcome": OUTCOME_NAMES[outcome],
                    "note": params.note.strip(),
                },
                channel=rating.channel,
                dedupe_key=f"rating:{rating.rating_no}:closed",
            )
        return await self._case_reread(rating)

    async def _case(
        self, staff: StaffPrincipal, rating_no: str
    ) -> tuple[Rating, RectificationCase]:
        rating = await self._covered(staff, rating_no)
        case = await repo.case_of(rating.id)
        if case is None:
            raise CaseNotFound()
        return rating, case

    async def _covered(self, staff: StaffPrincipal, rating_no: str) -> Rating:
        rating = await repo.rating_by_no(rating_no)
        if rating is None or not await department_covered(staff, rating.department_id):
            raise RatingNotFound()  # out of scope looks the same as absent
        return rating

    async def _case_reread(self, rating: Rating) -> CaseRead:
        case = await repo.case_of(rating.id)
        assert case is not None
        return self._case_read(rating, case, await repo.appeal_of(rating.id))

    def _case_read(
        self, rating: Rating, case: RectificationCase, appeal: RatingAppeal | None
    ) -> CaseRead:
        read = self._read(rating, case)
        today = local_today(self.clock(), BEIJING)
        return CaseRead(
            rating_no=rating.rating_no,
            kind=read.kind,
            reference=rating.reference,
            item_code=rating.item_code,
            item_name=rating.item_name,
            department_id=rating.department_id,
            level=rating.level,
            grade=read.grade,
            grade_name=read.grade_name,
            reasons=read.reasons,
            comment=open_optional(rating.comment_cipher, COMMENT),
            rated_at=rating.rated_at,
            state=case.state,
            opened_at=case.opened_at,
            due_on=case.due_on,
            overdue=case.state is not CaseState.CLOSED and today > case.due_on,
            callback=None
            if case.callback_at is None
            else CallbackRead(
                called_at=case.callback_at,
                staff=case.callback_staff,
                resident_said=open_optional(case.resident_said_cipher, RESIDENT_SAID),
                resident_satisfied=case.resident_satisfied,
            ),
            outcome=case.outcome,
            outcome_note=case.outcome_note,
            closed_at=case.closed_at,
            on_time=case.on_time,
            appeal_state=appeal.state if appeal else None,
        )

    # ------------------------------------------------------------------ appeals

    async def appeal(self, staff: StaffPrincipal, rating_no: str, reason: str) -> AppealRead:
        """The department holds the rating wrong (恶意差评, another department's matter …)."""
        rating = await self._covered(staff, rating_no)
        if await repo.appeal_of(rating.id) is not None:
            raise AppealExists()
        try:
            async with unit_of_work():
                appeal = await repo.insert_appeal(
                    rating_id=rating.id,
                    department_id=rating.department_id,
                    reason=reason.strip(),
                    filed_by=staff.staff_id,
                    filed_at=self.clock(),
                )
        except IntegrityError:
            raise AppealExists() from None
        return self._appeal_read(rating, appeal)

    async def appeals(self, staff: StaffPrincipal, params: AppealsParams) -> Page[AppealRead]:
        after = cursor_id(decode_cursor(params.cursor), "after")
        rows = await repo.appeals(
            await departments_covered(staff), params.state, after, params.limit + 1
        )
        page = page_of(rows, params.limit, lambda a: {"after": a.id})
        ratings = await repo.ratings_by_id([a.rating_id for a in page.items])
        return Page[AppealRead](
            items=[self._appeal_read(ratings[a.rating_id], a) for a in page.items],
            next_cursor=page.next_cursor,
        )

    async def review(self, staff: StaffPrincipal, params: ReviewParams) -> AppealRead:
        """Upheld: the rating leaves the statistics and its open case is withdrawn. Rejected:
        the rating stands and the case runs on."""
        rating = await self._covered(staff, params.rating_no)
        appeal = await repo.appeal_of(rating.id)
        if appeal is None:
            raise AppealNotFound()
        if appeal.state is not AppealState.PENDING:
            raise AppealDecided(state=appeal.state.value)
        now = self.clock()
        state = AppealState.UPHELD if params.decision == "uphold" else AppealState.REJECTED
        async with unit_of_work():
            decided = await repo.decide_appeal(
                appeal.id,
                state,
                reviewed_by=staff.staff_id,
                reviewed_at=now,
                review_note=params.note.strip(),
            )
            if not decided:
                raise AppealDecided(state="decided")
            if state is AppealState.UPHELD:
                await repo.exclude_rating(rating.id)
                case = await repo.case_of(rating.id)
                if case is not None:
                    await repo.update_case(
                        case.id,
                        OPEN_STATES,
                        state=CaseState.CLOSED,
                        outcome=CaseOutcome.WITHDRAWN,
                        outcome_note=params.note.strip(),
                        closed_at=now,
                        closed_by=staff.staff_id,
                    )
        updated = await repo.appeal_of(rating.id)
        assert updated is not None
        return self._appeal_read(rating, updated)

    @staticmethod
    def _appeal_read(rating: Rating, appeal: RatingAppeal) -> AppealRead:
        return AppealRead(
            rating_no=rating.rating_no,
            item_code=rating.item_code,
            item_name=rating.item_name,
            department_id=rating.department_id,
            level=rating.level,
            grade=grade_of(rating.level),
            reasons=reason_reads(rating.level, rating.reasons),
            comment=open_optional(rating.comment_cipher, COMMENT),
            rated_at=rating.rated_at,
            reason=appeal.reason,
            state=appeal.state,
            filed_at=appeal.filed_at,
            reviewed_at=appeal.reviewed_at,
            review_note=appeal.review_note,
        )

    # ------------------------------------------------------------------ statistics

    async def stats(self, months: MonthRange) -> RatingStats:
        """Counts per grade, satisfaction and on-time rectification, per item and department."""
        return RatingStats(
            from_month=months.from_month,
            to_month=months.to_month,
            items=await self._rows("item_code", months),
            departments=await self._rows("department_id", months),
        )

    async def ranking(self, params: RankingParams) -> Ranking:
        """By satisfaction rate, then by how many rated; ties share a rank."""
        least = params.min_count or self.settings.ranking_min_count
        by = "item_code" if params.by == "item" else "department_id"
        rows = [r for r in await self._rows(by, params) if r.total >= least]
        rows.sort(key=lambda r: (-(r.satisfaction_rate or 0.0), -r.total, r.code))
        ranked: list[RankingRow] = []
        for position, row in enumerate(rows, start=1):
            same = ranked and ranked[-1].satisfaction_rate == row.satisfaction_rate
            ranked.append(
                RankingRow(
                    rank=ranked[-1].rank if same else position,
                    code=row.code,
                    name=row.name,
                    total=row.total,
                    satisfaction_rate=row.satisfaction_rate or 0.0,
                )
            )
        return Ranking(
            from_month=params.from_month,
            to_month=params.to_month,
            by=params.by,
            min_count=least,
            rows=ranked,
        )

    async def _rows(self, by: str, months: MonthRange) -> list[StatRow]:
        tallies: dict[Any, _Tally] = {}
        for row in await repo.grade_counts(months.from_month, months.to_month, by):
            if row[by] is None:
                continue
            tally = tallies.setdefault(row[by], _Tally())
            grade = grade_of(row["level"])
            setattr(tally.counts, grade.value, getattr(tally.counts, grade.value) + row["n"])
            tally.total += row["n"]
            if row["level"] in SATISFIED_LEVELS:
                tally.satisfied += row["n"]
        today = local_today(self.clock(), BEIJING)
        for case in await repo.case_rows(months.from_month, months.to_month):
            counted = tallies.get(case[by])
            if counted is None:
                continue
            counted.cases += 1
            if case["state"] == CaseState.CLOSED or case["due_on"] < today:
                counted.due += 1
            counted.on_time += bool(case["on_time"])
        names = await self._names(by, tallies)
        rows = [
            StatRow(
                code=names[key][0],
                name=names[key][1],
                counts=t.counts,
                total=t.total,
                satisfaction_rate=rate_of(t.satisfied, t.total),
                cases=t.cases,
                cases_due=t.due,
                closed_on_time=t.on_time,
                on_time_rate=rate_of(t.on_time, t.due),
            )
            for key, t in tallies.items()
            if key in names
        ]
        return sorted(rows, key=lambda r: r.code)

    @staticmethod
    async def _names(by: str, tallies: dict[Any, _Tally]) -> dict[Any, tuple[str, str]]:
        if by == "item_code":
            codes = [str(k) for k in tallies]
            found = await repo.item_names(codes)
            return {code: (code, found.get(code, code)) for code in codes}
        return dict(await repo.departments([int(str(k)) for k in tallies]))


ratings = RatingService()
