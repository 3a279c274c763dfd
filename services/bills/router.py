"""Utility bill (生活缴费) actions and the printable e-receipt page: thin, rules in service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import HTMLResponse

from gateway.codes import Code
from gateway.paging import Page
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.bills.schemas import (
    AccountParams,
    AccountRead,
    AccountTarget,
    ArrearsRead,
    BindParams,
    MyAccountsParams,
    PayParams,
    PayResult,
    ReceiptParams,
    ReceiptRead,
    ReceiptsParams,
    StuckWriteOffsParams,
    WriteOffParams,
    WriteOffRead,
)
from services.bills.service import bills

service = Service("bills", "生活缴费", "Utility bills")


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="绑定户号",
    summary_en="Bind a utility account number",
)
async def bind(request: ServiceRequest, params: BindParams) -> AccountRead:
    """Bind a water, electricity or gas account number for quick payment."""
    return await bills.bind(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="解绑户号",
    summary_en="Unbind an account number",
)
async def unbind(request: ServiceRequest, params: AccountParams) -> AccountRead:
    """Unbind one of my account numbers."""
    return await bills.unbind(request.require_citizen().citizen_id, params.account_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的户号",
    summary_en="My account numbers",
)
async def my_accounts(request: ServiceRequest, params: MyAccountsParams) -> Page[AccountRead]:
    """My bound account numbers in the order bound, a page at a time."""
    return await bills.my_accounts(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(30),
    summary_zh="查询欠费",
    summary_en="Unpaid bills of an account",
)
async def arrears(request: ServiceRequest, params: AccountTarget) -> ArrearsRead:
    """Unpaid bills of a bound account, or of an account number given directly."""
    return await bills.arrears(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    mutates=True,
    summary_zh="缴纳账单",
    summary_en="Pay bills",
)
async def pay(request: ServiceRequest, params: PayParams) -> PayResult:
    """Open a payment order for some (or all) unpaid bills of one account."""
    return await bills.pay(request, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的电子票据",
    summary_en="My e-receipts",
)
async def receipts(request: ServiceRequest, params: ReceiptsParams) -> Page[ReceiptRead]:
    """My e-receipts newest first, a page at a time."""
    return await bills.my_receipts(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="电子票据详情",
    summary_en="One of my e-receipts",
)
async def receipt(request: ServiceRequest, params: ReceiptParams) -> ReceiptRead:
    """One of my e-receipts, with the address of its printable page."""
    return await bills.receipt(request.require_citizen().citizen_id, params.receipt_no)


WRITE_OFFS = "bills.write-offs"


@service.action(
    permission=WRITE_OFFS,
    summary_zh="待处理的销账",
    summary_en="Write-offs that need staff",
)
async def stuck_write_offs(
    request: ServiceRequest, params: StuckWriteOffsParams
) -> Page[WriteOffRead]:
    """Write-offs refused by the company or failing for long, oldest first, a page at a time."""
    return await bills.stuck_write_offs(params)


@service.action(
    permission=WRITE_OFFS,
    mutates=True,
    errors=(Code.BILL_WRITE_OFF_NOT_FOUND,),
    summary_zh="重试销账",
    summary_en="Try a write-off again now",
)
async def retry_write_off(request: ServiceRequest, params: WriteOffParams) -> WriteOffRead:
    """One attempt now at the company, whatever the backoff; the write-off as it then is."""
    return await bills.retry_write_off(params.write_off_id)


router = APIRouter(prefix="/bills", tags=["bills"])


@router.get("/receipts/{receipt_no}", response_class=HTMLResponse)
async def printable_receipt(
    receipt_no: Annotated[str, Path(max_length=32)],
    v: Annotated[str, Query(min_length=1, max_length=32, description="verification code")],
) -> HTMLResponse:
    """The printable e-receipt, for whoever holds its number and verification code."""
    return HTMLResponse(await bills.printable(receipt_no, v))
