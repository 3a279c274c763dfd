"""The demo catalogue, residents, and calls as residents and as a department's staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from fastapi import FastAPI

from gateway.schemas import (
    IdentityLevel,
    ServiceRequest,
    ServiceResult,
    StaffPrincipal,
    StaffScope,
)
from services.catalog.models import Department
from services.catalog.seed import seed_catalog
from tests.as_resident import invoke_as_resident, ok, refused
from tests.notify.helpers import make_resident

HOUSING = "350200-housing_fund"
TRANSPORT = "350200-transport"


@pytest_asyncio.fixture
async def catalog(db: None) -> AsyncIterator[None]:
    await seed_catalog(lambda _: None)
    yield


async def resident(phone: str = "13700137000") -> int:
    return await make_resident(phone=phone)


async def department_id(code: str) -> int:
    return (await Department.get(code=code)).id


async def as_resident(
    app: FastAPI, action: str, params: dict[str, Any], citizen_id: int
) -> ServiceResult:
    return await invoke_as_resident(
        app, "consultations", action, params, citizen_id, IdentityLevel.LOGGED_IN
    )


async def as_staff(
    app: FastAPI, action: str, params: dict[str, Any], department: str | None
) -> ServiceResult:
    """As a handler of `department` (None: of every department)."""
    scope = StaffScope(department_id=await department_id(department)) if department else None
    principal = StaffPrincipal(
        7,
        "handler",
        frozenset({"consultations.answer"}),
        (scope or StaffScope(),),
        "session",
    )
    request = ServiceRequest(
        "consultations", action, params, principal=principal, client_ip="10.0.0.2"
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


async def anonymous(app: FastAPI, action: str, params: dict[str, Any]) -> ServiceResult:
    request = ServiceRequest("consultations", action, params, client_ip="10.0.0.3")
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


__all__ = ["ok", "refused"]
