"""Fixtures of the fee-demand tests: a department with both keys and a webhook receiver faked
at the HTTP boundary, and the payment platform fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
import respx

from services.demands import admin
from services.demands.models import KeyMode
from tests.bills.conftest import settle_jobs
from tests.demands.helpers import HOOK, Receiver
from tests.payments.conftest import alipay, wechat

__all__ = ["alipay", "department", "wechat"]


@pytest_asyncio.fixture
async def department(db: None) -> AsyncIterator[tuple[str, str, Receiver]]:
    """A department with a test and a live key and a webhook receiver."""
    created, secret = await admin.add_department("registry", "不动产登记中心", HOOK)
    test_key = await admin.issue_key(created, KeyMode.TEST)
    live_key = await admin.issue_key(created, KeyMode.LIVE)
    receiver = Receiver(secret)
    with respx.mock(assert_all_called=False) as router:
        router.post(HOOK).mock(side_effect=receiver.handle)
        yield test_key, live_key, receiver
    await settle_jobs()
