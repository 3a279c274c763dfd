"""Fixtures of the payments tests: platform fakes installed as this process's providers, and a
way to call payments actions as a signed-in resident (the principal a channel adapter sets)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from fastapi import FastAPI
from taskiq import InMemoryBroker

from config import jobs
from gateway.schemas import (
    Channel,
    CitizenPrincipal,
    IdentityLevel,
    ServiceRequest,
    ServiceResult,
)
from payments import outbox, providers
from payments.models import PaymentEvent, PaymentFulfilment, PaymentOrder, PaymentOutbox
from payments.providers.base import PaymentProvider
from payments.providers.sandbox import SandboxProvider
from payments.schemas import PaymentIntent, PaymentStart
from payments.service import service, wakeups
from payments.states import Purpose, TradeType
from tests.as_staff import invoke_as_staff as staff_call
from tests.payments.helpers import FakeAlipay, FakeWeChatPay


async def settle_jobs() -> None:
    """Waits for coalesced wake-ups and for jobs the in-process broker started (embedded
    backend), so none outlives a test."""
    await wakeups.idle()
    if isinstance(jobs.broker, InMemoryBroker):
        await jobs.broker.wait_all()


async def _installed(provider: PaymentProvider) -> AsyncIterator[None]:
    previous = providers.active().install(provider)
    try:
        yield
    finally:
        await settle_jobs()
        providers.active().remove(provider.name)
        if previous is not None:
            providers.active().install(previous)
        await provider.aclose()


@pytest_asyncio.fixture
async def wechat(db: None) -> AsyncIterator[FakeWeChatPay]:
    fake = FakeWeChatPay()
    async for _ in _installed(fake.provider()):
        yield fake


@pytest_asyncio.fixture
async def alipay(db: None) -> AsyncIterator[FakeAlipay]:
    fake = FakeAlipay()
    async for _ in _installed(fake.provider()):
        yield fake


@pytest_asyncio.fixture
async def sandbox(db: None) -> AsyncIterator[SandboxProvider]:
    provider = providers.active().get(SandboxProvider.name)
    assert isinstance(provider, SandboxProvider), "the sandbox is on in tests"
    yield provider
    await settle_jobs()


async def open_order(
    provider: str = "sandbox",
    trade_type: TradeType = TradeType.CASHIER,
    amount_fen: int = 1234,
    citizen_id: int = 7,
    reference: str = "bill-1",
    payer_id: str | None = None,
    purpose: Purpose = Purpose.UTILITY_BILL,
    stands_for: str | None = None,
) -> PaymentStart:
    return await service.create_order(
        PaymentIntent(
            purpose=purpose,
            reference=reference,
            citizen_id=citizen_id,
            amount_fen=amount_fen,
            description="水费 2024-04",
            provider=provider,
            trade_type=trade_type,
            payer_id=payer_id,
            stands_for=stands_for,
        )
    )


async def invoke_as_citizen(
    app: FastAPI, action: str, params: dict[str, Any], citizen_id: int = 7
) -> ServiceResult:
    principal = CitizenPrincipal(citizen_id, IdentityLevel.LOGGED_IN, "session", Channel.WECHAT_MP)
    request = ServiceRequest(
        "payments",
        action,
        params,
        channel=Channel.WECHAT_MP,
        principal=principal,
        client_ip="10.0.0.1",
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


async def invoke_as_staff(
    app: FastAPI, action: str, params: dict[str, Any], permissions: frozenset[str]
) -> ServiceResult:
    return await staff_call(app, "payments", action, params, permissions)


async def ledger(out_trade_no: str) -> dict[str, Any]:
    """Everything the ledger holds about one order, for before/after comparisons."""
    order = await PaymentOrder.get(out_trade_no=out_trade_no)
    events = (
        await PaymentEvent.filter(order_id=order.id).order_by("id").values_list("kind", flat=True)
    )
    entries = await PaymentOutbox.filter(order_id=order.id).count()
    fulfilled = await PaymentFulfilment.filter(order_id_ref=order.id).count()
    return {
        "state": order.state,
        "refunded_fen": order.refunded_fen,
        "events": list(events),
        "outbox": entries,
        "fulfilments": fulfilled,
    }


async def fulfil_all() -> int:
    await settle_jobs()
    done = await outbox.consume_due()
    await settle_jobs()
    return done
