"""Demo data for `govhub seed` and `make run`: every capability's seeder, in dependency order."""

from __future__ import annotations

from collections.abc import Callable


async def seed_demo(say: Callable[[str], object] = print) -> None:
    from services.staff.seed import seed_staff

    await seed_staff(say)
