"""Demo data of utility bills: snapshots of every sandbox demo account's bills (idempotent).

The demo accounts themselves live in the sandbox companies (providers/sandbox_data.py).
"""

from __future__ import annotations

from collections.abc import Callable

from services.bills import repository as repo
from services.bills.providers import COMPANIES
from services.bills.providers.base import UtilityKind
from services.bills.providers.sandbox import SandboxCompany
from services.bills.providers.sandbox_data import DEMO_ACCOUNTS


async def seed_bills(say: Callable[[str], object] = print) -> int:
    """Loads the sandbox companies' current bills; returns how many snapshots exist for them."""
    count = 0
    for kind in UtilityKind:
        company = COMPANIES.get(kind)
        if not isinstance(company, SandboxCompany):
            continue
        for account_no in DEMO_ACCOUNTS[kind]:
            arrears = await company.arrears(account_no)
            snapshots = await repo.upsert_bills(kind, company.company, account_no, arrears.bills)
            count += len(snapshots)
    say(f"bills: {count} bills of the sandbox demo accounts (see docs/bills-and-traffic.md)")
    return count
