"""Consultations and complaints at the edge: the gateway service "consultations" for residents
(write, follow, reopen, confirm), the handling department's staff (inbox, answer, transfer)
and anyone (the FAQ). Thin: the rules are in service.py."""

from __future__ import annotations

from gateway.codes import Code
from gateway.paging import Page, PageParams
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.consultations.schemas import (
    AnswerParams,
    CaseParams,
    CaseRead,
    CaseSummary,
    CommentParams,
    FaqParams,
    FaqRead,
    FaqSearchParams,
    InboxParams,
    ReasonParams,
    StaffCaseRead,
    SubmitParams,
    TransferParams,
)
from services.consultations.service import consultations

service = Service("consultations", "咨询投诉", "Consultations and complaints")
ANSWER = "consultations.answer"
OWN = (Code.CONSULTATION_NOT_FOUND, Code.CONSULTATION_MOVE_NOT_ALLOWED)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(10),
    mutates=True,
    summary_zh="提交咨询、投诉或建议",
    summary_en="Submit a consultation, complaint or suggestion",
    errors=(Code.CATALOG_DEPARTMENT_NOT_FOUND, Code.CATALOG_ITEM_NOT_FOUND),
)
async def submit(request: ServiceRequest, params: SubmitParams) -> CaseRead:
    """To a department, or to the department handling a catalogue item; answered within the
    kind's time limit in working days (`due_at`)."""
    citizen_id = request.require_citizen().citizen_id
    return await consultations.submit(citizen_id, params, request.channel)


@service.action(identity=IdentityLevel.LOGGED_IN, summary_zh="我的诉求", summary_en="My cases")
async def mine(request: ServiceRequest, params: PageParams) -> Page[CaseSummary]:
    """Newest first."""
    return await consultations.mine(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="诉求详情与办理过程",
    summary_en="One case and its timeline",
    errors=(Code.CONSULTATION_NOT_FOUND,),
)
async def detail(request: ServiceRequest, params: CaseParams) -> CaseRead:
    """One of my cases: the answer, what I may do next and every step taken."""
    return await consultations.view_own(request.require_citizen().citizen_id, params.case_no)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    summary_zh="撤回诉求",
    summary_en="Withdraw (before the answer)",
    errors=OWN,
)
async def withdraw(request: ServiceRequest, params: CommentParams) -> CaseRead:
    citizen_id = request.require_citizen().citizen_id
    return await consultations.withdraw(citizen_id, params.case_no, params.comment)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    summary_zh="申请重新办理（仅一次）",
    summary_en="Reopen after the answer (once)",
    errors=(
        *OWN,
        Code.CONSULTATION_NOT_ANSWERED,
        Code.CONSULTATION_REOPEN_USED,
        Code.CONSULTATION_REOPEN_EXPIRED,
    ),
)
async def reopen(request: ServiceRequest, params: ReasonParams) -> CaseRead:
    """Not settled by the answer: the department answers again, within a new time limit. Once
    per case, within `GOVHUB_CONSULTATIONS_REOPEN_DAYS` of the answer."""
    citizen_id = request.require_citizen().citizen_id
    return await consultations.reopen(citizen_id, params.case_no, params.reason)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    summary_zh="确认满意并办结",
    summary_en="Confirm the answer (satisfied) and close",
    errors=(*OWN, Code.CONSULTATION_NOT_ANSWERED),
)
async def confirm(request: ServiceRequest, params: CommentParams) -> CaseRead:
    citizen_id = request.require_citizen().citizen_id
    return await consultations.confirm(citizen_id, params.case_no, params.comment)


@service.action(permission=ANSWER, summary_zh="诉求待办（工作人员）", summary_en="Inbox (staff)")
async def inbox(request: ServiceRequest, params: InboxParams) -> Page[CaseSummary]:
    """The cases of my departments, the nearest deadline first; `overdue`: open and past it."""
    return await consultations.inbox(request.require_staff(), params)


@service.action(
    permission=ANSWER,
    summary_zh="诉求详情（工作人员）",
    summary_en="One case (staff)",
    errors=(Code.CONSULTATION_NOT_FOUND,),
)
async def review(request: ServiceRequest, params: CaseParams) -> StaffCaseRead:
    return await consultations.view_as_staff(request.require_staff(), params.case_no)


@service.action(
    permission=ANSWER,
    mutates=True,
    summary_zh="答复诉求（工作人员）",
    summary_en="Answer a case (staff)",
    errors=(
        *OWN,
        Code.CONSULTATION_FAQ_NOT_ALLOWED,
        Code.CONSULTATION_FAQ_PERSONAL_DATA,
    ),
)
async def answer(request: ServiceRequest, params: AnswerParams) -> StaffCaseRead:
    """The resident is told; `publish_faq` (consultations) adds the question and answer as
    worded for the public to the FAQ."""
    return await consultations.answer(request.require_staff(), params)


@service.action(
    permission=ANSWER,
    mutates=True,
    summary_zh="转办其他部门（工作人员）",
    summary_en="Pass a case to another department (staff)",
    errors=(*OWN, Code.CATALOG_DEPARTMENT_NOT_FOUND, Code.CONSULTATION_TRANSFER_SAME),
)
async def transfer(request: ServiceRequest, params: TransferParams) -> StaffCaseRead:
    """The resident is told; the deadline stays."""
    return await consultations.transfer(
        request.require_staff(), params.case_no, params.department, params.reason
    )


@service.action(
    rate_limit=RateLimit(60),
    summary_zh="常见问题",
    summary_en="FAQ from answered consultations",
    errors=(Code.CATALOG_DEPARTMENT_NOT_FOUND,),
)
async def faq(request: ServiceRequest, params: FaqSearchParams) -> Page[FaqRead]:
    """Published answers, newest first, by words (`q`), department or item."""
    return await consultations.faq(params)


@service.action(
    rate_limit=RateLimit(60),
    summary_zh="常见问题详情",
    summary_en="One FAQ entry",
    errors=(Code.CONSULTATION_FAQ_NOT_FOUND,),
)
async def faq_item(request: ServiceRequest, params: FaqParams) -> FaqRead:
    return await consultations.faq_item(params.faq_id)
