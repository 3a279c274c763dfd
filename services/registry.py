"""Every service the gateway offers, listed by hand. Adding a service is adding a line here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from channels.identity.router import service as account
from gateway.registry import Service
from notify.router import service as notify
from payments.reconciliation.router import service as reconciliation
from payments.router import service as payments
from services.applications.router import service as applications
from services.applications.storage import close_storage
from services.appointments.router import service as appointments
from services.audit.router import service as audit
from services.bills.router import service as bills
from services.catalog.router import service as catalog
from services.catalog.service import warm_up as warm_catalog
from services.consultations.router import service as consultations
from services.demands.router import service as demands
from services.opendata.router import service as opendata
from services.queue.router import service as queue
from services.queue.service import queue as queue_service
from services.ratings.router import service as ratings
from services.staff.router import service as staff
from services.timeline.router import service as timeline
from services.traffic.router import service as traffic

SERVICES: list[Service] = [
    catalog,
    account,
    staff,
    payments,
    reconciliation,
    appointments,
    queue,
    notify,
    bills,
    traffic,
    demands,
    audit,
    applications,
    timeline,
    ratings,
    consultations,
    opendata,
]

# Run once when an app process starts, before it takes requests.
STARTUP_HOOKS: list[Callable[[], Awaitable[None]]] = [warm_catalog]

# Run once when an app process stops, after the last request: writes still gathering in a
# group commit are finished, not dropped, and clients of outside stores are closed.
SHUTDOWN_HOOKS: list[Callable[[], Awaitable[None]]] = [queue_service.drain, close_storage]
