"""Demo data for `govhub seed` and `make run`: every capability's seeder, in dependency order."""

from __future__ import annotations

from collections.abc import Callable


async def seed_demo(say: Callable[[str], object] = print) -> None:
    # Regions, departments, halls and items: everything below refers to them.
    from services.catalog.seed import seed_catalog

    await seed_catalog(say)
    from services.staff.seed import seed_staff

    await seed_staff(say)
    # Hall windows, hours, slots and queues: on the catalogue's halls and items, so after it.
    from services.appointments.seed import seed_appointments
    from services.queue.seed import seed_queues

    await seed_appointments(say)
    await seed_queues(say)
    from services.bills.seed import seed_bills

    await seed_bills(say)
    from services.traffic.seed import seed_traffic

    await seed_traffic(say)
    from services.applications.seed import seed_forms

    await seed_forms(say)
    from services.demands.seed import seed_demands

    await seed_demands(say)
    from services.ratings.seed import seed_ratings

    await seed_ratings(say)
    # Cases address the catalogue's departments and items.
    from services.consultations.seed import seed_consultations

    await seed_consultations(say)
    from services.opendata.seed import seed_opendata

    await seed_opendata(say)
