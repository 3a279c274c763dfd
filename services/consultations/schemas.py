"""What the consultation actions take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from gateway.paging import PageParams
from services.consultations.models import CaseKind, CaseState, ContactPreference

CASE_NO = r"^GD[0-9A-Z]{10,20}$"
CODE = r"^[0-9A-Za-z_-]+$"


class SubmitParams(BaseModel):
    kind: CaseKind = Field(description="consultation 咨询, complaint 投诉, suggestion 建议")
    department: str | None = Field(
        None, max_length=32, pattern=CODE, description="department code (catalog.departments)"
    )
    item: str | None = Field(
        None,
        max_length=32,
        pattern=CODE,
        description="catalogue item code; without `department`, its handling department",
    )
    title: str = Field(min_length=2, max_length=100)
    text: str = Field(min_length=5, max_length=4000)
    contact: ContactPreference = ContactPreference.MESSAGE

    @model_validator(mode="after")
    def _addressed(self) -> Self:
        if self.department is None and self.item is None:
            raise ValueError("give a `department` or an `item`")
        return self


class CaseParams(BaseModel):
    case_no: str = Field(pattern=CASE_NO)


class ReasonParams(CaseParams):
    reason: str = Field(min_length=2, max_length=1000)


class CommentParams(CaseParams):
    comment: str | None = Field(None, max_length=500)


class InboxParams(PageParams):
    state: CaseState | None = None
    kind: CaseKind | None = None
    overdue: bool = Field(False, description="only open cases past their deadline")


class AnswerParams(CaseParams):
    text: str = Field(min_length=2, max_length=4000)
    publish_faq: bool = Field(False, description="consultations only: publish to the FAQ")
    faq_question: str | None = Field(None, min_length=4, max_length=200)
    faq_answer: str | None = Field(None, min_length=2, max_length=4000)

    @model_validator(mode="after")
    def _worded(self) -> Self:
        if self.publish_faq and not (self.faq_question and self.faq_answer):
            raise ValueError("publishing needs `faq_question` and `faq_answer` worded for all")
        return self


class TransferParams(ReasonParams):
    department: str = Field(max_length=32, pattern=CODE, description="the receiving department")


class FaqSearchParams(PageParams):
    q: str | None = Field(None, max_length=50, description="words in the question or answer")
    department: str | None = Field(None, max_length=32, pattern=CODE)
    item: str | None = Field(None, max_length=32, pattern=CODE)


class FaqParams(BaseModel):
    faq_id: int = Field(gt=0)


class TimelineEntry(BaseModel):
    move: str
    from_state: CaseState
    to_state: CaseState
    actor_type: str  # resident, staff
    department: str  # the handling department after the step
    department_name: str
    text: str | None  # the answer, or the reason given
    at: datetime


class CaseSummary(BaseModel):
    case_no: str
    kind: CaseKind
    state: CaseState
    title: str
    department: str
    department_name: str
    item_code: str | None
    submitted_at: datetime
    due_at: datetime
    overdue: bool


class CaseRead(CaseSummary):
    text: str
    contact: ContactPreference
    answer: str | None
    answered_at: datetime | None
    reopened: bool  # a case is reopened only once
    reopen_until: datetime | None  # while answered: the last moment to reopen
    closed_at: datetime | None
    moves: list[str]  # what the caller may do next
    timeline: list[TimelineEntry]


class StaffCaseRead(CaseRead):
    callback_phone: str | None = Field(description="only when the resident asked for a call")


class FaqRead(BaseModel):
    id: int
    question: str
    answer: str
    department: str
    department_name: str
    item_code: str | None
    published_at: datetime
