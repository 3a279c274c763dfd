"""The registry of utility companies: one per kind of bill, chosen explicitly here.

A new company is a new module implementing `UtilityProvider` and one line below. The sandbox
companies answer unless the environment is production.
"""

from __future__ import annotations

from services.bills.providers.base import UtilityKind, UtilityProvider
from services.bills.providers.sandbox import SandboxCompany
from services.bills.settings import bills_settings


def _configured() -> dict[UtilityKind, UtilityProvider]:
    if not bills_settings().sandbox_enabled:
        return {}
    return {kind: SandboxCompany(kind) for kind in UtilityKind}


class Companies:
    """The companies in effect, built on first use; tests may install their own."""

    def __init__(self) -> None:
        self._by_kind: dict[UtilityKind, UtilityProvider] | None = None

    @property
    def by_kind(self) -> dict[UtilityKind, UtilityProvider]:
        if self._by_kind is None:
            self._by_kind = _configured()
        return self._by_kind

    def get(self, kind: UtilityKind) -> UtilityProvider | None:
        return self.by_kind.get(kind)

    def install(self, provider: UtilityProvider) -> UtilityProvider | None:
        """Puts a company in place for its kind; returns the one it replaced."""
        previous = self.by_kind.get(provider.kind)
        self.by_kind[provider.kind] = provider
        return previous


COMPANIES = Companies()

__all__ = ["COMPANIES", "UtilityKind", "UtilityProvider"]
