"""The gateway service "ratings" (好差评): residents rate, departments rectify and appeal, the
supervisor reviews appeals, anyone reads the statistics. Thin: the rules are in service.py."""

from __future__ import annotations

from gateway.codes import Code
from gateway.paging import Page, PageParams
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.ratings.schemas import (
    AppealParams,
    AppealRead,
    AppealsParams,
    CallbackParams,
    CaseDetail,
    CaseRead,
    CasesParams,
    CloseParams,
    GradeRead,
    MonthRange,
    NoParams,
    PendingList,
    PendingParams,
    Ranking,
    RankingParams,
    RateParams,
    RatingNoParams,
    RatingRead,
    RatingStats,
    ReviewParams,
)
from services.ratings.service import ratings

service = Service("ratings", "好差评", "Ratings")
MANAGE = "ratings.manage"  # the department: rectification cases and appeals
AUDIT = "ratings.audit"  # the supervisor (政务服务管理机构): reviews appeals


@service.action(summary_zh="评价等级与可选原因", summary_en="The five grades and their reasons")
async def grades(request: ServiceRequest, params: NoParams) -> list[GradeRead]:
    return ratings.grades()


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="评价办事",
    summary_en="Rate a handled matter",
    errors=(
        Code.RATING_MATTER_NOT_FOUND,
        Code.RATING_NOT_HANDLED,
        Code.RATING_ALREADY_GIVEN,
        Code.RATING_REASON_INVALID,
    ),
)
async def rate(request: ServiceRequest, params: RateParams) -> RatingRead:
    """Once per matter, by its owner, once handled; 不满意 and 非常不满意 open a rectification."""
    citizen_id = request.require_citizen().citizen_id
    return await ratings.rate(citizen_id, request.channel.value, params)


@service.action(identity=IdentityLevel.LOGGED_IN, summary_zh="我的评价", summary_en="My ratings")
async def mine(request: ServiceRequest, params: PageParams) -> Page[RatingRead]:
    """Newest first, with how far each 差评's rectification went."""
    return await ratings.mine(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN, summary_zh="待评价", summary_en="My matters to rate"
)
async def pending(request: ServiceRequest, params: PendingParams) -> PendingList:
    """Handled matters of every kind not rated yet, the latest first."""
    return await ratings.pending(request.require_citizen().citizen_id, params.max_items)


@service.action(permission=MANAGE, summary_zh="差评整改工单", summary_en="Rectification cases")
async def cases(request: ServiceRequest, params: CasesParams) -> Page[CaseRead]:
    """The cases of my departments; `overdue` lists those past their deadline."""
    return await ratings.cases(request.require_staff(), params)


@service.action(
    permission=MANAGE,
    summary_zh="整改工单详情",
    summary_en="One rectification case",
    errors=(Code.RATING_NOT_FOUND, Code.RATING_CASE_NOT_FOUND),
)
async def case(request: ServiceRequest, params: RatingNoParams) -> CaseDetail:
    """With the resident's phone for the call-back."""
    return await ratings.case(request.require_staff(), params.rating_no)


@service.action(
    permission=MANAGE,
    mutates=True,
    summary_zh="记录回访",
    summary_en="Record the call-back",
    errors=(Code.RATING_NOT_FOUND, Code.RATING_CASE_NOT_FOUND, Code.RATING_CASE_CLOSED),
)
async def callback(request: ServiceRequest, params: CallbackParams) -> CaseRead:
    return await ratings.callback(request.require_staff(), params)


@service.action(
    permission=MANAGE,
    mutates=True,
    summary_zh="办结整改",
    summary_en="Close the case with its outcome",
    errors=(
        Code.RATING_NOT_FOUND,
        Code.RATING_CASE_NOT_FOUND,
        Code.RATING_CASE_CLOSED,
        Code.RATING_CALLBACK_REQUIRED,
    ),
)
async def close(request: ServiceRequest, params: CloseParams) -> CaseRead:
    """After the call-back; the resident is told the outcome."""
    return await ratings.close(request.require_staff(), params)


@service.action(
    permission=MANAGE,
    mutates=True,
    summary_zh="申诉评价",
    summary_en="Appeal a rating",
    errors=(Code.RATING_NOT_FOUND, Code.RATING_APPEAL_EXISTS),
)
async def appeal(request: ServiceRequest, params: AppealParams) -> AppealRead:
    return await ratings.appeal(request.require_staff(), params.rating_no, params.reason)


@service.action(permission=AUDIT, summary_zh="评价申诉", summary_en="Appeals to review")
async def appeals(request: ServiceRequest, params: AppealsParams) -> Page[AppealRead]:
    return await ratings.appeals(request.require_staff(), params)


@service.action(
    permission=AUDIT,
    mutates=True,
    summary_zh="审核申诉",
    summary_en="Uphold or reject an appeal",
    errors=(Code.RATING_NOT_FOUND, Code.RATING_APPEAL_NOT_FOUND, Code.RATING_APPEAL_DECIDED),
)
async def review(request: ServiceRequest, params: ReviewParams) -> AppealRead:
    """Upheld: the rating leaves the statistics and its open case is withdrawn."""
    return await ratings.review(request.require_staff(), params)


@service.action(
    rate_limit=RateLimit(60),
    summary_zh="好差评统计",
    summary_en="Statistics per item and department",
)
async def stats(request: ServiceRequest, params: MonthRange) -> RatingStats:
    """Counts per grade, satisfaction rate and rectification on time, for a range of months."""
    return await ratings.stats(params)


@service.action(
    rate_limit=RateLimit(60), summary_zh="满意度排名", summary_en="Ranking by satisfaction"
)
async def ranking(request: ServiceRequest, params: RankingParams) -> Ranking:
    """Departments or items with at least `min_count` ratings, by satisfaction rate."""
    return await ratings.ranking(params)
