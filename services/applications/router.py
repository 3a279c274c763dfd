"""Online applications at the edges: the gateway service "applications" (residents and the
handling department's staff), the upload route and the signed file links. Thin: the rules are
in service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, UploadFile
from starlette.responses import Response

from gateway.codes import Code
from gateway.http import ok
from gateway.registry import RateLimit, Service
from gateway.router import signed_in
from gateway.schemas import CitizenPrincipal, IdentityLevel, ServiceRequest
from services.applications import files
from services.applications.errors import FileLinkInvalid, FileRejected
from services.applications.fees import fees
from services.applications.schemas import (
    ActParams,
    ApplicationList,
    ApplicationParams,
    ApplicationView,
    AttachParams,
    FormView,
    InboxParams,
    ItemParams,
    NoParams,
    PayParams,
    PayResult,
    PublicProgress,
    PublicProgressParams,
    SaveParams,
)
from services.applications.service import applications
from services.applications.settings import application_settings

service = Service("applications", "网上申办", "Online applications")
HANDLE = "applications.handle"


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="申请表与所需材料",
    summary_en="An item's form and materials, prefilled",
)
async def form(request: ServiceRequest, params: ItemParams) -> FormView:
    """The form with what the materials library already holds filled in."""
    return await applications.form(request.require_citizen().citizen_id, params.item_code)


@service.action(
    identity=IdentityLevel.REAL_NAME,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="开始申办",
    summary_en="Start an application",
)
async def start(request: ServiceRequest, params: ItemParams) -> ApplicationView:
    citizen = request.require_citizen()
    return await applications.start(
        citizen.citizen_id, params.item_code, await _phone(citizen.citizen_id), request.channel
    )


@service.action(
    identity=IdentityLevel.REAL_NAME, mutates=True, summary_zh="保存草稿", summary_en="Save answers"
)
async def save(request: ServiceRequest, params: SaveParams) -> ApplicationView:
    citizen_id = request.require_citizen().citizen_id
    return await applications.save(citizen_id, params.application_no, params.data)


@service.action(
    identity=IdentityLevel.REAL_NAME,
    mutates=True,
    summary_zh="添加材料",
    summary_en="Attach an uploaded material",
)
async def attach(request: ServiceRequest, params: AttachParams) -> ApplicationView:
    citizen_id = request.require_citizen().citizen_id
    return await applications.attach(
        citizen_id, params.application_no, params.material_code, params.file_id
    )


@service.action(
    identity=IdentityLevel.REAL_NAME,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="提交申请",
    summary_en="Submit (or resubmit after 补正)",
)
async def submit(request: ServiceRequest, params: ApplicationParams) -> ApplicationView:
    citizen_id = request.require_citizen().citizen_id
    return await applications.submit(citizen_id, params.application_no)


@service.action(
    identity=IdentityLevel.REAL_NAME, mutates=True, summary_zh="撤回申请", summary_en="Withdraw"
)
async def withdraw(request: ServiceRequest, params: ApplicationParams) -> ApplicationView:
    citizen_id = request.require_citizen().citizen_id
    return await applications.withdraw(citizen_id, params.application_no)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    errors=(
        Code.APPLICATION_NOT_FOUND,
        Code.APPLICATION_NOT_PAYABLE,
        Code.APPLICATION_PAYING,
        Code.APPLICATION_FEE_CHANGED,
        Code.PAYMENT_ALREADY_PAID,
        Code.PAYMENT_PROVIDER_UNAVAILABLE,
        Code.PAYMENT_METHOD_UNSUPPORTED,
        Code.PAYMENT_PAYER_REQUIRED,
    ),
    summary_zh="缴纳办件费用",
    summary_en="Pay an application's fee",
)
async def pay(request: ServiceRequest, params: PayParams) -> PayResult:
    """Open a payment order for the fee of my application waiting in 待缴费; `payment` is what
    the client pays with (the sandbox cashier's address on `make run`)."""
    return await fees.pay(request, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN, summary_zh="我的办件", summary_en="My applications"
)
async def mine(request: ServiceRequest, params: NoParams) -> ApplicationList:
    return await applications.mine(request.require_citizen().citizen_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN, summary_zh="办件详情与进度", summary_en="One application"
)
async def detail(request: ServiceRequest, params: ApplicationParams) -> ApplicationView:
    """Its answers, materials (signed links), what I may do next and the full timeline."""
    citizen_id = request.require_citizen().citizen_id
    return await applications.view_own(citizen_id, params.application_no)


@service.action(
    rate_limit=RateLimit(10), summary_zh="办件查询（公开）", summary_en="Public progress query"
)
async def progress(request: ServiceRequest, params: PublicProgressParams) -> PublicProgress:
    """By number and the last 4 digits of the applicant's phone: the state only."""
    return await applications.public_progress(params.application_no, params.phone_last4)


@service.action(permission=HANDLE, summary_zh="待办件（工作人员）", summary_en="Inbox (staff)")
async def inbox(request: ServiceRequest, params: InboxParams) -> ApplicationList:
    """The applications of my departments; `overdue` lists those past their promised date."""
    return await applications.inbox(
        request.require_staff(), params.state, params.overdue, int(params.cursor or 0), params.limit
    )


@service.action(permission=HANDLE, summary_zh="审查办件", summary_en="Review one (staff)")
async def review(request: ServiceRequest, params: ApplicationParams) -> ApplicationView:
    return await applications.view_as_staff(request.require_staff(), params.application_no)


@service.action(
    permission=HANDLE,
    mutates=True,
    summary_zh="受理、审核、补正、办结（工作人员）",
    summary_en="Accept, review, request a supplement, approve, reject, complete (staff)",
)
async def act(request: ServiceRequest, params: ActParams) -> ApplicationView:
    return await applications.act(
        request.require_staff(), params.application_no, params.move, params.reason
    )


async def _phone(citizen_id: int) -> str | None:
    from channels.identity.service import phone_of_citizen

    return await phone_of_citizen(citizen_id)


# ------------------------------------------------------------------------------ files

router = APIRouter(tags=["applications"])


@router.post("/api/v1/files", summary="Upload a material (PDF, JPEG or PNG), Bearer resident")
async def upload(request: Request, file: UploadFile) -> Response:
    principal = await signed_in(request, CitizenPrincipal)
    limit = application_settings().max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise FileRejected(reason=f"larger than {limit // 1024} KiB")
    stored = await applications.upload(principal.citizen_id, content, file.filename or "")
    return ok(stored.model_dump())


@router.get("/files/{file_id}", summary="A material, through a signed link that expires")
async def download(
    file_id: int,
    expires: Annotated[int, Query()] = 0,
    signature: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    if not files.link_valid(file_id, expires, signature):
        raise FileLinkInvalid()
    stored, content = await applications.open_file(file_id)
    return Response(
        content,
        media_type=stored.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
