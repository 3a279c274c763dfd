"""A small registry of demo actions covering every rule the pipeline enforces, behind a test app
built from the same parts as the real one (router, error handlers, request-id middleware)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from pydantic import BaseModel, Field

from config.database import unit_of_work
from config.runtime import Runtime, runtime
from gateway.audit import AuditSink
from gateway.codes import Code
from gateway.errors import GovError
from gateway.http import RequestIdMiddleware, install_error_handlers
from gateway.registry import RateLimit, Registry, Service
from gateway.router import InvocationMiddleware
from gateway.router import router as gateway_router
from gateway.schemas import (
    Channel,
    CitizenPrincipal,
    IdentityLevel,
    Principal,
    ServiceRequest,
    StaffPrincipal,
    StaffScope,
)
from gateway.service import Gateway


class EchoParams(BaseModel):
    text: str = Field(min_length=1, max_length=50)
    times: int = Field(1, ge=1, le=5)
    phone: str | None = None


class Echo(BaseModel):
    text: str


class Empty(BaseModel):
    pass


class Who(BaseModel):
    kind: str
    id: int


@dataclass
class Calls:
    count: int = 0
    seen: list[str] = field(default_factory=list)
    # `demo.hold` waits for `release`; `held` is set once `hold_until` calls are waiting
    hold_until: int = 1
    holding: int = 0
    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


def build_demo_service(calls: Calls) -> Service:
    demo = Service("demo", "演示", "Demo")

    @demo.action()
    async def echo(request: ServiceRequest, params: EchoParams) -> Echo:
        """Repeats the text."""
        return Echo(text=params.text * params.times)

    @demo.action(identity=IdentityLevel.LOGGED_IN)
    async def whoami(request: ServiceRequest, params: Empty) -> Who:
        """Who is signed in."""
        assert request.citizen is not None
        return Who(kind="citizen", id=request.citizen.citizen_id)

    @demo.action(identity=IdentityLevel.REAL_NAME)
    async def sensitive(request: ServiceRequest, params: Empty) -> Echo:
        """Needs a real-name verified resident."""
        return Echo(text="ok")

    @demo.action(channels=[Channel.APP])
    async def app_only(request: ServiceRequest, params: Empty) -> Echo:
        """Only the app may call this."""
        return Echo(text="app")

    @demo.action(permission="demo.manage")
    async def manage(request: ServiceRequest, params: Empty) -> Who:
        """A staff action."""
        assert request.staff is not None
        return Who(kind="staff", id=request.staff.staff_id)

    @demo.action(rate_limit=RateLimit(2, 60))
    async def limited(request: ServiceRequest, params: Empty) -> Echo:
        """Two calls a minute."""
        return Echo(text="ok")

    @demo.action(identity=IdentityLevel.LOGGED_IN, mutates=True)
    async def submit(request: ServiceRequest, params: EchoParams) -> Echo:
        """Changes state: counted, so replays can be checked."""
        calls.count += 1
        calls.seen.append(params.text)
        if params.text == "refuse":
            raise GovError(Code.PERMISSION_DENIED)
        return Echo(text=f"{params.text}#{calls.count}")

    @demo.action(identity=IdentityLevel.LOGGED_IN, mutates=True)
    async def commit(request: ServiceRequest, params: EchoParams) -> Echo:
        """Commits its work in a unit of work; "crash" then dies before answering."""
        async with unit_of_work():
            calls.count += 1  # the work this transaction commits
        if params.text == "crash":
            raise RuntimeError("the process died after the commit")
        return Echo(text=f"{params.text}#{calls.count}")

    @demo.action()
    async def hold(request: ServiceRequest, params: Empty) -> Echo:
        """Waits until the test lets it answer: keeps an invocation in flight."""
        calls.holding += 1
        if calls.holding >= calls.hold_until:
            calls.held.set()
        await calls.release.wait()
        return Echo(text="held")

    @demo.action()
    async def contend(request: ServiceRequest, params: Empty) -> Echo:
        """Waits for a store lock someone holds (itself) until the wait runs out."""
        store = runtime().store
        async with store.lock("demo:contended", ttl=5.0, wait=1.0):
            async with store.lock("demo:contended", ttl=5.0, wait=0.05):
                return Echo(text="never")

    @demo.action()
    async def boom(request: ServiceRequest, params: Empty) -> Echo:
        """Fails unexpectedly."""
        raise RuntimeError("database password is hunter2")

    return demo


TOKENS: dict[str, Principal] = {
    "citizen-1": CitizenPrincipal(1, IdentityLevel.LOGGED_IN, "s1", Channel.APP),
    "citizen-2": CitizenPrincipal(2, IdentityLevel.LOGGED_IN, "s2", Channel.APP),
    "citizen-rn": CitizenPrincipal(3, IdentityLevel.REAL_NAME, "s3", Channel.WECHAT_MP),
    "staff-manager": StaffPrincipal(7, "li", frozenset({"demo.manage"}), (StaffScope(),), "s4"),
    "staff-clerk": StaffPrincipal(8, "wang", frozenset({"queue.call"}), (StaffScope(),), "s5"),
}


async def demo_authenticator(token: str) -> Principal:
    try:
        return TOKENS[token]
    except KeyError:
        raise GovError(Code.TOKEN_INVALID) from None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest_asyncio.fixture
async def demo_gateway(rt: Runtime, db: None, calls: Calls) -> AsyncIterator[Gateway]:
    gateway = Gateway(
        Registry([build_demo_service(calls)]),
        rt.store,
        authenticator=demo_authenticator,
        audit=AuditSink(),
        rate_limit_per_ip=1000,
    )
    yield gateway
    await gateway.audit.stop()


def demo_app(gateway: Gateway, max_in_flight: int = 64) -> FastAPI:
    app = FastAPI()
    app.state.gateway = gateway
    install_error_handlers(app)
    app.include_router(gateway_router)
    app.add_middleware(InvocationMiddleware, max_in_flight=max_in_flight)
    app.add_middleware(RequestIdMiddleware)
    return app


def demo_client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("10.9.8.7", 1))
    return httpx.AsyncClient(transport=transport, base_url="http://govhub.test")


@pytest_asyncio.fixture
async def demo(demo_gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    async with demo_client(demo_app(demo_gateway)) as client:
        yield client
