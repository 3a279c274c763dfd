"""Calling a gateway action as a signed-in resident, and reading its answer."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel, ServiceRequest, ServiceResult


async def invoke_as_resident(
    app: FastAPI,
    service: str,
    action: str,
    params: dict[str, Any],
    citizen_id: int,
    level: IdentityLevel = IdentityLevel.REAL_NAME,
    locale: str = "zh-CN",
) -> ServiceResult:
    principal = CitizenPrincipal(citizen_id, level, "session", Channel.APP)
    request = ServiceRequest(
        service,
        action,
        params,
        channel=Channel.APP,
        principal=principal,
        client_ip="10.0.0.1",
        locale=locale,
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


def ok(result: ServiceResult) -> dict[str, Any]:
    assert result.ok, (result.code, result.message)
    data: dict[str, Any] = result.data
    return data


def refused(result: ServiceResult) -> str:
    assert not result.ok, result.data
    return str(result.code)
