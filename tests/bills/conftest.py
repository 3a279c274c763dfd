"""Helpers of the bills tests: calling actions as a signed-in resident, and driving the jobs the
in-process broker runs (embedded) or that wait in Redis (services) to the same end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest_asyncio
from fastapi import FastAPI
from taskiq import InMemoryBroker

from config import jobs
from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel, ServiceRequest, ServiceResult
from payments import outbox, providers
from payments.providers.sandbox import SandboxProvider
from payments.service import utcnow, wakeups
from services.bills.service import BillsService


async def settle_jobs() -> None:
    """Waits for coalesced wake-ups and for jobs the in-process broker started (embedded)."""
    await wakeups.idle()
    if isinstance(jobs.broker, InMemoryBroker):
        await jobs.broker.wait_all()


async def fulfil() -> int:
    """Runs the payments outbox as its consumer job would."""
    await settle_jobs()
    done = await outbox.consume_due()
    await settle_jobs()
    return done


@pytest_asyncio.fixture
async def cashier(db: None) -> AsyncIterator[SandboxProvider]:
    provider = providers.active().get(SandboxProvider.name)
    assert isinstance(provider, SandboxProvider), "the payments sandbox is on in tests"
    yield provider
    await settle_jobs()


async def invoke(
    app: FastAPI,
    service: str,
    action: str,
    params: dict[str, Any],
    citizen_id: int = 7,
    channel: Channel = Channel.WECHAT_MP,
) -> ServiceResult:
    principal = CitizenPrincipal(citizen_id, IdentityLevel.LOGGED_IN, "session", channel)
    request = ServiceRequest(
        service, action, params, channel=channel, principal=principal, client_ip="10.0.0.1"
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


def later(**delta: float) -> BillsService:
    """The bills service as it runs at a later time (its clock is injectable)."""
    moment: datetime = utcnow() + timedelta(**delta)
    return BillsService(clock=lambda: moment)
