"""`python -m bench.queue`: queue numbers taken per second through the gateway, against a bare
route doing one store INCR, in the same run on the same server.

(a) `POST /bench/queue-incr`: a plain FastAPI route, one INCR (Redis, or the in-process store).
(b) `POST /api/v1/services/queue/issue` as a hall kiosk: the whole gateway pipeline (token,
    rate limit, audit row), the hall's opening check, the INCR, the ticket row, the holder's
    place and estimated wait. Target: (b)/(a) ≥ 0.5 and a p99 of (b) under 50 ms at
    `--concurrency` connections (64 by default).
(c) (b) again at `--overload` connections (256 by default, 0 skips it), more than the server
    admits at once (`GOVHUB_MAX_IN_FLIGHT` per worker): the ones past it must be shed with
    SERVER_BUSY (503, Retry-After), counted apart, while the p99 of the ones served stays
    under 100 ms. Measured with the Python generator, which tells the two apart; a
    connection that was shed waits as long as Retry-After says before sending again, as the
    clients do (they add a little jitter and stop after three sends, docs/api.md; sending
    again at once would measure how fast refusals go).

    python -m bench.queue [--duration 10] [--concurrency 64] [--overload 256]
                          [--generator auto|wrk|python] [--workers 1]
                          [--postgres postgres://…] [--redis redis://…] [--profile out.svg]

`--workers` runs that many uvicorn workers (several need `--redis`). `--profile` records the
server with py-spy (dev extras) while (b) is measured: a flame graph of where its time goes
(an SVG; a `.txt` name writes py-spy's collapsed stacks instead, to read or diff as text).

The server is fresh (migrated, demo-seeded); the bench adds one hall, item and queue of its
own, and signs a kiosk's staff token with a secret it gives the server. Opening hours are not
enforced during the run, so it measures the same at any hour.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

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
TARGET_P99_MS = 50.0
TARGET_OVERLOAD_P99_MS = 100.0
BENCH_SECRET = "bench-queue-" + secrets.token_hex(24)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.queue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_load_arguments(parser, concurrency=64)
    parser.add_argument("--overload", type=int, default=256, help="connections of (c); 0 skips it")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GOVHUB_WORKERS", "1")),
        help="uvicorn worker processes (default: GOVHUB_WORKERS, as `govhub serve`, else 1)",
    )
    parser.add_argument("--profile", type=Path, help="py-spy flame graph of the server in (b)")
    args = parser.parse_args(argv)
    if args.workers > 1 and not args.redis:
        parser.error("--workers above 1 needs --redis: the embedded store is one process's")
    return args


@contextlib.contextmanager
def profiled(pid: int | None, output: Path | None, seconds: float) -> Iterator[None]:
    """Records the server (and its workers) with py-spy while the block runs, if asked to."""
    if output is None or pid is None:
        yield
        return
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        raise SystemExit("--profile needs py-spy: pip install -e '.[dev]'")
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [spy, "record", "--nonblocking", "--subprocesses", "-o", str(output)]
    if output.suffix == ".txt":  # collapsed stacks, for reading or diffing as text
        command += ["--format", "raw"]
    command += ["--pid", str(pid), "--duration", str(max(1, round(seconds)))]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield
    finally:
        _, errors = recorder.communicate(timeout=seconds + 60)
        if recorder.returncode != 0:
            print(f"py-spy failed: {errors.decode(errors='replace')[-500:]}")
        else:
            print(f"profile of (b): {output}")


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
        workers=args.workers,
    )
    overload = replace(options, concurrency=args.overload, generator="python", count_shed=True)
    print(f"load generator: {describe_generator(options)}")
    print(
        f"each figure: {options.warmup:g} s warm-up, {options.duration:g} s measured, "
        f"{options.concurrency} keep-alive connections, 127.0.0.1 only"
    )
    results: list[LoadResult] = []
    with BenchServer(server_options) as server:
        print(f"server: {server.description}, port {server.port}")
        hall_id, queue_id = asyncio.run(_prepare(server))
        bare = Target.post_json("(a) bare route, one INCR", "/bench/queue-incr", {})
        issue = Target.post_json(
            "(b) gateway queue.issue",
            "/api/v1/services/queue/issue",
            {"queue_id": queue_id},
            Authorization=f"Bearer {kiosk_token(hall_id)}",
        )
        for target in (bare, issue):
            check_target(server.port, target)
        print(f"measuring {bare.name} …", flush=True)
        results.append(run_load(server.port, bare, options, server.cpu_seconds))
        print(f"measuring {issue.name} …", flush=True)
        with profiled(server.pid, args.profile, options.warmup + options.duration):
            results.append(run_load(server.port, issue, options, server.cpu_seconds))
        if args.overload:
            shed = replace(issue, name=f"(c) queue.issue, {args.overload} connections")
            print(f"measuring {shed.name} …", flush=True)
            results.append(run_load(server.port, shed, overload, server.cpu_seconds))
    print()
    print(format_table(results))
    bare_result, gateway = results[0], results[1]
    ratio = gateway.rps / bare_result.rps if bare_result.rps else 0.0
    print()
    print(
        f"numbers/s through the gateway: {gateway.rps:.0f}   bare INCR route: {bare_result.rps:.0f}"
    )
    print(
        f"ratio (b)/(a): {ratio:.2f}   target ≥ {TARGET_RATIO}   {_verdict(ratio >= TARGET_RATIO)}"
    )
    print(
        f"p99 of (b) at {options.concurrency} connections: {gateway.p99_ms:.2f} ms   "
        f"target < {TARGET_P99_MS:g} ms   {_verdict(gateway.p99_ms < TARGET_P99_MS)}"
    )
    if args.overload:
        crowd = results[2]
        answered = crowd.requests + crowd.shed
        share = crowd.shed / answered if answered else 0.0
        print(
            f"(c) at {args.overload} connections: {crowd.rps:.0f} served/s, {crowd.shed} shed "
            f"({share:.0%} of answers, {crowd.shed / crowd.seconds:.0f}/s)"
        )
        print(
            f"p99 of the served in (c): {crowd.p99_ms:.2f} ms   target < "
            f"{TARGET_OVERLOAD_P99_MS:g} ms   {_verdict(crowd.p99_ms < TARGET_OVERLOAD_P99_MS)}"
        )
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.name}: {result.errors} bad answers, first: {result.first_error}")
    return 1 if failed else 0


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
