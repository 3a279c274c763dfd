"""Each action is its own documented operation in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.registry import SERVICES


async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


class TestOperationPerAction:
    @pytest.mark.asyncio
    async def test_every_action_has_its_operation(self, client: httpx.AsyncClient) -> None:
        paths = (await document(client))["paths"]
        assert "/api/v1/services/{service}/{action}" in paths  # the generic route stays
        for service in SERVICES:
            for name in service.actions:
                operation = paths[f"/api/v1/services/{service.code}/{name}"]["post"]
                assert operation["operationId"] == f"{service.code}.{name}"

    @pytest.mark.asyncio
    async def test_params_body_and_result_in_the_envelope(self, client: httpx.AsyncClient) -> None:
        doc = await document(client)
        operation = doc["paths"]["/api/v1/services/appointments/available-slots"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        params = doc["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        assert {"hall", "item"} == set(params["required"])
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["properties"]["code"] == {"type": "string", "const": "OK"}
        slot_ref = ok["properties"]["data"]["items"]["$ref"]
        assert slot_ref == "#/components/schemas/SlotRead"
        error = operation["responses"]["default"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}
        assert "HALL_NOT_FOUND" in operation["x-govhub-errors"]

    @pytest.mark.asyncio
    async def test_identity_and_idempotency_are_stated(self, client: httpx.AsyncClient) -> None:
        paths = (await document(client))["paths"]
        book = paths["/api/v1/services/appointments/book"]["post"]
        assert book["x-govhub-identity"] == "real_name"
        assert book["security"] == [{"bearer": []}]
        assert "REAL_NAME_REQUIRED" in book["x-govhub-errors"]
        assert "Idempotency-Key" in {p["name"] for p in book["parameters"]}
        refund = paths["/api/v1/services/payments/refund"]["post"]
        assert (refund["x-govhub-identity"], refund["x-govhub-permission"]) == (
            "staff",
            "payments.refund",
        )
        browse = paths["/api/v1/services/catalog/browse"]["post"]
        assert "security" not in browse
