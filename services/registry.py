"""Every service the gateway offers, listed by hand. Adding a service is adding a line here."""

from __future__ import annotations

from gateway.registry import Service
from services.catalog.router import service as catalog

SERVICES: list[Service] = [catalog]
