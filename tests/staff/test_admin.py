"""Staff administration through the gateway: accounts, roles and scopes, disabling, unlocking
and password resets, each audited and none open to a role without `staff.manage`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.models import AuditLog
from services.staff.service import staff_service
from tests.app.helpers import call
from tests.staff.test_staff import PASSWORD, make_clerk, staff_login


async def token(client: httpx.AsyncClient, username: str) -> str:
    response = await staff_login(client, username)
    assert response.status_code == 200, response.text
    value: str = response.json()["data"]["access_token"]
    return value


async def as_admin(client: httpx.AsyncClient) -> str:
    await staff_service.create("boss", PASSWORD, "admin")
    return await token(client, "boss")


async def act(
    client: httpx.AsyncClient, bearer: str, action: str, params: dict[str, Any]
) -> dict[str, Any]:
    envelope: dict[str, Any] = (await call(client, "staff", action, bearer, params)).json()
    return envelope


class TestAccounts:
    @pytest.mark.asyncio
    async def test_an_admin_creates_an_account_that_can_sign_in_with_its_role(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await as_admin(client)
        made = await act(
            client,
            admin,
            "create-account",
            {
                "username": "Li.Na",
                "display_name": "李娜",
                "password": PASSWORD,
                "role_code": "window_clerk",
                "hall_id": 3,
            },
        )
        assert made["code"] == "OK", made
        assert made["data"]["username"] == "li.na"
        assert made["data"]["assignments"][0]["role_code"] == "window_clerk"
        assert made["data"]["assignments"][0]["scope"]["hall_id"] == 3
        clerk = await token(client, "li.na")
        me = await act(client, clerk, "me", {})
        assert "queue.call" in me["data"]["permissions"]
        row = await AuditLog.filter(service="staff", action="create-account").first()
        assert row is not None
        assert PASSWORD not in str(row.params)

    @pytest.mark.asyncio
    async def test_bad_requests_get_their_own_codes(self, client: httpx.AsyncClient) -> None:
        admin = await as_admin(client)
        base = {"display_name": "x", "password": PASSWORD, "role_code": "window_clerk"}
        cases = [
            ({**base, "username": "boss"}, "STAFF_USERNAME_TAKEN"),
            ({**base, "username": "has space"}, "STAFF_USERNAME_INVALID"),
            ({**base, "username": "ok", "password": "short"}, "STAFF_PASSWORD_TOO_SHORT"),
            ({**base, "username": "ok", "role_code": "emperor"}, "STAFF_ROLE_UNKNOWN"),
            ({**base, "username": "ok", "region_code": "abc"}, "VALIDATION_FAILED"),
        ]
        for params, code in cases:
            answer = await act(client, admin, "create-account", params)
            assert answer["code"] == code, (params, answer)
            assert answer["message"]

    @pytest.mark.asyncio
    async def test_accounts_are_listed_with_their_roles_a_page_at_a_time(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await as_admin(client)
        for n in range(3):
            await make_clerk(f"clerk{n}")
        first = await act(client, admin, "accounts", {"limit": 2})
        assert [a["username"] for a in first["data"]["items"]] == ["boss", "clerk0"]
        rest = await act(client, admin, "accounts", {"cursor": first["data"]["next_cursor"]})
        assert [a["username"] for a in rest["data"]["items"]] == ["clerk1", "clerk2"]
        found = await act(client, admin, "accounts", {"q": "CLERK2"})
        assert [a["username"] for a in found["data"]["items"]] == ["clerk2"]
        assert found["data"]["items"][0]["assignments"][0]["scope"]["hall_id"] == 7
        roles = await act(client, admin, "roles", {})
        assert {"admin", "window_clerk", "hall_admin"} <= {r["code"] for r in roles["data"]}

    @pytest.mark.asyncio
    async def test_a_clerk_cannot_manage_staff(self, client: httpx.AsyncClient) -> None:
        await make_clerk()
        clerk = await token(client, "clerk1")
        for action in ("accounts", "roles", "create-account", "set-active", "grant-role"):
            answer = await act(client, clerk, action, {})
            assert answer["code"] == "PERMISSION_DENIED", action


class TestRolesAndAccess:
    @pytest.mark.asyncio
    async def test_grant_and_revoke_a_role(self, client: httpx.AsyncClient) -> None:
        admin = await as_admin(client)
        clerk = await make_clerk()
        granted = await act(
            client, admin, "grant-role", {"staff_id": clerk.id, "role_code": "finance"}
        )
        codes = [a["role_code"] for a in granted["data"]["assignments"]]
        assert codes == ["window_clerk", "finance"]
        again = await act(
            client, admin, "grant-role", {"staff_id": clerk.id, "role_code": "finance"}
        )
        assert len(again["data"]["assignments"]) == 2  # the same role twice adds nothing
        finance = granted["data"]["assignments"][1]["id"]
        revoked = await act(
            client, admin, "revoke-role", {"staff_id": clerk.id, "assignment_id": finance}
        )
        assert [a["role_code"] for a in revoked["data"]["assignments"]] == ["window_clerk"]
        missing = await act(
            client, admin, "revoke-role", {"staff_id": clerk.id, "assignment_id": finance}
        )
        assert missing["code"] == "STAFF_ASSIGNMENT_NOT_FOUND"
        nobody = await act(client, admin, "grant-role", {"staff_id": 999, "role_code": "finance"})
        assert nobody["code"] == "STAFF_NOT_FOUND"

    @pytest.mark.asyncio
    async def test_disabling_ends_the_sign_in_and_refuses_the_next(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await as_admin(client)
        clerk = await make_clerk()
        clerk_token = await token(client, "clerk1")
        off = await act(client, admin, "set-active", {"staff_id": clerk.id, "active": False})
        assert off["data"]["active"] is False
        assert (await act(client, clerk_token, "me", {}))["code"] == "TOKEN_REVOKED"
        assert (await staff_login(client)).json()["code"] == "STAFF_DISABLED"
        await act(client, admin, "set-active", {"staff_id": clerk.id, "active": True})
        assert (await staff_login(client)).status_code == 200

    @pytest.mark.asyncio
    async def test_an_admin_cannot_lock_themselves_out(self, client: httpx.AsyncClient) -> None:
        admin = await as_admin(client)
        me = (await act(client, admin, "me", {}))["data"]
        off = await act(client, admin, "set-active", {"staff_id": me["id"], "active": False})
        assert off["code"] == "STAFF_OWN_ACCOUNT"
        accounts = (await act(client, admin, "accounts", {}))["data"]["items"]
        own = accounts[0]["assignments"][0]["id"]
        mine = {"staff_id": me["id"], "assignment_id": own}
        revoke = await act(client, admin, "revoke-role", mine)
        assert revoke["code"] == "STAFF_OWN_ACCOUNT"

    @pytest.mark.asyncio
    async def test_unlock_and_reset_password(self, client: httpx.AsyncClient) -> None:
        admin = await as_admin(client)
        clerk = await make_clerk()
        for _ in range(5):
            await staff_login(client, password="wrong password!")
        assert (await staff_login(client)).json()["code"] == "STAFF_LOCKED"
        unlocked = await act(client, admin, "unlock", {"staff_id": clerk.id})
        assert unlocked["data"]["locked_until"] is None
        assert (await staff_login(client)).status_code == 200
        new = "a new long password"
        reset = await act(client, admin, "reset-password", {"staff_id": clerk.id, "password": new})
        assert reset["code"] == "OK"
        assert (await staff_login(client)).json()["code"] == "STAFF_LOGIN_FAILED"
        assert (await staff_login(client, password=new)).status_code == 200
        weak = await act(client, admin, "reset-password", {"staff_id": clerk.id, "password": "x"})
        assert weak["code"] == "STAFF_PASSWORD_TOO_SHORT"
