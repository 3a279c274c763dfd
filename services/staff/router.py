"""Staff sign-in routes and the staff gateway service."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from channels.identity.ratelimit import limit_address
from gateway.http import ok
from gateway.paging import Page
from gateway.registry import Service
from gateway.router import client_ip, signed_in
from gateway.schemas import ServiceRequest, StaffPrincipal
from services.staff import admin
from services.staff.roles import MANAGE, SELF
from services.staff.schemas import (
    AccountCreate,
    AccountsQuery,
    ActiveParams,
    GrantParams,
    LoginRequest,
    NoParams,
    PasswordParams,
    RefreshRequest,
    RevokeParams,
    RoleDefinitionRead,
    StaffAccountRead,
    StaffIdParams,
    StaffRead,
)
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


# ------------------------------------------------------------------------------ administration


@service.action(permission=MANAGE, summary_zh="工作人员账号", summary_en="Staff accounts")
async def accounts(request: ServiceRequest, params: AccountsQuery) -> Page[StaffAccountRead]:
    """Every staff account with its roles and scopes, in the order created."""
    return await admin.accounts(params)


@service.action(permission=MANAGE, summary_zh="角色与权限", summary_en="Roles and permissions")
async def roles(request: ServiceRequest, params: NoParams) -> list[RoleDefinitionRead]:
    return await admin.roles()


@service.action(
    permission=MANAGE, mutates=True, summary_zh="新建工作人员账号", summary_en="Create an account"
)
async def create_account(request: ServiceRequest, params: AccountCreate) -> StaffAccountRead:
    """A new account holding one role in one scope (none given: everywhere)."""
    return await admin.create(params)


@service.action(permission=MANAGE, mutates=True, summary_zh="授予角色", summary_en="Grant a role")
async def grant_role(request: ServiceRequest, params: GrantParams) -> StaffAccountRead:
    return await admin.grant(params)


@service.action(permission=MANAGE, mutates=True, summary_zh="撤销角色", summary_en="Revoke a role")
async def revoke_role(request: ServiceRequest, params: RevokeParams) -> StaffAccountRead:
    """Takes effect at the staff member's next token refresh (within minutes)."""
    return await admin.revoke(request.require_staff(), params.staff_id, params.assignment_id)


@service.action(
    permission=MANAGE, mutates=True, summary_zh="启用或停用账号", summary_en="Enable or disable"
)
async def set_active(request: ServiceRequest, params: ActiveParams) -> StaffAccountRead:
    """Disabling ends every sign-in of the account at once."""
    return await admin.set_active(request.require_staff(), params.staff_id, params.active)


@service.action(permission=MANAGE, mutates=True, summary_zh="解除锁定", summary_en="Unlock")
async def unlock(request: ServiceRequest, params: StaffIdParams) -> StaffAccountRead:
    return await admin.unlock(params.staff_id)


@service.action(
    permission=MANAGE, mutates=True, summary_zh="重置密码", summary_en="Reset the password"
)
async def reset_password(request: ServiceRequest, params: PasswordParams) -> StaffAccountRead:
    return await admin.reset_password(params.staff_id, params.password)
