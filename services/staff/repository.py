"""Every query of the staff tables (and the audit rows of staff sign-ins)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from gateway.models import AuditLog
from services.staff.models import Role, RoleAssignment, StaffAccount
from services.staff.roles import RoleSpec


async def staff_by_username(username: str) -> StaffAccount | None:
    return await StaffAccount.get_or_none(username=username)


async def staff_by_id(staff_id: int) -> StaffAccount | None:
    return await StaffAccount.get_or_none(id=staff_id)


async def record_failure(
    staff_id: int, now: datetime, max_failures: int, lock_for: timedelta
) -> datetime | None:
    """Counts one wrong password; at `max_failures` locks the account. The lock's end, if any.

    Call inside a transaction: the row is locked so concurrent failures all count.
    """
    account = await StaffAccount.filter(id=staff_id).select_for_update().first()
    if account is None:
        return None
    account.failed_attempts += 1
    locked_until = None
    if account.failed_attempts >= max_failures:
        locked_until = now + lock_for
        account.failed_attempts, account.locked_until = 0, locked_until
    await account.save(update_fields=["failed_attempts", "locked_until"])
    return locked_until


async def record_success(account: StaffAccount, now: datetime, new_hash: str | None) -> None:
    account.failed_attempts, account.locked_until, account.last_login_at = 0, None, now
    changed = ["failed_attempts", "locked_until", "last_login_at"]
    if new_hash is not None:
        account.password_hash = new_hash
        changed.append("password_hash")
    await account.save(update_fields=changed)


async def unlock(username: str) -> int:
    return await StaffAccount.filter(username=username).update(failed_attempts=0, locked_until=None)


async def assignments_of(staff_id: int) -> list[RoleAssignment]:
    return await RoleAssignment.filter(staff_id=staff_id).select_related("role").order_by("id")


async def ensure_roles(specs: list[RoleSpec]) -> None:
    """Creates the missing roles; existing rows (maybe edited) stay as they are."""
    rows = await Role.filter(code__in=[s.code for s in specs]).values_list("code", flat=True)
    existing = {str(code) for code in rows}
    for spec in specs:
        if spec.code not in existing:
            await Role.create(
                code=spec.code,
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                permissions=list(spec.permissions),
            )


async def role_by_code(code: str) -> Role | None:
    return await Role.get_or_none(code=code)


async def create_staff(
    username: str, display_name: str, password_hash: str, role: Role, **scope: Any
) -> StaffAccount:
    account = await StaffAccount.create(
        username=username, display_name=display_name, password_hash=password_hash
    )
    await RoleAssignment.create(staff=account, role=role, **scope)
    return account


async def write_audit(**entry: Any) -> None:
    await AuditLog.create(**entry)


# ------------------------------------------------------------------------------ administration


async def accounts(q: str | None, after_id: int | None, limit: int) -> list[StaffAccount]:
    """Accounts in the order created, after `after_id`, matching `q` in either name."""
    query = StaffAccount.all()
    if q:
        query = query.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(limit)


async def assignments_of_many(staff_ids: list[int]) -> list[RoleAssignment]:
    return await RoleAssignment.filter(staff_id__in=staff_ids).select_related("role").order_by("id")


async def roles() -> list[Role]:
    return await Role.all().order_by("id")


async def add_assignment(staff_id: int, role: Role, **scope: Any) -> None:
    """One role in one scope; holding the same twice adds nothing."""
    await RoleAssignment.get_or_create(staff_id=staff_id, role=role, **scope)


async def remove_assignment(staff_id: int, assignment_id: int) -> int:
    return await RoleAssignment.filter(id=assignment_id, staff_id=staff_id).delete()


async def set_active(staff_id: int, active: bool) -> None:
    await StaffAccount.filter(id=staff_id).update(active=active)


async def unlock_account(staff_id: int) -> None:
    await StaffAccount.filter(id=staff_id).update(failed_attempts=0, locked_until=None)


async def set_password_hash(staff_id: int, password_hash: str) -> None:
    await StaffAccount.filter(id=staff_id).update(
        password_hash=password_hash, failed_attempts=0, locked_until=None
    )
