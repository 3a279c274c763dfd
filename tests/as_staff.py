"""Calling a gateway action as a staff member holding exactly some permissions."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from gateway.schemas import ServiceRequest, ServiceResult, StaffPrincipal


async def invoke_as_staff(
    app: FastAPI,
    service: str,
    action: str,
    params: dict[str, Any],
    permissions: frozenset[str],
) -> ServiceResult:
    principal = StaffPrincipal(1, "clerk", permissions, (), "session")
    request = ServiceRequest(service, action, params, principal=principal, client_ip="10.0.0.2")
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result
