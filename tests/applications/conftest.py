"""The demo catalogue and its online forms, a real-name resident, and calls as residents and as
the handling department's staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI

from channels.identity.service import identity
from gateway.schemas import (
    ServiceRequest,
    ServiceResult,
    StaffPrincipal,
    StaffScope,
)
from services.applications.seed import seed_forms
from services.applications.settings import application_settings
from services.catalog.seed import seed_catalog
from tests.as_resident import invoke_as_resident, ok
from tests.notify.helpers import make_resident

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest_asyncio.fixture
async def forms(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(application_settings(), "storage_dir", str(tmp_path / "files"))
    await seed_catalog(lambda _: None)
    await seed_forms(lambda _: None)
    yield


async def resident(phone: str = "13700137000") -> int:
    return await make_resident(phone=phone)


async def as_resident(
    app: FastAPI, action: str, params: dict[str, Any], citizen_id: int
) -> ServiceResult:
    return await invoke_as_resident(app, "applications", action, params, citizen_id)


async def as_staff(
    app: FastAPI, action: str, params: dict[str, Any], department_id: int | None
) -> ServiceResult:
    principal = StaffPrincipal(
        5,
        "reviewer",
        frozenset({"applications.handle"}),
        (StaffScope(department_id=department_id),) if department_id else (StaffScope(),),
        "session",
    )
    request = ServiceRequest(
        "applications", action, params, principal=principal, client_ip="10.0.0.2"
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


__all__ = ["identity", "ok"]
