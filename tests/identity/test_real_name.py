"""Real-name verification raises the identity level; REAL_NAME actions then pass."""

from __future__ import annotations

import httpx
import pytest

from channels.identity.service import IdentityService
from channels.identity.tokens import decode_access_token
from channels.identity.verifiers import REAL_NAME_VERIFIERS, Verdict
from channels.identity.verifiers.sandbox import SandboxVerifier
from gateway.errors import GovError
from gateway.schemas import CitizenPrincipal
from tests.app.helpers import OTHER_PHONE, app_login, call

ID_NUMBER = "11010519491231002X"


async def verify(
    client: httpx.AsyncClient, token: str, id_number: str = ID_NUMBER
) -> httpx.Response:
    return await call(
        client, "account", "verify-real-name", token, {"name": "张三", "id_number": id_number}
    )


async def refresh(client: httpx.AsyncClient, token: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    assert response.status_code == 200, response.text
    data: dict[str, str] = response.json()["data"]
    return data


class RefusingVerifier:
    name = "refusing"

    async def verify(self, name: str, id_number: str) -> Verdict:
        return Verdict(matched=False)


class TestRealNameRaisesTheLevel:
    @pytest.mark.asyncio
    async def test_a_real_name_action_passes_after_verification(
        self, client: httpx.AsyncClient
    ) -> None:
        tokens = await app_login(client)
        before = await call(client, "account", "real-name", tokens["access_token"])
        assert before.status_code == 403
        assert before.json()["code"] == "REAL_NAME_REQUIRED"

        verified = await verify(client, tokens["access_token"])
        assert verified.status_code == 200, verified.text
        assert verified.json()["data"]["level"] == "real_name"
        assert verified.json()["data"]["tokens_stale"] is True

        fresh = await refresh(client, tokens["refresh_token"])
        principal = decode_access_token(fresh["access_token"])
        assert isinstance(principal, CitizenPrincipal)
        assert principal.level == 2
        after = await call(client, "account", "real-name", fresh["access_token"])
        assert after.status_code == 200, after.text
        assert after.json()["data"]["id_number"] == "110***********002X"
        assert after.json()["data"]["tokens_stale"] is False

    @pytest.mark.asyncio
    async def test_a_wrong_check_digit_is_refused(self, client: httpx.AsyncClient) -> None:
        tokens = await app_login(client)
        response = await verify(client, tokens["access_token"], "110105194912310021")
        assert response.status_code == 422
        assert response.json()["code"] == "ID_NUMBER_INVALID"

    @pytest.mark.asyncio
    async def test_verifying_again_with_the_same_number_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        tokens = await app_login(client)
        assert (await verify(client, tokens["access_token"])).status_code == 200
        assert (await verify(client, tokens["access_token"])).status_code == 200
        other = await verify(client, tokens["access_token"], "44052419850101001X")
        assert other.status_code == 409
        assert other.json()["code"] == "REAL_NAME_ALREADY_VERIFIED"


class TestOneIdNumberOneCitizen:
    @pytest.mark.asyncio
    async def test_a_second_citizen_cannot_take_the_same_number(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await app_login(client)
        assert (await verify(client, first["access_token"])).status_code == 200
        second = await app_login(client, OTHER_PHONE)
        response = await verify(client, second["access_token"])
        assert response.status_code == 409
        assert response.json()["code"] == "ID_NUMBER_TAKEN"


class TestVerifierProviders:
    def test_the_sandbox_is_registered(self) -> None:
        assert isinstance(REAL_NAME_VERIFIERS["sandbox"](), SandboxVerifier)

    @pytest.mark.asyncio
    async def test_a_provider_saying_no_leaves_the_level_alone(
        self, client: httpx.AsyncClient
    ) -> None:
        tokens = await app_login(client)
        principal = decode_access_token(tokens["access_token"])
        assert isinstance(principal, CitizenPrincipal)
        strict = IdentityService(verifier=RefusingVerifier())
        with pytest.raises(GovError) as caught:
            await strict.verify_real_name(principal, "张三", ID_NUMBER)
        assert caught.value.code == "REAL_NAME_MISMATCH"
        me = await call(client, "account", "me", tokens["access_token"])
        assert me.json()["data"]["level"] == "logged_in"
        assert me.json()["data"]["id_number"] is None
