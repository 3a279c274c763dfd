"""`python -m bench.queue`: queue numbers taken per second through the gateway, against a bare
route doing one store INCR, in the same run on the same server.

(a) `POST /bench/queue-incr`: a plain FastAPI route, one INCR (Redis, or the in-process store).
(b) `POST /api/v1/services/queue/issue` as a hall kiosk: the whole gateway pipeline (token,
    rate limit, audit row), the hall's opening check, the INCR, the ticket row, the holder's
    place and estimated wait. Target: (b)/(a) ≥ 0.5; the p99 of (b) is reported at
    `--concurrency` connections (64 by default).

    python -m bench.queue [--duration 10] [--concurrency 64] [--generator auto|wrk|python]
                          [--postgres postgres://…] [--redis redis://…]

The server is fresh (migrated, demo-seeded); the bench adds one hall, item and queue of its
own, and signs a kiosk's staff token with a secret it gives the server. Opening hours are not
enforced during the run, so it measures the same at any hour.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from datetime import UTC, datetime

from bench.load import (
    BenchServer,
    LoadResult,
    ServerOptions,
    Target,
    add_load_arguments,
    check_target,
    describe_generator,
    format_table,
    load_options,
    run_load,
)

TARGET_RATIO = 0.5
BENCH_SECRET = "bench-queue-" + secrets.token_hex(24)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.queue", description=__doc__)
    add_load_arguments(parser, concurrency=64)
    return parser.parse_args(argv)


async def _prepare(server: BenchServer) -> tuple[int, int]:
    """Adds a hall, an item and a queue to the server's database; (hall id, queue id)."""
    from config import database
    from config.settings import Settings
    from services.catalog.models import Hall, Item, OnlineLevel, Region, RegionLevel
    from services.queue.models import Queue, QueueItem

    settings = Settings(database_url=server.environment()["GOVHUB_DATABASE_URL"])
    await database.init_db(settings)
    try:
        region, _ = await Region.get_or_create(
            code="359999",
            defaults={"name": "压测区", "level": RegionLevel.DISTRICT, "path": "359999"},
        )
        hall = await Hall.create(code="BENCH", name="压测大厅", region=region, address="-")
        item = await Item.create(
            code="BENCH-001",
            name="压测事项",
            department_type="bench",
            online_level=OnlineLevel.COUNTER,
            legal_days=1,
            promised_days=1,
        )
        queue = await Queue.create(hall=hall, code="A", name="压测队列")
        await QueueItem.create(queue=queue, item=item)
        return hall.id, queue.id
    finally:
        await database.close_db()


def kiosk_token(hall_id: int) -> str:
    """A staff access token for the hall's kiosk, signed with the server's secret."""
    from channels.identity.tokens import encode_access_token
    from gateway.schemas import StaffPrincipal, StaffScope

    kiosk = StaffPrincipal(
        staff_id=1,
        username="bench-kiosk",
        permissions=frozenset({"queue.issue"}),
        scopes=(StaffScope(hall_id=hall_id),),
        session_id="bench-" + secrets.token_hex(8),
    )
    return encode_access_token(kiosk, datetime.now(UTC))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Before anything reads the settings: this process signs tokens the server must accept.
    os.environ["GOVHUB_SECRET_KEY"] = BENCH_SECRET
    options = load_options(args)
    server_options = ServerOptions(
        app="bench.queue_app:create_queue_bench_app",
        postgres_url=args.postgres,
        redis_url=args.redis,
        env={"GOVHUB_SECRET_KEY": BENCH_SECRET, "GOVHUB_QUEUE_ENFORCE_OPENING_HOURS": "false"},
    )
    print(f"load generator: {describe_generator(options)}")
    print(
        f"each figure: {options.warmup:g} s warm-up, {options.duration:g} s measured, "
        f"{options.concurrency} keep-alive connections, 127.0.0.1 only"
    )
    results: list[LoadResult] = []
    with BenchServer(server_options) as server:
        print(f"server: {server.description}, port {server.port}")
        hall_id, queue_id = asyncio.run(_prepare(server))
        figures = [
            Target.post_json("(a) bare route, one INCR", "/bench/queue-incr", {}),
            Target.post_json(
                "(b) gateway queue.issue",
                "/api/v1/services/queue/issue",
                {"queue_id": queue_id},
                Authorization=f"Bearer {kiosk_token(hall_id)}",
            ),
        ]
        for target in figures:
            check_target(server.port, target)
        for target in figures:
            print(f"measuring {target.name} …", flush=True)
            results.append(run_load(server.port, target, options, server.cpu_seconds))
    print()
    print(format_table(results))
    bare, gateway = results
    ratio = gateway.rps / bare.rps if bare.rps else 0.0
    verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
    print()
    print(f"numbers/s through the gateway: {gateway.rps:.0f}   bare INCR route: {bare.rps:.0f}")
    print(f"ratio (b)/(a): {ratio:.2f}   target ≥ {TARGET_RATIO}   {verdict}")
    print(f"p99 of (b) at {options.concurrency} connections: {gateway.p99_ms:.2f} ms")
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.name}: {result.errors} bad answers, first: {result.first_error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
