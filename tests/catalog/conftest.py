"""The demo catalogue, seeded into a clean database for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from fastapi import FastAPI

from gateway.service import Gateway
from services.catalog.seed import seed_catalog


@pytest_asyncio.fixture
async def demo(db: None) -> AsyncIterator[None]:
    """A clean database holding the demo catalogue (the seed tells the cache it changed)."""
    await seed_catalog(lambda _: None)
    yield


@pytest_asyncio.fixture
async def gateway(app: FastAPI) -> Gateway:
    found: Gateway = app.state.gateway
    return found
