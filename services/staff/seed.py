"""Demo staff: an administrator, window clerks and an application reviewer, with documented
demo passwords."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.staff import repository
from services.staff.roles import BUILTIN_ROLES
from services.staff.service import staff_service


@dataclass(frozen=True, slots=True)
class DemoStaff:
    username: str
    display_name: str
    role: str
    password: str
    region_code: str | None = None


# Demo only: `govhub seed` prints these; never seed them into a production database.
DEMO_STAFF = (
    DemoStaff("admin", "系统管理员", "admin", "GovHub-admin-demo"),
    # Clerks of two demo districts: 思明区 (350203) and 海沧区 (350205) each run a hall.
    DemoStaff("clerk", "窗口工作人员（演示）", "window_clerk", "GovHub-clerk-demo", "350203"),
    DemoStaff(
        "clerk2", "窗口工作人员（海沧，演示）", "window_clerk", "GovHub-clerk-demo", "350205"
    ),
    # Reviews the online applications of the city's departments and of every district below.
    DemoStaff(
        "reviewer", "办件审核员（演示）", "application_reviewer", "GovHub-reviewer-demo", "350200"
    ),
)


async def seed_staff(say: Callable[[str], object] = print) -> None:
    """Creates the built-in roles and the demo accounts that are missing."""
    await repository.ensure_roles(list(BUILTIN_ROLES.values()))
    for demo in DEMO_STAFF:
        if await repository.staff_by_username(demo.username) is not None:
            say(f"staff: {demo.username} exists (left as it is)")
            continue
        await staff_service.create(
            demo.username,
            demo.password,
            demo.role,
            display_name=demo.display_name,
            region_code=demo.region_code,
        )
        say(f"staff: {demo.username} / {demo.password} ({demo.role})")
