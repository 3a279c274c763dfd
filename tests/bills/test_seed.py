"""The demo seed of bills and traffic: complete, and idempotent."""

from __future__ import annotations

import pytest

from services.bills.models import BillState, UtilityBill
from services.bills.providers.sandbox_data import DEMO_ACCOUNTS
from services.bills.seed import seed_bills
from services.traffic.seed import seed_traffic

pytestmark = pytest.mark.usefixtures("db")


class TestDemoSeed:
    @pytest.mark.asyncio
    async def test_every_demo_bill_once_however_often_it_runs(self) -> None:
        expected = sum(
            len(a.bills) for accounts in DEMO_ACCOUNTS.values() for a in accounts.values()
        )
        said: list[str] = []
        assert await seed_bills(said.append) == expected
        assert await seed_bills(said.append) == expected
        assert await UtilityBill.filter(state=BillState.UNPAID).count() == expected
        assert len(said) == 2

    @pytest.mark.asyncio
    async def test_traffic_names_its_sandbox_vehicles(self) -> None:
        said: list[str] = []
        assert await seed_traffic(said.append) == 3
        assert any("粤B12345" in line for line in said)
