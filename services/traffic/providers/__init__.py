"""The registry of violation sources, chosen explicitly here: a new source is a new module
implementing `ViolationSource` and one line below."""

from __future__ import annotations

from collections.abc import Callable

from services.traffic.providers.base import ViolationSource
from services.traffic.providers.sandbox import SandboxTrafficPolice
from services.traffic.settings import traffic_settings

SOURCES: dict[str, Callable[[], ViolationSource]] = {
    SandboxTrafficPolice.name: SandboxTrafficPolice,
}


def configured_source() -> ViolationSource | None:
    """The source named by `GOVHUB_TRAFFIC_SOURCE`; the sandbox never in production."""
    settings = traffic_settings()
    if settings.source == SandboxTrafficPolice.name and not settings.sandbox_allowed:
        return None
    make = SOURCES.get(settings.source)
    return None if make is None else make()


__all__ = ["SOURCES", "ViolationSource", "configured_source"]
