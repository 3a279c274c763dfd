"""Helpers shared by the identity, app and staff tests: sign in through the real routes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from config.runtime import Runtime
from config.store import MemoryStore, RedisStore

PHONE = "13812345678"
OTHER_PHONE = "13900001111"


@dataclass
class FakeClock:
    now: datetime = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def bearer(token: str, channel: str = "app") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Channel": channel}


async def latest_code(client: httpx.AsyncClient, phone: str = PHONE) -> str:
    """The code of the newest sandbox SMS to `phone`, read the way a developer would."""
    response = await client.get("/dev/sms", params={"phone": phone, "limit": 1})
    assert response.status_code == 200, response.text
    match = re.search(r"验证码为(\d{6})", response.json()["data"][0]["text"])
    assert match is not None
    return match.group(1)


async def app_login(client: httpx.AsyncClient, phone: str = PHONE) -> dict[str, Any]:
    sent = await client.post("/api/v1/auth/otp", json={"phone": phone})
    assert sent.status_code == 200, sent.text
    code = await latest_code(client, phone)
    response = await client.post("/api/v1/auth/login", json={"phone": phone, "code": code})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()["data"]
    return tokens


async def call(
    client: httpx.AsyncClient,
    service: str,
    action: str,
    token: str | None = None,
    params: dict[str, Any] | None = None,
    channel: str = "app",
) -> httpx.Response:
    headers = bearer(token, channel) if token else {"X-Channel": channel}
    return await client.post(
        f"/api/v1/services/{service}/{action}", json=params or {}, headers=headers
    )


async def store_contents(rt: Runtime) -> str:
    """Every key and value in the store, as one string to search."""
    parts: list[str] = []
    if isinstance(rt.store, RedisStore):
        async for key in rt.store.redis.scan_iter(f"{rt.store.prefix}*"):
            parts.append(str(key))
            if await rt.store.redis.type(key) == "string":
                parts.append(str(await rt.store.redis.get(key)))
    elif isinstance(rt.store, MemoryStore):
        for key, (value, _) in rt.store._data.items():
            parts += [key, value]
    return "\n".join(parts)
