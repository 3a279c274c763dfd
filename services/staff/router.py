"""Staff sign-in routes and the staff gateway service."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from channels.identity.ratelimit import limit_address
from gateway.http import ok
from gateway.registry import Service
from gateway.router import client_ip, signed_in
from gateway.schemas import ServiceRequest, StaffPrincipal
from services.staff.roles import SELF
from services.staff.schemas import LoginRequest, NoParams, RefreshRequest, StaffRead
from services.staff.service import staff_service

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
service = Service("staff", "工作人员", "Staff")

LOGINS_PER_ADDRESS = 60  # sign-in attempts one client address may make in ten minutes


@router.post("/login", summary="Staff sign-in with user name and password")
async def login(body: LoginRequest, request: Request) -> Response:
    """Five wrong passwords lock the account for fifteen minutes."""
    address = client_ip(request)
    await limit_address("staff.login", address, LOGINS_PER_ADDRESS, 600)
    pair = await staff_service.login(body.username, body.password, address)
    return ok(pair.model_dump())


@router.post("/refresh", summary="Trade a staff refresh token for a new pair")
async def refresh(body: RefreshRequest) -> Response:
    return ok((await staff_service.refresh(body.refresh_token)).model_dump())


@router.post("/logout", summary="End this staff sign-in (send the access token as Bearer)")
async def logout(request: Request) -> Response:
    await staff_service.sign_out(await signed_in(request, StaffPrincipal))
    return ok(None)


@service.action(permission=SELF, summary_zh="我的工作人员账号", summary_en="My staff account")
async def me(request: ServiceRequest, params: NoParams) -> StaffRead:
    """My staff account, roles and permissions."""
    return await staff_service.me(request.require_staff())
