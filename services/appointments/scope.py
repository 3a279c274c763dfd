"""Whether a staff member may act at a hall: their scopes against the hall and its region."""

from __future__ import annotations

import re
from collections.abc import Collection

from gateway.schemas import StaffPrincipal, StaffScope
from services.appointments.errors import OutOfScope
from services.catalog.models import Hall

_CODE_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")


def region_codes(hall: Hall) -> frozenset[str]:
    """The codes of the hall's region and every region above it (needs `hall.region` loaded)."""
    region = hall.region
    return frozenset({region.code, *filter(None, _CODE_SEPARATORS.split(region.path))})


def scope_covers(scope: StaffScope, hall_id: int, regions: Collection[str]) -> bool:
    """A hall scope covers its hall only; a department scope covers no hall (departments do not
    run halls); a region scope covers every hall in or below the region; an empty scope, all."""
    if scope.hall_id is not None:
        return scope.hall_id == hall_id
    if scope.department_id is not None:
        return False
    return scope.region_code is None or scope.region_code in regions


def require_hall(staff: StaffPrincipal, hall: Hall) -> None:
    """OUT_OF_SCOPE unless one of the staff member's scopes covers the hall."""
    regions = region_codes(hall)
    if not any(scope_covers(scope, hall.id, regions) for scope in staff.scopes):
        raise OutOfScope()
