"""Which departments a staff member's scopes cover: a department scope its department, a region
scope every department in or below the region, an empty scope all of them."""

from __future__ import annotations

from tortoise.expressions import Q

from gateway.schemas import StaffPrincipal
from services.catalog.models import Department


async def departments_covered(staff: StaffPrincipal) -> set[int] | None:
    """The ids of the departments covered, or None for every department."""
    ids: set[int] = set()
    regions: list[str] = []
    for scope in staff.scopes:
        if scope.hall_id is not None:
            continue  # a hall scope covers its hall, not a department
        if scope.department_id is not None:
            ids.add(scope.department_id)
        elif scope.region_code is None:
            return None
        else:
            regions.append(scope.region_code)
    if regions:
        within = Q(region__code__in=regions)
        for code in regions:
            within |= Q(region__path__contains=code)
        ids.update(department.id for department in await Department.filter(within))
    return ids


async def department_covered(staff: StaffPrincipal, department_id: int | None) -> bool:
    covered = await departments_covered(staff)
    return covered is None or (department_id is not None and department_id in covered)
