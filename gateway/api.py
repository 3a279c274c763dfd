"""Every router of the application, included by hand so the list is read in one place."""

from __future__ import annotations

from fastapi import FastAPI

from channels.alipay.router import router as alipay_auth_router
from channels.app.router import router as app_auth_router
from channels.wechat.router import auth_router as wechat_auth_router
from channels.wechat.router import router as wechat_router
from config.settings import Settings
from gateway.clients import include_clients
from gateway.health import router as health_router
from gateway.router import router as gateway_router
from notify.router import dev_router as notify_dev_router
from notify.router import router as notify_router
from payments.router import notify_router as payments_notify_router
from payments.router import sandbox_router as payments_sandbox_router
from services.applications.router import router as files_router
from services.bills.router import router as bills_router
from services.demands.router import counter_router
from services.demands.router import router as departments_router
from services.opendata.router import router as opendata_router
from services.queue.router import router as queue_router
from services.staff.router import router as staff_router


def include_routers(app: FastAPI, settings: Settings) -> None:
    app.include_router(health_router)
    app.include_router(gateway_router)
    app.include_router(app_auth_router)
    app.include_router(wechat_router)
    app.include_router(wechat_auth_router)
    app.include_router(alipay_auth_router)
    app.include_router(staff_router)
    app.include_router(queue_router)
    app.include_router(notify_router)  # SMS receipts; checks templates, sweeps when embedded
    app.include_router(payments_notify_router)
    app.include_router(payments_sandbox_router)  # answers 404 unless the sandbox is on
    app.include_router(bills_router)  # printable e-receipts
    app.include_router(departments_router)  # departments' fee-demand API
    app.include_router(files_router)  # material uploads and signed links
    app.include_router(opendata_router)  # developers' dataset downloads, by API key
    app.include_router(counter_router)  # the counter's pay-by-any-app QR code, e-receipts
    if settings.dev_endpoints_enabled:
        app.include_router(notify_dev_router)
    include_clients(app)  # the built web clients, last: their prefixes catch every sub-path
