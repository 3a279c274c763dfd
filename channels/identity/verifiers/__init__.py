"""Real-name verification providers, by name.

A provider (a government identity service, a bank-card check, a face-verification vendor) is a
new module with a class fitting `RealNameVerifier` (base.py), added to `REAL_NAME_VERIFIERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from channels.identity.settings import identity_settings
from channels.identity.verifiers.base import RealNameVerifier, Verdict
from channels.identity.verifiers.sandbox import SandboxVerifier
from config.settings import get_settings

REAL_NAME_VERIFIERS: dict[str, Callable[[], RealNameVerifier]] = {
    "sandbox": SandboxVerifier,
}


@lru_cache(maxsize=1)
def real_name_verifier() -> RealNameVerifier:
    name = identity_settings().real_name_verifier
    factory = REAL_NAME_VERIFIERS.get(name)
    if factory is None:
        raise RuntimeError(f"GOVHUB_IDENTITY_REAL_NAME_VERIFIER: unknown provider {name!r}")
    if name == "sandbox" and get_settings().is_production:
        # the sandbox believes every name: it would make anyone REAL_NAME
        raise RuntimeError(
            "GOVHUB_IDENTITY_REAL_NAME_VERIFIER: the sandbox is refused in production"
        )
    return factory()


__all__ = ["REAL_NAME_VERIFIERS", "RealNameVerifier", "Verdict", "real_name_verifier"]
