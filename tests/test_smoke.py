import httpx
import pytest


@pytest.mark.asyncio
async def test_ping(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/services/catalog/ping", json={})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"pong": True}
