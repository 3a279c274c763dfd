"""Calls of catalogue actions over HTTP and through `Gateway.invoke`, and staff principals."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.schemas import ServiceRequest, ServiceResult, StaffPrincipal, StaffScope
from gateway.service import Gateway

CITY, SIMING, HAICANG, HULI = "350200", "350203", "350205", "350206"
GULOU = "350102"  # 福州市鼓楼区: in the region tree, offers no demo item
HAIHONG = "350205001001"  # a community of 海沧街道, 海沧区


async def call(
    client: httpx.AsyncClient, action: str, params: dict[str, Any] | None = None, *, lang: str = ""
) -> httpx.Response:
    headers = {"Accept-Language": lang} if lang else {}
    return await client.post(
        f"/api/v1/services/catalog/{action}", json=params or {}, headers=headers
    )


async def data(client: httpx.AsyncClient, action: str, params: dict[str, Any] | None = None) -> Any:
    response = await call(client, action, params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def staff(
    *scopes: StaffScope, permissions: frozenset[str] = frozenset({"catalog.edit"})
) -> StaffPrincipal:
    return StaffPrincipal(
        staff_id=7,
        username="editor",
        permissions=permissions,
        scopes=scopes,
        session_id="session-7",
    )


async def edit(gateway: Gateway, principal: StaffPrincipal | None, **params: Any) -> ServiceResult:
    return await gateway.invoke(
        ServiceRequest(
            service="catalog",
            action="update-implementation",
            params=params,
            principal=principal,
            client_ip="10.0.0.7",
        )
    )
