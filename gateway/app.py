"""The FastAPI application: runtime, gateway and every router, wired in one place."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI

from config import logging as log_config
from config.runtime import started
from config.settings import Settings, get_settings
from gateway import openapi
from gateway.api import include_routers
from gateway.audit import AuditSink
from gateway.http import RequestIdMiddleware, install_error_handlers
from gateway.registry import Registry, Service
from gateway.router import InvocationMiddleware
from gateway.service import Gateway


def create_app(
    settings: Settings | None = None, *, http: httpx.AsyncClient | None = None
) -> FastAPI:
    settings = settings or get_settings()
    log_config.configure(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from channels.identity.service import authenticate
        from channels.wechat.service import official_accounts
        from services.registry import SERVICES, SHUTDOWN_HOOKS, STARTUP_HOOKS

        async with started(settings, http=http) as rt, AsyncExitStack() as background:
            audit = AuditSink()
            app.state.gateway = Gateway(
                Registry(SERVICES),
                rt.store,
                authenticator=authenticate,
                audit=audit,
                rate_limit_per_ip=settings.rate_limit_per_ip,
            )
            audit.start()
            background.push_async_callback(audit.stop)
            background.push_async_callback(official_accounts.drain)  # late WeChat replies
            for drain in SHUTDOWN_HOOKS:
                background.push_async_callback(drain)
            if settings.scheduler_in_app:
                from config import scheduler

                await background.enter_async_context(
                    scheduler.in_process(settings.scheduler_interval_seconds)
                )
            for warm_up in STARTUP_HOOKS:
                await warm_up()
            # What startup loaded (search dictionaries, the catalogue) lives as long as the
            # process: kept out of the collector's reach, full collections stay short.
            gc.freeze()
            yield

    app = FastAPI(
        title="GovHub",
        version="0.1.0",
        description="City government services for WeChat, Alipay and the app, through one gateway.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    include_routers(app, settings)
    openapi.install(app, _services)
    app.add_middleware(InvocationMiddleware, max_in_flight=settings.max_in_flight)
    app.add_middleware(RequestIdMiddleware)  # outside the invocation path: refusals carry the id
    return app


def _services() -> list[Service]:
    from services.registry import SERVICES

    return SERVICES
