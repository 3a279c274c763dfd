"""Staff sign-in: argon2id passwords, lockout, audit rows, tokens carrying permissions."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from pydantic import BaseModel

from channels.identity.service import authenticate
from channels.identity.tokens import decode_access_token
from config.runtime import Runtime
from gateway.models import AuditLog
from gateway.registry import Registry, Service
from gateway.schemas import ServiceRequest, StaffPrincipal, StaffScope
from gateway.service import Gateway
from services.staff.errors import StaffSetupError
from services.staff.models import StaffAccount
from services.staff.passwords import verify_password
from services.staff.seed import DEMO_STAFF, seed_staff
from services.staff.service import LOCK_DURATION, MAX_FAILURES, StaffService, staff_service
from tests.app.helpers import FakeClock, app_login, bearer, call

PASSWORD = "correct horse battery"


async def make_clerk(username: str = "clerk1", **scope: object) -> StaffAccount:
    return await staff_service.create(
        username,
        PASSWORD,
        "window_clerk",
        region_code="110105",
        hall_id=7,
        **scope,  # type: ignore[arg-type]
    )


async def staff_login(
    client: httpx.AsyncClient, username: str = "clerk1", password: str = PASSWORD
) -> httpx.Response:
    return await client.post(
        "/api/v1/staff/login",
        json={"username": username, "password": password},
        headers={"Accept-Language": "en"},
    )


class TestPasswords:
    @pytest.mark.asyncio
    async def test_passwords_are_kept_as_argon2id_hashes(self, db: None) -> None:
        account = await make_clerk()
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
        assert verify_password(account.password_hash, PASSWORD)
        assert not verify_password(account.password_hash, PASSWORD + "!")

    @pytest.mark.asyncio
    async def test_weak_passwords_and_unknown_roles_are_refused(self, db: None) -> None:
        with pytest.raises(StaffSetupError, match="STAFF_PASSWORD_TOO_SHORT"):
            await staff_service.create("short", "tiny", "window_clerk")
        with pytest.raises(StaffSetupError, match="STAFF_ROLE_UNKNOWN"):
            await staff_service.create("nobody", PASSWORD, "emperor")
        with pytest.raises(StaffSetupError, match="STAFF_USERNAME_INVALID"):
            await staff_service.create("no spaces", PASSWORD, "window_clerk")
        await make_clerk()
        with pytest.raises(StaffSetupError, match="STAFF_USERNAME_TAKEN"):
            await make_clerk("CLERK1")


class TestSignIn:
    @pytest.mark.asyncio
    async def test_the_token_carries_permissions_and_scopes(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_clerk()
        response = await staff_login(client, "Clerk1")
        assert response.status_code == 200, response.text
        principal = decode_access_token(response.json()["data"]["access_token"])
        assert isinstance(principal, StaffPrincipal)
        assert principal.username == "clerk1"
        assert {"staff.self", "queue.call"} <= principal.permissions
        assert principal.scopes == (StaffScope(region_code="110105", hall_id=7),)

    @pytest.mark.asyncio
    async def test_staff_me_through_the_gateway(self, client: httpx.AsyncClient) -> None:
        await make_clerk()
        token = (await staff_login(client)).json()["data"]["access_token"]
        me = await call(client, "staff", "me", token, channel="web")
        assert me.status_code == 200, me.text
        data = me.json()["data"]
        assert data["username"] == "clerk1"
        assert data["roles"][0]["code"] == "window_clerk"
        assert data["roles"][0]["scope"] == {
            "region_code": "110105",
            "department_id": None,
            "hall_id": 7,
        }

    @pytest.mark.asyncio
    async def test_unknown_user_and_wrong_password_look_the_same(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_clerk()
        unknown = await staff_login(client, "ghost")
        wrong = await staff_login(client, "clerk1", "wrong password")
        assert unknown.status_code == wrong.status_code == 401
        assert unknown.json()["code"] == wrong.json()["code"] == "STAFF_LOGIN_FAILED"
        assert unknown.json()["message"] == wrong.json()["message"]
        assert unknown.json()["data"] == wrong.json()["data"] is None

    @pytest.mark.asyncio
    async def test_a_disabled_account_is_refused_only_with_the_right_password(
        self, client: httpx.AsyncClient
    ) -> None:
        account = await make_clerk()
        account.active = False
        await account.save(update_fields=["active"])
        assert (await staff_login(client, password="nope")).json()["code"] == "STAFF_LOGIN_FAILED"
        response = await staff_login(client)
        assert response.status_code == 403
        assert response.json()["code"] == "STAFF_DISABLED"


class TestLockout:
    @pytest.mark.asyncio
    async def test_five_failures_lock_the_account_for_fifteen_minutes(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_clerk()
        codes = [
            (await staff_login(client, password="wrong")).json()["code"]
            for _ in range(MAX_FAILURES)
        ]
        assert codes == ["STAFF_LOGIN_FAILED"] * (MAX_FAILURES - 1) + ["STAFF_LOCKED"]
        locked = await staff_login(client)  # even the right password waits
        assert locked.status_code == 423
        assert locked.json()["code"] == "STAFF_LOCKED"
        assert "locked until" in locked.json()["message"]
        assert locked.json()["data"]["locked_until"]

        account = await StaffAccount.get(username="clerk1")
        assert account.locked_until is not None
        later = FakeClock(account.locked_until - LOCK_DURATION + timedelta(minutes=14))
        with pytest.raises(Exception, match="STAFF_LOCKED"):
            await StaffService(clock=later).login("clerk1", PASSWORD)
        later.advance(minutes=1, seconds=1)
        pair = await StaffService(clock=later).login("clerk1", PASSWORD)
        assert pair.access_token
        assert (await StaffAccount.get(username="clerk1")).locked_until is None

    @pytest.mark.asyncio
    async def test_a_success_clears_earlier_failures(self, client: httpx.AsyncClient) -> None:
        await make_clerk()
        for _ in range(MAX_FAILURES - 1):
            await staff_login(client, password="wrong")
        assert (await staff_login(client)).status_code == 200
        for _ in range(MAX_FAILURES - 1):
            assert (await staff_login(client, password="wrong")).json()[
                "code"
            ] == "STAFF_LOGIN_FAILED"


class TestAudit:
    @pytest.mark.asyncio
    async def test_every_sign_in_writes_an_audit_row(self, client: httpx.AsyncClient) -> None:
        account = await make_clerk()
        await staff_login(client)
        await staff_login(client, password="wrong")
        await staff_login(client, "ghost", "whatever")
        rows = await AuditLog.filter(service="staff", action="login").order_by("id")
        assert [(r.actor_id, r.outcome) for r in rows] == [
            (account.id, "OK"),
            (account.id, "STAFF_LOGIN_FAILED"),
            (None, "STAFF_LOGIN_FAILED"),
        ]
        assert all(r.client_ip == "10.1.2.3" for r in rows)
        assert all(PASSWORD not in repr(r.params) for r in rows)


class Nothing(BaseModel):
    pass


class Done(BaseModel):
    done: bool


class TestPermissions:
    @pytest.mark.asyncio
    async def test_a_permission_the_roles_lack_is_denied(
        self, client: httpx.AsyncClient, rt: Runtime
    ) -> None:
        editing = Service("editing", "编辑", "Editing")

        @editing.action(permission="catalog.edit")
        async def publish(request: ServiceRequest, params: Nothing) -> Done:
            return Done(done=True)

        gateway = Gateway(Registry([editing]), rt.store, authenticator=authenticate)
        await make_clerk()
        await staff_service.create("boss", PASSWORD, "admin")
        clerk = (await staff_login(client)).json()["data"]["access_token"]
        admin = (await staff_login(client, "boss")).json()["data"]["access_token"]
        resident = (await app_login(client))["access_token"]

        def publish_as(token: str) -> ServiceRequest:
            return ServiceRequest("editing", "publish", {}, credentials=token)

        assert (await gateway.invoke(publish_as(clerk))).code == "PERMISSION_DENIED"
        assert (await gateway.invoke(publish_as(admin))).data == {"done": True}
        assert (await gateway.invoke(publish_as(resident))).code == "STAFF_ONLY"

    @pytest.mark.asyncio
    async def test_staff_and_residents_use_their_own_actions(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_clerk()
        staff_token = (await staff_login(client)).json()["data"]["access_token"]
        resident = (await app_login(client))["access_token"]
        assert (await call(client, "staff", "me", resident)).json()["code"] == "STAFF_ONLY"
        assert (await call(client, "account", "me", staff_token)).json()["code"] == "LOGIN_REQUIRED"


class TestStaffSessions:
    @pytest.mark.asyncio
    async def test_refresh_rotates_and_logout_revokes(self, client: httpx.AsyncClient) -> None:
        await make_clerk()
        first = (await staff_login(client)).json()["data"]
        citizen_door = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert citizen_door.json()["code"] == "TOKEN_INVALID"
        rotated = await client.post(
            "/api/v1/staff/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert rotated.status_code == 200, rotated.text
        second = rotated.json()["data"]
        out = await client.post("/api/v1/staff/logout", headers=bearer(second["access_token"]))
        assert out.status_code == 200
        after = await call(client, "staff", "me", second["access_token"])
        assert after.json()["code"] == "TOKEN_REVOKED"

    @pytest.mark.asyncio
    async def test_a_deactivated_member_cannot_refresh(self, client: httpx.AsyncClient) -> None:
        account = await make_clerk()
        tokens = (await staff_login(client)).json()["data"]
        account.active = False
        await account.save(update_fields=["active"])
        response = await client.post(
            "/api/v1/staff/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert response.json()["code"] == "STAFF_DISABLED"


class TestSeed:
    @pytest.mark.asyncio
    async def test_seeding_twice_changes_nothing_and_demo_passwords_work(
        self, client: httpx.AsyncClient
    ) -> None:
        said: list[str] = []
        await seed_staff(said.append)
        await seed_staff(said.append)
        assert await StaffAccount.all().count() == len(DEMO_STAFF)
        for demo in DEMO_STAFF:
            assert any(demo.password in line for line in said)
            response = await staff_login(client, demo.username, demo.password)
            assert response.status_code == 200, response.text

    @pytest.mark.asyncio
    async def test_the_demo_reviewer_handles_applications_and_clerks_do_not(
        self, client: httpx.AsyncClient
    ) -> None:
        await seed_staff(lambda _: None)
        answers: dict[str, str] = {}
        for username in ("reviewer", "clerk"):
            demo = next(d for d in DEMO_STAFF if d.username == username)
            token = (await staff_login(client, demo.username, demo.password)).json()["data"]
            inbox = await call(client, "applications", "inbox", token["access_token"], {})
            answers[username] = inbox.json()["code"]
        assert answers == {"reviewer": "OK", "clerk": "PERMISSION_DENIED"}
