"""Helpers of the fee-demand tests: the department's webhook receiver, demand bodies, calls."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from fastapi import FastAPI

from channels.identity.crypto import personal_data
from channels.identity.models import Citizen
from services.demands import keys
from tests.bills.conftest import fulfil, invoke

HOOK = "https://registry.dept.test/govhub/events"
PHONE = "13900139000"


class Receiver:
    """The department's webhook endpoint: up or down, keeping what it accepted."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.up = True
        self.received: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            return httpx.Response(503)
        signature = request.headers[keys.SIGNATURE_HEADER]
        assert keys.verify(self.secret, signature, request.content, int(time.time()))
        self.received.append(json.loads(request.content))
        return httpx.Response(200, json={"ok": True})


def demand_body(ref: str = "BDC-1", unit_fen: int = 8000, **extra: Any) -> dict[str, Any]:
    return {
        "external_ref": ref,
        "title": "不动产登记费",
        "items": [{"name": "登记费", "unit_fen": unit_fen}, {"name": "工本费", "unit_fen": 1000}],
        "payer": {"phone": PHONE},
        **extra,
    }


async def create(client: httpx.AsyncClient, key: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(
        "/api/v1/departments/demands", json=body, headers={"Authorization": f"Bearer {key}"}
    )


async def resident() -> int:
    citizen = await Citizen.create(phone_hash=personal_data().index.digest(PHONE, "phone"))
    return int(citizen.id)


async def pay_at_cashier(
    app: FastAPI, client: httpx.AsyncClient, demand_no: str, citizen: int
) -> str:
    result = await invoke(app, "demands", "pay", {"demand_no": demand_no}, citizen)
    assert result.ok, result.message
    out_trade_no: str = result.data["payment"]["out_trade_no"]
    assert (await client.post(f"/sandbox/cashier/{out_trade_no}/pay")).status_code == 303
    await fulfil()
    return out_trade_no
