"""Staff read the audit log through the gateway, filtered; a role without audit.read cannot."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.staff.service import staff_service

PASSWORD = "correct horse battery"


async def staff_token(client: httpx.AsyncClient, username: str, role: str) -> str:
    await staff_service.create(username, PASSWORD, role)
    response = await client.post(
        "/api/v1/staff/login", json={"username": username, "password": PASSWORD}
    )
    return str(response.json()["data"]["access_token"])


async def read_log(client: httpx.AsyncClient, token: str, **filters: Any) -> Any:
    response = await client.post(
        "/api/v1/services/audit/log",
        json=filters,
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()


class TestReadingTheAuditLog:
    @pytest.mark.asyncio
    async def test_an_auditor_filters_by_service_action_and_actor(
        self, client: httpx.AsyncClient
    ) -> None:
        auditor = await staff_token(client, "auditor1", "auditor")
        await staff_token(client, "clerk1", "window_clerk")
        everything = await read_log(client, auditor)
        assert everything["code"] == "OK", everything
        rows = everything["data"]["items"]
        assert rows, "the sign-ins were audited"
        assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
        first = rows[-1]
        same = await read_log(
            client,
            auditor,
            service=first["service"],
            action=first["action"],
            actor_type=first["actor_type"],
        )
        assert same["data"]["items"]
        assert all(
            (r["service"], r["action"], r["actor_type"])
            == (first["service"], first["action"], first["actor_type"])
            for r in same["data"]["items"]
        )
        logins = (await read_log(client, auditor, service=first["service"]))["data"]["items"]
        assert len(logins) >= 2  # reading the log is audited too: page within one service
        first_page = await read_log(client, auditor, service=first["service"], limit=1)
        assert [r["id"] for r in first_page["data"]["items"]] == [logins[0]["id"]]
        cursor = first_page["data"]["next_cursor"]
        second = await read_log(client, auditor, service=first["service"], limit=1, cursor=cursor)
        assert [r["id"] for r in second["data"]["items"]] == [logins[1]["id"]]
        none = await read_log(client, auditor, **{"from": "2100-01-01"})
        assert none["data"] == {"items": [], "next_cursor": None}

    @pytest.mark.asyncio
    async def test_a_clerk_is_refused(self, client: httpx.AsyncClient) -> None:
        clerk = await staff_token(client, "clerk2", "window_clerk")
        refused = await read_log(client, clerk)
        assert refused["code"] == "PERMISSION_DENIED"
        assert refused["data"] is None
