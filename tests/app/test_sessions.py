"""App sessions: login, authenticated calls, refresh rotation, reuse detection, logout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import orjson
import pytest
from jwt.utils import base64url_encode

from channels.app.service import APP_ID
from channels.identity.service import sign_in_channel_account
from channels.identity.tokens import TokenService, decode_access_token
from config.runtime import Runtime
from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel
from tests.app.helpers import PHONE, FakeClock, app_login, bearer, call


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


class TestLoginToRevocation:
    @pytest.mark.asyncio
    async def test_the_whole_life_of_a_session(self, client: httpx.AsyncClient) -> None:
        first = await app_login(client)
        assert first["token_type"] == "Bearer"
        assert first["expires_in"] == 900

        me = await call(client, "account", "me", first["access_token"])
        assert me.status_code == 200, me.text
        assert me.json()["data"]["phone"] == "138****5678"
        assert me.json()["data"]["level"] == "logged_in"
        assert me.json()["data"]["channel"] == "app"

        rotated = await refresh(client, first["refresh_token"])
        assert rotated.status_code == 200, rotated.text
        second = rotated.json()["data"]
        assert second["refresh_token"] != first["refresh_token"]
        assert (await call(client, "account", "me", second["access_token"])).status_code == 200

        reused = await refresh(client, first["refresh_token"])
        assert reused.status_code == 401
        assert reused.json()["code"] == "REFRESH_TOKEN_REUSED"

        # the whole family is gone: the newer refresh token and the newer access token too
        family = await refresh(client, second["refresh_token"])
        assert family.json()["code"] == "TOKEN_REVOKED"
        after = await call(client, "account", "me", second["access_token"])
        assert after.status_code == 401
        assert after.json()["code"] == "TOKEN_REVOKED"

    @pytest.mark.asyncio
    async def test_logout_ends_the_access_token_at_once(self, client: httpx.AsyncClient) -> None:
        tokens = await app_login(client)
        out = await client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
        assert out.status_code == 200, out.text
        after = await call(client, "account", "me", tokens["access_token"])
        assert after.status_code == 401
        assert after.json()["code"] == "TOKEN_REVOKED"
        assert (await refresh(client, tokens["refresh_token"])).json()["code"] == "TOKEN_REVOKED"

    @pytest.mark.asyncio
    async def test_logout_leaves_other_sessions_alone(self, client: httpx.AsyncClient) -> None:
        phone_one = await app_login(client)
        await client.post("/api/v1/auth/logout", headers=bearer(phone_one["access_token"]))
        other = await app_login(client, "13700002222")
        assert (await call(client, "account", "me", other["access_token"])).status_code == 200

    @pytest.mark.asyncio
    async def test_logout_needs_a_token(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/auth/logout")
        assert response.status_code == 401
        assert response.json()["code"] == "LOGIN_REQUIRED"


class TestAccessTokens:
    @pytest.mark.asyncio
    async def test_claims_name_the_citizen_level_channel_and_session(
        self, client: httpx.AsyncClient
    ) -> None:
        tokens = await app_login(client)
        principal = decode_access_token(tokens["access_token"])
        assert isinstance(principal, CitizenPrincipal)
        assert principal.level == IdentityLevel.LOGGED_IN
        assert principal.channel == Channel.APP
        assert len(principal.session_id) == 32

    @pytest.mark.asyncio
    async def test_an_expired_access_token_is_refused(
        self, client: httpx.AsyncClient, rt: Runtime
    ) -> None:
        clock = FakeClock(datetime.now(UTC) - timedelta(minutes=16))
        principal = CitizenPrincipal(1, IdentityLevel.LOGGED_IN, "")
        old = await TokenService(clock=clock).start(principal)
        response = await call(client, "account", "me", old.access_token)
        assert response.status_code == 401
        assert response.json()["code"] == "TOKEN_EXPIRED"

    @pytest.mark.asyncio
    async def test_a_token_checked_before_is_still_refused_once_it_expires(
        self, client: httpx.AsyncClient
    ) -> None:
        tokens = await app_login(client)
        expires_at = jwt.decode(tokens["access_token"], options={"verify_signature": False})["exp"]
        decode_access_token(tokens["access_token"])  # verified, and remembered
        assert decode_access_token(tokens["access_token"], now=expires_at - 1)
        with pytest.raises(GovError) as expired:
            decode_access_token(tokens["access_token"], now=expires_at)
        assert expired.value.code == Code.TOKEN_EXPIRED

    @pytest.mark.asyncio
    async def test_a_forged_or_altered_token_is_refused(self, client: httpx.AsyncClient) -> None:
        tokens = await app_login(client)
        claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        forged = jwt.encode({**claims, "lvl": 2}, "another-key-entirely-000000000000", "HS256")
        head, _, signature = tokens["access_token"].split(".")
        raised = base64url_encode(orjson.dumps({**claims, "lvl": 2})).decode()
        altered = f"{head}.{raised}.{signature}"
        unsigned = jwt.encode(claims, "", algorithm="none")
        for token in (forged, altered, unsigned, tokens["refresh_token"], "garbage"):
            response = await call(client, "account", "me", token)
            assert response.status_code == 401, token
            assert response.json()["code"] == "TOKEN_INVALID"

    @pytest.mark.asyncio
    async def test_an_unknown_refresh_token_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await refresh(client, "not-a-token")
        assert response.status_code == 401
        assert response.json()["code"] == "TOKEN_INVALID"


class TestSameCitizenAgain:
    @pytest.mark.asyncio
    async def test_signing_in_again_with_the_phone_finds_the_same_citizen(
        self, client: httpx.AsyncClient
    ) -> None:
        first = decode_access_token((await app_login(client))["access_token"])
        again = await sign_in_channel_account(Channel.APP, APP_ID, f"+86 {PHONE}", phone=PHONE)
        second = decode_access_token(again.access_token)
        assert isinstance(first, CitizenPrincipal)
        assert isinstance(second, CitizenPrincipal)
        assert first.citizen_id == second.citizen_id
        assert first.session_id != second.session_id
