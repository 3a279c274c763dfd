"""What the rating actions take and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from gateway.paging import PageParams
from services.ratings.grades import Grade
from services.ratings.matters import MatterKind
from services.ratings.models import AppealState, CaseOutcome, CaseState

RATING_NO = r"^PJ[0-9A-Z]{10,20}$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 36


class NoParams(BaseModel):
    pass


class RateParams(BaseModel):
    kind: MatterKind
    reference: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[0-9A-Za-z]+$",
        description="the matter's number: application_no, queue number id or booking id",
    )
    level: int = Field(
        ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"
    )
    reasons: list[str] = Field(
        default_factory=list, max_length=8, description="codes from `ratings.grades` for the level"
    )
    comment: str | None = Field(None, max_length=500)


class PendingParams(BaseModel):
    max_items: int = Field(20, ge=1, le=50)


class RatingNoParams(BaseModel):
    rating_no: str = Field(pattern=RATING_NO)


class CasesParams(PageParams):
    state: CaseState | None = None
    overdue: bool = Field(False, description="only cases past their deadline and not closed")


class CallbackParams(RatingNoParams):
    called_at: datetime | None = Field(None, description="when the call was made; none: now")
    resident_said: str = Field(min_length=1, max_length=500)
    resident_satisfied: bool | None = None


class CloseParams(RatingNoParams):
    outcome: Literal[CaseOutcome.RECTIFIED, CaseOutcome.EXPLAINED, CaseOutcome.UNFOUNDED]
    note: str = Field(
        min_length=1, max_length=500, description="what was done; the resident is told"
    )


class AppealParams(RatingNoParams):
    reason: str = Field(min_length=5, max_length=500)


class AppealsParams(PageParams):
    state: AppealState | None = AppealState.PENDING


class ReviewParams(RatingNoParams):
    decision: Literal["uphold", "reject"]
    note: str = Field(min_length=1, max_length=500)


class MonthRange(BaseModel):
    from_month: str = Field(pattern=MONTH, description="YYYY-MM, Beijing time, inclusive")
    to_month: str = Field(pattern=MONTH, description="YYYY-MM, inclusive")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.from_month > self.to_month:
            raise ValueError("`from_month` is after `to_month`")
        if months_between(self.from_month, self.to_month) > MAX_MONTHS:
            raise ValueError(f"at most {MAX_MONTHS} months")
        return self


def months_between(first: str, last: str) -> int:
    (a_year, a_month), (b_year, b_month) = (map(int, m.split("-")) for m in (first, last))
    return (b_year - a_year) * 12 + b_month - a_month + 1


class RankingParams(MonthRange):
    by: Literal["department", "item"] = "department"
    min_count: int | None = Field(None, ge=1, description="ratings needed to be ranked")


# ------------------------------------------------------------------ results


class ReasonRead(BaseModel):
    code: str
    name: str
    name_en: str


class GradeRead(BaseModel):
    level: int
    grade: Grade
    name: str
    name_en: str
    opens_case: bool  # 差评: a rectification case opens
    reasons: list[ReasonRead]


class PendingMatter(BaseModel):
    kind: MatterKind
    reference: str
    item_code: str
    item_name: str
    handled_at: datetime


class PendingList(BaseModel):
    items: list[PendingMatter]


class RatingRead(BaseModel):
    rating_no: str
    kind: MatterKind
    reference: str
    item_code: str
    item_name: str
    level: int
    grade: Grade
    grade_name: str
    reasons: list[ReasonRead]
    comment: str | None
    rated_at: datetime
    case_state: CaseState | None  # the rectification of a 差评, as far as it went
    case_outcome: CaseOutcome | None


class CallbackRead(BaseModel):
    called_at: datetime
    staff: str | None
    resident_said: str | None
    resident_satisfied: bool | None


class CaseRead(BaseModel):
    rating_no: str
    kind: MatterKind
    reference: str
    item_code: str
    item_name: str
    department_id: int | None
    level: int
    grade: Grade
    grade_name: str
    reasons: list[ReasonRead]
    comment: str | None
    rated_at: datetime
    state: CaseState
    opened_at: datetime
    due_on: date
    overdue: bool
    callback: CallbackRead | None
    outcome: CaseOutcome | None
    outcome_note: str | None
    closed_at: datetime | None
    on_time: bool | None
    appeal_state: AppealState | None


class CaseDetail(CaseRead):
    resident_phone: str | None = Field(description="for the call-back; none when unknown")


class AppealRead(BaseModel):
    rating_no: str
    item_code: str
    item_name: str
    department_id: int | None
    level: int
    grade: Grade
    reasons: list[ReasonRead]
    comment: str | None
    rated_at: datetime
    reason: str
    state: AppealState
    filed_at: datetime
    reviewed_at: datetime | None
    review_note: str | None


class GradeCounts(BaseModel):
    very_satisfied: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    very_dissatisfied: int = 0


class StatRow(BaseModel):
    code: str
    name: str
    counts: GradeCounts
    total: int
    satisfaction_rate: float | None = Field(
        description="(非常满意 + 满意 + 基本满意) / all, upheld appeals left out; none: no ratings"
    )
    cases: int  # 差评 rectification cases
    cases_due: int  # closed, or open past their deadline
    closed_on_time: int
    on_time_rate: float | None = Field(description="closed on time / cases due; none: none due")


class RatingStats(BaseModel):
    from_month: str
    to_month: str
    items: list[StatRow]
    departments: list[StatRow]


class RankingRow(BaseModel):
    rank: int
    code: str
    name: str
    total: int
    satisfaction_rate: float


class Ranking(BaseModel):
    from_month: str
    to_month: str
    by: Literal["department", "item"]
    min_count: int
    rows: list[RankingRow]
