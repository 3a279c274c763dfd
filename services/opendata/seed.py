"""A demo developer key, documented like the demo staff passwords (docs/opendata.md)."""

from __future__ import annotations

from collections.abc import Callable

from services.opendata.schemas import KeyCreate
from services.opendata.service import opendata

# Demo only: `govhub seed` prints it; it reads public datasets and nothing else.
DEMO_KEY = "od_00000000de01_GovHub-demo-developer-key-0000000001"
DEMO_DEVELOPER = KeyCreate(
    developer_name="演示开发者",
    organisation="GovHub 演示",
    contact_email="developer@example.com",
    rate_limit_per_minute=60,
)


async def seed_opendata(say: Callable[[str], object] = print) -> None:
    key = await opendata.install(DEMO_KEY, DEMO_DEVELOPER)
    say(f"opendata: developer key {DEMO_KEY} ({key.rate_limit_per_minute} requests a minute)")
