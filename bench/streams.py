"""`python -m bench.streams`: 1,000 live position streams held open on one queue while a window
calls numbers, against a bare event stream, each on a fresh server in the same run.

(a) `GET /bench/sse`: a plain StreamingResponse fed by an asyncio broadcast; a call is
    `POST /bench/sse-publish`, which wakes every stream.
(b) `GET /api/v1/queue/numbers/{id}/events`: the residents' live position streams, one number
    each, all waiting in one queue behind the numbers a clerk calls; a call is
    `POST /api/v1/services/queue/call-next` through the gateway (then `finish`, before the next).

For each: the server's memory per stream (VmRSS before the streams open and once all are open,
the difference divided by their number) and, over `--calls` calls, the time from the call's
answer to the last stream receiving its event: p50 and max. Target: max of (b) < 1 s.

    python -m bench.streams [--streams 1000] [--calls 10] [--postgres …] [--redis …]

The clients are raw asyncio connections in this one process (reading lines costs far less than
an HTTP client would); the open-file limit is raised for them and for the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench.load import (
    HOST,
    BenchServer,
    ServerOptions,
    Target,
    _percentile,
    _read_response,
    _request_bytes,
    _run_fast,
    add_backend_arguments,
)
from bench.queue import BENCH_SECRET

TARGET_SECONDS = 1.0
APP = "bench.streams_app:create_streams_bench_app"
OPEN_AT_ONCE = 64  # streams being opened at the same time
SEEN_TIMEOUT = 30.0  # seconds a call may take to reach every stream before it counts as missed


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.streams", description=__doc__)
    parser.add_argument("--streams", type=int, default=1000, help="streams held open")
    parser.add_argument("--calls", type=int, default=10, help="calls measured per figure")
    add_backend_arguments(parser)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- the clients


@dataclass(slots=True)
class Tally:
    """Events received by every stream together, so a call's end is awaited, not polled."""

    count: int = 0
    wanted: int = 0
    reached: asyncio.Event = field(default_factory=asyncio.Event)

    def expect(self, total: int) -> None:
        self.wanted = total
        self.reached.clear()
        if self.count >= total:
            self.reached.set()

    def add(self) -> None:
        self.count += 1
        if self.count >= self.wanted:
            self.reached.set()


@dataclass(slots=True)
class Stream:
    """One open event stream: when each of its `data:` lines arrived."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    arrivals: list[float] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.writer.close()


async def open_stream(port: int, path: str, headers: dict[str, str], tally: Tally) -> Stream:
    reader, writer = await asyncio.open_connection(HOST, port)
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: text/event-stream"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        rest = await asyncio.wait_for(reader.read(300), 5)
        writer.close()
        raise RuntimeError(f"GET {path} → {status} {rest.decode(errors='replace')}")
    stream = Stream(reader, writer)
    stream.task = asyncio.get_running_loop().create_task(_follow(stream, tally))
    return stream


async def _follow(stream: Stream, tally: Tally) -> None:
    """Notes the arrival of every event (its `data:` line; chunk sizes and comments skipped)."""
    while line := await stream.reader.readline():
        if line.startswith(b"data:"):
            stream.arrivals.append(time.perf_counter())
            tally.add()


async def open_streams(
    port: int, count: int, request: Callable[[int], tuple[str, dict[str, str]]], tally: Tally
) -> list[Stream]:
    """Opens `count` streams, `OPEN_AT_ONCE` at a time, and waits for each one's first event."""
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    async def one(index: int) -> Stream:
        path, headers = request(index)
        async with gate:
            return await open_stream(port, path, headers, tally)

    tally.expect(tally.count + count)
    streams = await asyncio.gather(*(one(i) for i in range(count)))
    await asyncio.wait_for(tally.reached.wait(), SEEN_TIMEOUT)
    return list(streams)


async def send(port: int, target: Target) -> bytes:
    """One request on a connection of its own (a kept-alive one would time out while the
    streams are being waited for), its whole answer read; anything but OK raises."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(_request_bytes(port, target, None))
        status, _, body = await _read_response(reader)
    finally:
        writer.close()
    if status != 200 or b'"code":"OK"' not in body:
        raise RuntimeError(f"{target.name}: {status} {body[:300].decode(errors='replace')}")
    return body


# --------------------------------------------------------------------------- one figure


@dataclass(frozen=True, slots=True)
class Figure:
    """What to open and how to call: `call` makes one change every stream must see; `settle`
    runs after every stream saw it (e.g. finishing the number called)."""

    name: str
    request: Callable[[int], tuple[str, dict[str, str]]]
    call: Target
    settle: Target | None = None


@dataclass(frozen=True, slots=True)
class StreamsResult:
    name: str
    streams: int
    open_seconds: float
    rss_per_stream: float | None  # bytes
    lags: list[float]  # per call: seconds from the call's answer to the last stream's event
    sent_lags: list[float]  # per call: seconds from sending the call to the last stream's event
    call_seconds: list[float]  # per call: how long the call itself took to answer
    missed: int  # streams that had not seen a call after SEEN_TIMEOUT, summed over calls

    @property
    def p50(self) -> float:
        return _percentile(sorted(self.lags), 50)

    @property
    def worst(self) -> float:
        return max(self.lags, default=0.0)


async def measure(server: BenchServer, figure: Figure, streams: int, calls: int) -> StreamsResult:
    tally = Tally()
    before = server.rss_bytes()
    started = time.perf_counter()
    opened = await open_streams(server.port, streams, figure.request, tally)
    open_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)  # let the server finish whatever the opening left behind
    after = server.rss_bytes()
    lags: list[float] = []
    sent_lags: list[float] = []
    call_seconds: list[float] = []
    missed = 0
    try:
        for round_number in range(1, calls + 1):
            tally.expect(tally.count + streams)
            sent = time.perf_counter()
            await send(server.port, figure.call)
            answered = time.perf_counter()
            try:
                await asyncio.wait_for(tally.reached.wait(), SEEN_TIMEOUT)
            except TimeoutError:
                pass
            late = [s for s in opened if len(s.arrivals) <= round_number]
            missed += len(late)
            seen = [s.arrivals[round_number] for s in opened if len(s.arrivals) > round_number]
            last = max(seen, default=answered + SEEN_TIMEOUT)
            lags.append(last - answered)
            sent_lags.append(last - sent)
            call_seconds.append(answered - sent)
            if late:  # start the next round level with every stream
                tally.count = sum(len(s.arrivals) for s in opened)
            if figure.settle is not None:
                await send(server.port, figure.settle)
            await asyncio.sleep(0.3)
    finally:
        for stream in opened:
            stream.close()
    rss = None if before is None or after is None else (after - before) / streams
    return StreamsResult(
        figure.name, streams, open_seconds, rss, lags, sent_lags, call_seconds, missed
    )


def run_figure(
    options: ServerOptions,
    figure: Callable[[BenchServer], Awaitable[Figure]],
    streams: int,
    calls: int,
) -> StreamsResult:
    with BenchServer(options) as server:
        print(f"server: {server.description}, port {server.port}", flush=True)

        async def run() -> StreamsResult:
            chosen = await figure(server)
            print(f"measuring {chosen.name}: {streams} streams, {calls} calls …", flush=True)
            return await measure(server, chosen, streams, calls)

        result = _run_fast(run())
        if "Traceback" in server.log_tail():
            print(server.log_tail())
        return result


# --------------------------------------------------------------------------- the figures


async def bare_figure(server: BenchServer) -> Figure:
    return Figure(
        "(a) bare SSE route, broadcast",
        lambda index: ("/bench/sse", {"X-Forwarded-For": _client(index)}),
        Target.post_json("publish", "/bench/sse-publish", {}),
    )


@dataclass(frozen=True, slots=True)
class QueueSetup:
    hall_id: int
    window_id: int
    stream_tickets: list[tuple[int, int]]  # (ticket id, citizen id), in serving order


async def prepare_queue(server: BenchServer, streams: int, calls: int) -> QueueSetup:
    """A hall with one queue and one window, `calls` numbers to be called, then one number per
    stream, each held by its own resident."""
    from config import database
    from config.settings import Settings
    from services.appointments.models import Window, WindowItem
    from services.catalog.models import Hall, Item, OnlineLevel, Region, RegionLevel
    from services.queue import numbering
    from services.queue.models import Lane, Queue, QueueItem, Ticket
    from services.queue.service import queue as queue_service

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
        window = await Window.create(hall=hall, code="01", name="1号窗口")
        await WindowItem.create(window=window, item=item)
        now = datetime.now(UTC)
        day = queue_service.today(now)
        tickets = []
        for number in range(1, calls + streams + 1):
            holder = None if number <= calls else 1_000_000 + number
            tickets.append(
                Ticket(
                    queue_id=queue.id,
                    day=day,
                    number=number,
                    label=numbering.label(queue.code, number),
                    citizen_id=holder,
                    active_citizen_id=holder,
                    channel="web",
                    lane=Lane.REGULAR,
                    queued_at=now - timedelta(seconds=calls + streams - number),
                    taken_at=now,
                )
            )
        await Ticket.bulk_create(tickets, batch_size=500)
        rows = await Ticket.filter(queue_id=queue.id, citizen_id__not_isnull=True).order_by(
            "number"
        )
        return QueueSetup(hall.id, window.id, [(t.id, t.citizen_id or 0) for t in rows])
    finally:
        await database.close_db()


def _client(index: int) -> str:
    return f"10.77.{index // 256 % 256}.{index % 256}"


def _resident_token(citizen_id: int) -> str:
    from channels.identity.tokens import encode_access_token
    from gateway.schemas import CitizenPrincipal, IdentityLevel

    resident = CitizenPrincipal(
        citizen_id, IdentityLevel.LOGGED_IN, session_id="bench-" + secrets.token_hex(8)
    )
    return encode_access_token(resident, datetime.now(UTC))


def _clerk_token(hall_id: int) -> str:
    from channels.identity.tokens import encode_access_token
    from gateway.schemas import StaffPrincipal, StaffScope

    clerk = StaffPrincipal(
        staff_id=1,
        username="bench-clerk",
        permissions=frozenset({"queue.call"}),
        scopes=(StaffScope(hall_id=hall_id),),
        session_id="bench-" + secrets.token_hex(8),
    )
    return encode_access_token(clerk, datetime.now(UTC))


def queue_figure(streams: int, calls: int) -> Callable[[BenchServer], Awaitable[Figure]]:
    async def make(server: BenchServer) -> Figure:
        setup = await prepare_queue(server, streams, calls)
        tokens = [_resident_token(citizen) for _, citizen in setup.stream_tickets]
        clerk = {"Authorization": f"Bearer {_clerk_token(setup.hall_id)}"}
        action = "/api/v1/services/queue/"
        sign_in = Target.post_json(
            "window-sign-in", action + "window-sign-in", {"window_id": setup.window_id}, **clerk
        )
        await send(server.port, sign_in)

        def request(index: int) -> tuple[str, dict[str, str]]:
            ticket_id, _ = setup.stream_tickets[index]
            headers = {
                "Authorization": f"Bearer {tokens[index]}",
                "X-Forwarded-For": _client(index),
            }
            return f"/api/v1/queue/numbers/{ticket_id}/events", headers

        return Figure(
            "(b) queue position streams",
            request,
            Target.post_json("call-next", action + "call-next", {}, **clerk),
            Target.post_json("finish", action + "finish", {}, **clerk),
        )

    return make


# --------------------------------------------------------------------------- report


def raise_open_files(streams: int) -> None:
    """Room for every stream on both ends (the server inherits the limit from here)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * streams + 512
    if soft >= wanted:
        return
    if hard != resource.RLIM_INFINITY and hard < wanted:
        raise SystemExit(f"open-file limit {hard} is below the {wanted} the streams need")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def format_results(results: list[StreamsResult]) -> str:
    header = (
        f"{'figure':<32} {'streams':>7} {'open s':>7} {'KiB/stream':>10} "
        f"{'p50 ms':>8} {'max ms':>8} {'call ms':>8} {'sent→max':>8} {'missed':>7}"
    )
    rows = [header]
    for r in results:
        rss = "-" if r.rss_per_stream is None else f"{r.rss_per_stream / 1024:.1f}"
        call = _percentile(sorted(r.call_seconds), 50) * 1000
        rows.append(
            f"{r.name:<32} {r.streams:>7} {r.open_seconds:>7.2f} {rss:>10} "
            f"{r.p50 * 1000:>8.1f} {r.worst * 1000:>8.1f} {call:>8.1f} "
            f"{max(r.sent_lags, default=0.0) * 1000:>8.1f} {r.missed:>7}"
        )
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Before anything reads the settings: this process signs tokens the server must accept.
    os.environ["GOVHUB_SECRET_KEY"] = BENCH_SECRET
    raise_open_files(args.streams)
    options = ServerOptions(
        app=APP,
        postgres_url=args.postgres,
        redis_url=args.redis,
        env={"GOVHUB_SECRET_KEY": BENCH_SECRET},
    )
    print(
        f"{args.streams} streams per figure, {args.calls} calls, each figure on a fresh server, "
        "127.0.0.1 only"
    )
    results = [
        run_figure(options, bare_figure, args.streams, args.calls),
        run_figure(options, queue_figure(args.streams, args.calls), args.streams, args.calls),
    ]
    print()
    print(format_results(results))
    print(
        "(p50 / max: from a call's answer to the last stream receiving its event, negative when "
        "the streams had it before the caller; call ms: p50 of the call's own answer; "
        "sent→max: from sending the call to the last stream, worst call)"
    )
    bare, live = results
    verdict = "PASS" if live.worst < TARGET_SECONDS and not live.missed else "MISS"
    print()
    print(
        f"last stream sees a call, max of (b): {live.worst * 1000:.0f} ms   "
        f"target < {TARGET_SECONDS:g} s   {verdict}"
    )
    if bare.rss_per_stream is not None and live.rss_per_stream is not None:
        print(
            f"memory per stream: (b) {live.rss_per_stream / 1024:.1f} KiB, "
            f"bare (a) {bare.rss_per_stream / 1024:.1f} KiB"
        )
    failed = [r for r in results if r.missed]
    for result in failed:
        print(f"{result.name}: {result.missed} stream-calls not seen within {SEEN_TIMEOUT:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
