"""Staff administration from the console (`staff.manage`): accounts, their roles and scopes,
deactivation, unlocking and password resets. Every change is a gateway action, so each leaves
an audit row naming the administrator; passwords never reach the audit log (gateway masking).

An administrator cannot disable their own account or revoke their own roles, so the last one
cannot lock everybody out by mistake. Disabling an account ends its sign-ins at once.
"""

from __future__ import annotations

from collections import defaultdict

from channels.identity import repository as identity_repo
from channels.identity.tokens import tokens
from config.database import unit_of_work
from gateway.paging import Page, cursor_id, decode_cursor, page_of
from gateway.schemas import StaffPrincipal
from services.staff import repository
from services.staff.errors import StaffAssignmentNotFound, StaffNotFound, StaffOwnAccount
from services.staff.models import RoleAssignment, StaffAccount
from services.staff.passwords import hash_password
from services.staff.schemas import (
    AccountCreate,
    AccountsQuery,
    AssignmentRead,
    GrantParams,
    RoleDefinitionRead,
    ScopeParams,
    ScopeRead,
    StaffAccountRead,
)
from services.staff.service import check_password, role_named, staff_service

STAFF = "staff"


def _scope(params: ScopeParams) -> dict[str, object]:
    return {
        "region_code": params.region_code,
        "department_id": params.department_id,
        "hall_id": params.hall_id,
    }


def _read(account: StaffAccount, assignments: list[RoleAssignment]) -> StaffAccountRead:
    return StaffAccountRead(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        active=account.active,
        locked_until=account.locked_until,
        last_login_at=account.last_login_at,
        created_at=account.created_at,
        assignments=[
            AssignmentRead(
                id=a.id,
                role_code=a.role.code,
                role_name=a.role.name_zh,
                scope=ScopeRead(
                    region_code=a.region_code, department_id=a.department_id, hall_id=a.hall_id
                ),
            )
            for a in assignments
        ],
    )


async def _account(staff_id: int) -> StaffAccount:
    account = await repository.staff_by_id(staff_id)
    if account is None:
        raise StaffNotFound()
    return account


async def read(staff_id: int) -> StaffAccountRead:
    account = await _account(staff_id)
    return _read(account, await repository.assignments_of(account.id))


def _not_myself(admin: StaffPrincipal, staff_id: int) -> None:
    if admin.staff_id == staff_id:
        raise StaffOwnAccount()


async def accounts(query: AccountsQuery) -> Page[StaffAccountRead]:
    after_id = cursor_id(decode_cursor(query.cursor), "after_id")
    rows = await repository.accounts(query.q, after_id, query.limit + 1)
    page = page_of(rows, query.limit, lambda account: {"after_id": account.id})
    held: defaultdict[int, list[RoleAssignment]] = defaultdict(list)
    for assignment in await repository.assignments_of_many([a.id for a in page.items]):
        held[assignment.staff_id].append(assignment)
    return Page[StaffAccountRead].of(page, lambda account: _read(account, held[account.id]))


async def roles() -> list[RoleDefinitionRead]:
    await role_named("admin")  # writes the built-in roles if the table lacks them
    return [
        RoleDefinitionRead(
            code=role.code,
            name_zh=role.name_zh,
            name_en=role.name_en,
            permissions=list(role.permissions),
        )
        for role in await repository.roles()
    ]


async def create(params: AccountCreate) -> StaffAccountRead:
    account = await staff_service.create(
        params.username,
        params.password,
        params.role_code,
        display_name=params.display_name,
        region_code=params.region_code,
        department_id=params.department_id,
        hall_id=params.hall_id,
    )
    return await read(account.id)


async def grant(params: GrantParams) -> StaffAccountRead:
    await _account(params.staff_id)
    async with unit_of_work():
        role = await role_named(params.role_code)
        await repository.add_assignment(params.staff_id, role, **_scope(params))
    return await read(params.staff_id)


async def revoke(admin: StaffPrincipal, staff_id: int, assignment_id: int) -> StaffAccountRead:
    _not_myself(admin, staff_id)
    if not await repository.remove_assignment(staff_id, assignment_id):
        raise StaffAssignmentNotFound()
    return await read(staff_id)


async def set_active(admin: StaffPrincipal, staff_id: int, active: bool) -> StaffAccountRead:
    await _account(staff_id)
    if not active:
        _not_myself(admin, staff_id)
    await repository.set_active(staff_id, active)
    if not active:
        for session_id in await identity_repo.live_sessions_of(STAFF, staff_id):
            await tokens.revoke(session_id, reason="disabled")
    return await read(staff_id)


async def unlock(staff_id: int) -> StaffAccountRead:
    await _account(staff_id)
    await repository.unlock_account(staff_id)
    return await read(staff_id)


async def reset_password(staff_id: int, password: str) -> StaffAccountRead:
    """A new password set by an administrator; it also lifts a lock."""
    await _account(staff_id)
    check_password(password)
    await repository.set_password_hash(staff_id, hash_password(password))
    return await read(staff_id)
