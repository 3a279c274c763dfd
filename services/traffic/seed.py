"""Demo data of traffic violations: the sandbox vehicles live in providers/sandbox_data.py, so
seeding only names them (idempotent: it writes nothing)."""

from __future__ import annotations

from collections.abc import Callable

from services.traffic.providers.sandbox_data import DEMO_VEHICLES


async def seed_traffic(say: Callable[[str], object] = print) -> int:
    for vehicle in DEMO_VEHICLES.values():
        say(
            f"traffic: sandbox vehicle {vehicle.plate} (VIN ending {vehicle.vin[-6:]}), "
            f"{len(vehicle.violations)} violations"
        )
    return len(DEMO_VEHICLES)
