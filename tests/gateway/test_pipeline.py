"""Every rule of `Gateway.invoke`, driven over HTTP: one envelope, stable codes, two languages."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gateway.models import AuditLog, IdempotencyRecord
from gateway.service import Gateway
from tests.gateway.conftest import Calls, bearer

URL = "/api/v1/services/demo"


def assert_envelope(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    assert set(body) == {"code", "message", "data", "request_id"}
    assert body["code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


class TestSuccess:
    @pytest.mark.asyncio
    async def test_result_travels_in_the_envelope(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/echo", json={"text": "办", "times": 3})
        body = assert_envelope(response, 200, "OK")
        assert body["data"] == {"text": "办办办"}

    @pytest.mark.asyncio
    async def test_empty_body_means_no_params(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/limited")
        assert_envelope(response, 200, "OK")


class TestRequestId:
    @pytest.mark.asyncio
    async def test_caller_request_id_is_echoed(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(
            f"{URL}/echo", json={"text": "x"}, headers={"X-Request-ID": "abc-123"}
        )
        assert response.headers["x-request-id"] == "abc-123"
        assert response.json()["request_id"] == "abc-123"

    @pytest.mark.asyncio
    async def test_missing_or_unsafe_request_id_is_generated(self, demo: httpx.AsyncClient) -> None:
        first = await demo.post(f"{URL}/echo", json={"text": "x"})
        unsafe = await demo.post(
            f"{URL}/echo", json={"text": "x"}, headers={"X-Request-ID": "bad id\nInjected: 1"}
        )
        assert len(first.headers["x-request-id"]) == 32
        assert unsafe.headers["x-request-id"] != "bad id\nInjected: 1"
        assert first.headers["x-request-id"] != unsafe.headers["x-request-id"]


class TestUnknownAndMalformed:
    @pytest.mark.asyncio
    async def test_unknown_service(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post("/api/v1/services/nope/echo", json={})
        body = assert_envelope(response, 404, "UNKNOWN_SERVICE")
        assert "nope" in str(body["message"])

    @pytest.mark.asyncio
    async def test_unknown_action(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/nope", json={})
        assert_envelope(response, 404, "UNKNOWN_ACTION")

    @pytest.mark.asyncio
    async def test_body_that_is_not_json(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/echo", content=b"{text: oops")
        assert_envelope(response, 400, "BAD_REQUEST")

    @pytest.mark.asyncio
    async def test_body_that_is_not_an_object(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/echo", json=["text"])
        assert_envelope(response, 400, "BAD_REQUEST")

    @pytest.mark.asyncio
    async def test_invalid_params_list_every_field(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/echo", json={"text": "", "times": 9})
        body = assert_envelope(response, 422, "VALIDATION_FAILED")
        assert isinstance(body["data"], list)
        assert {item["field"] for item in body["data"]} == {"text", "times"}


class TestIdentityAndChannels:
    @pytest.mark.asyncio
    async def test_login_required(self, demo: httpx.AsyncClient) -> None:
        assert_envelope(await demo.post(f"{URL}/whoami"), 401, "LOGIN_REQUIRED")

    @pytest.mark.asyncio
    async def test_bad_token(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/whoami", headers=bearer("forged"))
        assert_envelope(response, 401, "TOKEN_INVALID")

    @pytest.mark.asyncio
    async def test_signed_in_resident(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/whoami", headers=bearer("citizen-1"))
        assert assert_envelope(response, 200, "OK")["data"] == {"kind": "citizen", "id": 1}

    @pytest.mark.asyncio
    async def test_real_name_required(self, demo: httpx.AsyncClient) -> None:
        refused = await demo.post(f"{URL}/sensitive", headers=bearer("citizen-1"))
        assert_envelope(refused, 403, "REAL_NAME_REQUIRED")
        allowed = await demo.post(f"{URL}/sensitive", headers=bearer("citizen-rn"))
        assert_envelope(allowed, 200, "OK")

    @pytest.mark.asyncio
    async def test_channel_not_allowed(self, demo: httpx.AsyncClient) -> None:
        web = await demo.post(f"{URL}/app-only", headers={"X-Channel": "web"})
        assert_envelope(web, 403, "CHANNEL_NOT_ALLOWED")
        app = await demo.post(f"{URL}/app-only", headers={"X-Channel": "app"})
        assert_envelope(app, 200, "OK")

    @pytest.mark.asyncio
    async def test_session_channel_beats_the_header(self, demo: httpx.AsyncClient) -> None:
        # citizen-rn signed in through the WeChat mini-program: claiming "app" changes nothing.
        response = await demo.post(
            f"{URL}/app-only", headers={**bearer("citizen-rn"), "X-Channel": "app"}
        )
        assert_envelope(response, 403, "CHANNEL_NOT_ALLOWED")


class TestStaffPermissions:
    @pytest.mark.asyncio
    async def test_anonymous_caller(self, demo: httpx.AsyncClient) -> None:
        assert_envelope(await demo.post(f"{URL}/manage"), 401, "LOGIN_REQUIRED")

    @pytest.mark.asyncio
    async def test_resident_is_not_staff(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/manage", headers=bearer("citizen-rn"))
        assert_envelope(response, 403, "STAFF_ONLY")

    @pytest.mark.asyncio
    async def test_staff_without_the_permission(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/manage", headers=bearer("staff-clerk"))
        assert_envelope(response, 403, "PERMISSION_DENIED")

    @pytest.mark.asyncio
    async def test_staff_with_the_permission(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/manage", headers=bearer("staff-manager"))
        assert assert_envelope(response, 200, "OK")["data"] == {"kind": "staff", "id": 7}


class TestRateLimits:
    @pytest.mark.asyncio
    async def test_per_client_address(self, demo: httpx.AsyncClient) -> None:
        for _ in range(2):
            assert_envelope(await demo.post(f"{URL}/limited"), 200, "OK")
        refused = await demo.post(f"{URL}/limited")
        body = assert_envelope(refused, 429, "RATE_LIMITED")
        retry_after = int(refused.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert str(retry_after) in str(body["message"])
        assert body["data"] == {"retry_after": retry_after}  # for pages that see no headers

    @pytest.mark.asyncio
    async def test_per_resident_across_addresses(self, demo_gateway: Gateway) -> None:
        from gateway.schemas import ServiceRequest

        def call(ip: str) -> ServiceRequest:
            return ServiceRequest("demo", "limited", {}, credentials="citizen-1", client_ip=ip)

        assert (await demo_gateway.invoke(call("1.1.1.1"))).ok
        assert (await demo_gateway.invoke(call("2.2.2.2"))).ok
        third = await demo_gateway.invoke(call("3.3.3.3"))
        assert third.code == "RATE_LIMITED"
        other = ServiceRequest("demo", "limited", {}, credentials="citizen-2", client_ip="4.4.4.4")
        assert (await demo_gateway.invoke(other)).ok

    @pytest.mark.asyncio
    async def test_global_limit_per_address(self, demo_gateway: Gateway) -> None:
        from gateway.schemas import ServiceRequest

        demo_gateway.rate_limit_per_ip = 3
        results = [
            await demo_gateway.invoke(ServiceRequest("demo", "echo", {"text": "a"}, client_ip="9"))
            for _ in range(4)
        ]
        assert [r.code for r in results] == ["OK", "OK", "OK", "RATE_LIMITED"]


class TestIdempotency:
    @pytest.mark.asyncio
    async def test_same_key_same_body_replays(self, demo: httpx.AsyncClient, calls: Calls) -> None:
        headers = {**bearer("citizen-1"), "Idempotency-Key": "k-1"}
        first = await demo.post(f"{URL}/submit", json={"text": "a"}, headers=headers)
        again = await demo.post(f"{URL}/submit", json={"text": "a"}, headers=headers)
        assert assert_envelope(first, 200, "OK")["data"] == {"text": "a#1"}
        assert assert_envelope(again, 200, "OK")["data"] == {"text": "a#1"}
        assert again.headers["idempotent-replayed"] == "true"
        assert calls.count == 1

    @pytest.mark.asyncio
    async def test_same_key_other_body_conflicts(
        self, demo: httpx.AsyncClient, calls: Calls
    ) -> None:
        headers = {**bearer("citizen-1"), "Idempotency-Key": "k-2"}
        await demo.post(f"{URL}/submit", json={"text": "a"}, headers=headers)
        response = await demo.post(f"{URL}/submit", json={"text": "b"}, headers=headers)
        assert_envelope(response, 409, "IDEMPOTENCY_CONFLICT")
        assert calls.seen == ["a"]

    @pytest.mark.asyncio
    async def test_keys_belong_to_their_owner(self, demo: httpx.AsyncClient, calls: Calls) -> None:
        for token in ("citizen-1", "citizen-2"):
            headers = {**bearer(token), "Idempotency-Key": "shared"}
            response = await demo.post(f"{URL}/submit", json={"text": "a"}, headers=headers)
            assert_envelope(response, 200, "OK")
        assert calls.count == 2

    @pytest.mark.asyncio
    async def test_business_refusal_is_replayed_too(
        self, demo: httpx.AsyncClient, calls: Calls
    ) -> None:
        headers = {**bearer("citizen-1"), "Idempotency-Key": "k-3", "Accept-Language": "en"}
        first = await demo.post(f"{URL}/submit", json={"text": "refuse"}, headers=headers)
        again = await demo.post(f"{URL}/submit", json={"text": "refuse"}, headers=headers)
        assert_envelope(first, 403, "PERMISSION_DENIED")
        assert (
            assert_envelope(again, 403, "PERMISSION_DENIED")["message"] == (first.json()["message"])
        )
        assert calls.count == 1

    @pytest.mark.asyncio
    async def test_concurrent_duplicates_run_once(
        self, demo: httpx.AsyncClient, calls: Calls
    ) -> None:
        headers = {**bearer("citizen-1"), "Idempotency-Key": "k-4"}
        responses = await asyncio.gather(
            *(demo.post(f"{URL}/submit", json={"text": "c"}, headers=headers) for _ in range(10))
        )
        assert calls.count == 1
        codes = {r.json()["code"] for r in responses}
        assert codes <= {"OK", "IDEMPOTENCY_IN_PROGRESS"}
        assert await IdempotencyRecord.filter(key="k-4").count() == 1

    @pytest.mark.asyncio
    async def test_internal_error_frees_the_key(self, demo: httpx.AsyncClient) -> None:
        headers = {"Idempotency-Key": "k-5"}
        response = await demo.post(f"{URL}/boom", headers=headers)
        assert_envelope(response, 500, "INTERNAL_ERROR")
        assert await IdempotencyRecord.filter(key="k-5").count() == 0


class TestInternalErrors:
    @pytest.mark.asyncio
    async def test_500_envelope_hides_the_cause(self, demo: httpx.AsyncClient) -> None:
        response = await demo.post(f"{URL}/boom")
        body = assert_envelope(response, 500, "INTERNAL_ERROR")
        assert "hunter2" not in response.text
        assert "Traceback" not in response.text
        assert body["data"] is None

    @pytest.mark.asyncio
    async def test_a_lock_wait_that_ran_out_is_busy_not_a_fault(
        self, demo: httpx.AsyncClient
    ) -> None:
        response = await demo.post(f"{URL}/contend")
        body = assert_envelope(response, 503, "SERVER_BUSY")
        assert response.headers["retry-after"] == "1"
        assert body["data"] == {"retry_after": 1}


class TestLanguages:
    @pytest.mark.asyncio
    async def test_chinese_by_default(self, demo: httpx.AsyncClient) -> None:
        body = (await demo.post(f"{URL}/whoami")).json()
        assert body["message"] == "请先登录"

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        ("header", "message"),
        [
            ("en-US,en;q=0.9", "Please sign in first"),
            ("zh-CN,zh;q=0.9,en;q=0.8", "请先登录"),
            ("fr, en;q=0.5", "Please sign in first"),
        ],
    )
    async def test_accept_language(
        self, demo: httpx.AsyncClient, header: str, message: str
    ) -> None:
        body = (await demo.post(f"{URL}/whoami", headers={"Accept-Language": header})).json()
        assert body["message"] == message


class TestAudit:
    @pytest.mark.asyncio
    async def test_every_invocation_leaves_a_masked_row(
        self, demo: httpx.AsyncClient, demo_gateway: Gateway
    ) -> None:
        await demo.post(
            f"{URL}/echo", json={"text": "id 110105199001011237", "phone": "13812345678"}
        )
        await demo.post(
            f"{URL}/submit",
            json={"text": "a"},
            headers={**bearer("citizen-1"), "X-Request-ID": "audit-1"},
        )
        await demo.post(f"{URL}/manage", headers=bearer("staff-clerk"))
        await demo_gateway.audit.flush()
        rows = {row.action: row for row in await AuditLog.all()}
        echo, submit, manage = rows["echo"], rows["submit"], rows["manage"]
        assert echo.actor_type == "anonymous"
        assert echo.outcome == "OK"
        assert echo.params == {"text": "id 110***********1237", "phone": "138****5678"}
        assert submit.actor_type == "citizen"
        assert submit.actor_id == 1
        assert submit.request_id == "audit-1"
        assert submit.channel == "app"
        assert manage.actor_type == "staff"
        assert manage.outcome == "PERMISSION_DENIED"
        assert manage.status == 403
        assert all(row.latency_ms >= 0 for row in rows.values())
        assert "13812345678" not in str([r.params for r in rows.values()])
