"""The traffic tests share the bills tests' helpers (the same payments sandbox and gateway)."""

from __future__ import annotations

from tests.bills.conftest import cashier

__all__ = ["cashier"]
