"""The real application's HTTP surface: discovery, operations endpoints, envelopes for 404/405."""

from __future__ import annotations

import httpx
import pytest


class TestUnknownRoutes:
    @pytest.mark.asyncio
    async def test_unknown_route_is_an_envelope(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/no/such/page", headers={"Accept-Language": "en"})
        assert response.status_code == 404
        body = response.json()
        assert body["code"] == "NOT_FOUND"
        assert body["message"] == "Nothing is at this address"
        assert body["request_id"] == response.headers["x-request-id"]

    @pytest.mark.asyncio
    async def test_wrong_method_is_an_envelope(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/services/catalog/item")
        assert response.status_code == 405
        assert response.json()["code"] == "METHOD_NOT_ALLOWED"


class TestDiscovery:
    @pytest.mark.asyncio
    async def test_lists_every_service_with_schemas(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/services")
        assert response.status_code == 200
        services = {s["code"]: s for s in response.json()["data"]}
        assert "catalog" in services
        for service in services.values():
            assert service["title"]["zh-CN"]
            assert service["title"]["en"]
            for action in service["actions"]:
                assert action["params_schema"]["type"] == "object"
                assert "identity" in action
                assert action["channels"]
                assert "result_schema" in action

    @pytest.mark.asyncio
    async def test_error_codes_are_listed_with_both_languages(
        self, client: httpx.AsyncClient
    ) -> None:
        codes = (await client.get("/api/v1/errors")).json()["data"]
        assert len({c["code"] for c in codes}) == len(codes)
        for code in codes:
            assert 400 <= code["status"] <= 599
            assert code["message"]["zh-CN"]
            assert code["message"]["en"]

    @pytest.mark.asyncio
    async def test_openapi(self, client: httpx.AsyncClient) -> None:
        schema = (await client.get("/openapi.json")).json()
        assert "/api/v1/services/{service}/{action}" in schema["paths"]
        assert (await client.get("/docs")).status_code == 200


class TestOperations:
    @pytest.mark.asyncio
    async def test_healthz(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert response.json() == {"status": "ok"}

    @pytest.mark.asyncio
    async def test_readyz_checks_database_and_store(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        checks = response.json()["checks"]
        assert checks["database"] == "ok"
        assert checks["store"].startswith("ok")

    @pytest.mark.asyncio
    async def test_metrics_count_invocations(self, client: httpx.AsyncClient) -> None:
        await client.post("/api/v1/services/nope/x-random-name", json={})
        text = (await client.get("/metrics")).text
        assert (
            'govhub_invocations_total{action="(unknown)",channel="web",'
            'code="UNKNOWN_SERVICE",service="(unknown)"}' in text
        )
        assert "x-random-name" not in text
