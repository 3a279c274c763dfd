"""The load harness every GovHub benchmark shares.

`BenchServer` starts the real server as a subprocess (uvicorn, one worker, uvloop + httptools,
access log off) on a fresh database, migrated and seeded, and waits for `/readyz`. `run_load`
drives one `Target` over keep-alive connections from separate processes for a fixed time after
a warm-up, and checks that every answer is a 200 carrying `"code":"OK"`: a benchmark of errors
is worthless. `wrk` is used when installed (a generated Lua script sends the body, checks each
answer and reports latency percentiles); otherwise a Python generator (raw asyncio streams, one
request in flight per connection, several processes) stands in.

Only 127.0.0.1 is ever targeted and every run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast

HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
OK_MARKER = b'"code":"OK"'
# Addresses each generator thread or process cycles through with `distinct_clients`: enough
# that a per-address limit of 120 a minute holds up to about 30,000 requests/s.
DISTINCT_CLIENTS = 16384
REPO_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


# --------------------------------------------------------------------------- what to measure


@dataclass(frozen=True, slots=True)
class Target:
    """One request, repeated: a figure of the benchmark."""

    name: str
    path: str
    method: str = "GET"
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def post_json(name: str, path: str, payload: object, **headers: str) -> Target:
        return Target(
            name,
            path,
            "POST",
            json.dumps(payload, separators=(",", ":")).encode(),
            {"Content-Type": "application/json", **headers},
        )


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How hard and how long to push. `distinct_clients` sends a different `X-Forwarded-For`
    on every request, as residents behind a load balancer would, so per-address rate limits
    count as in production instead of refusing one busy address."""

    duration: float = 10.0
    warmup: float = 2.0
    concurrency: int = 32
    generator: str = "auto"  # auto, wrk or python
    threads: int = max(1, (os.cpu_count() or 2) // 2)
    distinct_clients: bool = True
    # A 429 or 503 with Retry-After is counted as shed, not as an error, and left out of the
    # latency percentiles, which then are those of the answers served (Python generator only);
    # its connection then waits as long as Retry-After says, as a well-behaved client does.
    count_shed: bool = False


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """`--postgres` / `--redis`: measure on the production backends instead of SQLite."""
    parser.add_argument("--postgres", help="PostgreSQL server URL (a fresh database is made)")
    parser.add_argument("--redis", help="Redis URL (keys under a prefix of this run)")


def add_load_arguments(parser: argparse.ArgumentParser, *, concurrency: int) -> None:
    """The options of every benchmark driven by `run_load`: how hard, how long, on what."""
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per figure")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--concurrency", type=int, default=concurrency, help="open connections")
    parser.add_argument("--generator", default="auto", choices=["auto", "wrk", "python"])
    parser.add_argument("--threads", type=int, default=LoadOptions().threads, help="generator")
    add_backend_arguments(parser)


def load_options(args: argparse.Namespace) -> LoadOptions:
    """The `LoadOptions` the arguments of `add_load_arguments` ask for."""
    return LoadOptions(
        duration=args.duration,
        warmup=args.warmup,
        concurrency=args.concurrency,
        generator=args.generator,
        threads=args.threads,
    )


@dataclass(frozen=True, slots=True)
class LoadResult:
    name: str
    generator: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    first_error: str = ""
    server_cpu_seconds: float | None = None  # CPU the server process spent while measured
    shed: int = 0  # refused with Retry-After, with `count_shed`; not in `requests`

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_request(self) -> float | None:
        """Server CPU per request: steadier than req/s when other work shares the machine."""
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds / self.requests * 1e6


def choose_generator(preference: str) -> str:
    if preference not in ("auto", "wrk", "python"):
        raise ValueError(f"unknown load generator {preference!r}: auto, wrk or python")
    if preference == "python" or (preference == "auto" and shutil.which("wrk") is None):
        return "python"
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install -y wrk)")
    return "wrk"


def run_load(
    port: int,
    target: Target,
    options: LoadOptions,
    cpu_clock: Callable[[], float | None] | None = None,
) -> LoadResult:
    """Warms up, then measures `target` for `options.duration` seconds.

    `cpu_clock` (e.g. `BenchServer.cpu_seconds`) is read around the measured part, so the
    result also tells the server CPU spent per request.
    """
    wrk = choose_generator(options.generator) == "wrk"
    if wrk and options.count_shed:
        raise ValueError("counting shed answers needs the Python generator (--generator python)")
    run = _run_wrk if wrk else _run_python
    if options.warmup > 0:
        run(port, target, options, options.warmup)
    before = cpu_clock() if cpu_clock else None
    result = run(port, target, options, options.duration)
    after = cpu_clock() if cpu_clock else None
    if before is None or after is None:
        return result
    return replace(result, server_cpu_seconds=after - before)


# --------------------------------------------------------------------------- the server


@dataclass(slots=True)
class ServerOptions:
    """The one server every figure of a run is measured on.

    `postgres_url` points at a PostgreSQL server (any database on it): a fresh database is
    created for the run and dropped afterwards. `redis_url` uses Redis under a key prefix of
    its own, removed afterwards. Without them the embedded default runs (SQLite file, in-process
    store), in a temporary folder.
    """

    app: str = "bench.app:create_bench_app"
    postgres_url: str | None = None
    redis_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    # Run after the demo seed, before the server starts (rows its warm caches must hold).
    prepare: Callable[[BenchServer], None] | None = None
    workers: int = 1  # uvicorn worker processes; more than one needs Redis


class BenchServer:
    """`with BenchServer(options) as server:` → a migrated, seeded, ready server on its port."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.port = _free_port()
        self.run_id = f"{os.getpid()}_{secrets.token_hex(3)}"
        self._folder = Path(tempfile.mkdtemp(prefix="govhub-bench-"))
        self._log = self._folder / "server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._database = self._database_url()
        self.redis_prefix = f"govhub-bench-{self.run_id}:"

    @property
    def description(self) -> str:
        database = "PostgreSQL" if self.options.postgres_url else "SQLite"
        store = "Redis" if self.options.redis_url else "in-process store"
        workers = self.options.workers
        return (
            f"{database} + {store}, uvicorn {workers} worker{'s' if workers > 1 else ''} "
            "(uvloop, httptools, no access log)"
        )

    @property
    def pid(self) -> int | None:
        """The server's process (the supervisor of its workers when there are several)."""
        return None if self._process is None else self._process.pid

    def __enter__(self) -> BenchServer:
        try:
            self._create_database()
            self._govhub("migrate")
            self._govhub("seed")
            if self.options.prepare is not None:
                self.options.prepare(self)
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        self._drop_database()
        self._clear_redis()
        shutil.rmtree(self._folder, ignore_errors=True)

    # environment shared by migrate, seed and the server: the same settings for every figure
    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHUB_")}
        env.update(
            GOVHUB_ENV="development",
            GOVHUB_LOG_LEVEL="WARNING",
            GOVHUB_DATABASE_URL=self._database,
            GOVHUB_REDIS_PREFIX=self.redis_prefix,
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        )
        if self.options.redis_url:
            env["GOVHUB_REDIS_URL"] = self.options.redis_url
        env.update(self.options.env)
        return env

    def _database_url(self) -> str:
        if self.options.postgres_url is None:
            return f"sqlite://{self._folder}/bench.sqlite3"
        return self.options.postgres_url.rsplit("/", 1)[0] + f"/govhub_bench_{self.run_id}"

    def _govhub(self, command: str) -> None:
        govhub = Path(sys.executable).with_name("govhub")
        done = subprocess.run(
            [str(govhub), command],
            cwd=REPO_ROOT,
            env=self.environment(),
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")[-2000:]
            raise RuntimeError(f"govhub {command} failed:\n{output}")

    def _start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            self.options.app,
            "--factory",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.options.workers),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
            "--proxy-headers",
            "--forwarded-allow-ips",
            HOST,
        ]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=self.environment(), stdout=log, stderr=log
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if get(self.port, "/readyz")[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready within {READY_TIMEOUT:.0f} s")

    def cpu_seconds(self) -> float | None:
        """User + system CPU of the server process, its threads and its worker processes so
        far (Linux), else None."""
        if self._process is None:
            return None
        try:
            return sum(_process_cpu(pid) for pid in _process_tree(self._process.pid))
        except OSError:
            return None

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process now (VmRSS, Linux), else None."""
        if self._process is None:
            return None
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024  # reported in kB
        return None

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self._log.read_text(errors="replace")[-size:]
        except OSError:
            return ""

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def _create_database(self) -> None:
        if self.options.postgres_url:
            name = self._database.rsplit("/", 1)[1]
            asyncio.run(_postgres_admin(self.options.postgres_url, f'CREATE DATABASE "{name}"'))

    def _drop_database(self) -> None:
        if self.options.postgres_url:
            name = self._database.rsplit("/", 1)[1]
            sql = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            with contextlib.suppress(Exception):
                asyncio.run(_postgres_admin(self.options.postgres_url, sql))

    def _clear_redis(self) -> None:
        if not self.options.redis_url:
            return
        import redis

        with contextlib.suppress(Exception):
            client = redis.Redis.from_url(self.options.redis_url)
            keys = list(client.scan_iter(f"{self.redis_prefix}*"))
            if keys:
                client.delete(*keys)
            client.close()


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants (Linux)."""
    found, index = [pid], 0
    while index < len(found):
        current = found[index]
        index += 1
        for task in Path(f"/proc/{current}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


async def _postgres_admin(url: str, sql: str) -> None:
    import asyncpg

    admin = url.replace("postgres://", "postgresql://", 1)
    connection = await asyncpg.connect(admin.rsplit("/", 1)[0] + "/postgres", timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, bytes]:
    """One plain request, for readiness checks and for checking a target before loading it."""
    return request(port, Target("probe", path))


def request(port: int, target: Target) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request(target.method, target.path, target.body or None, dict(target.headers))
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def check_target(port: int, target: Target) -> None:
    """Refuses to measure a target that does not answer 200 with code OK."""
    status, body = request(port, target)
    if status != 200 or OK_MARKER not in body:
        text = body[:300].decode(errors="replace")
        raise RuntimeError(f"{target.name}: {target.method} {target.path} → {status} {text}")


# --------------------------------------------------------------------------- wrk

_WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
local threads = {{}}
local distinct = {distinct}
CLIENTS = {clients}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = ""
  if distinct then
    -- Formatted once: building a request per call would cost the generator more than sending.
    requests, sent = {{}}, 0
    for n = 1, CLIENTS do
      wrk.headers["X-Forwarded-For"] =
        string.format("10.%d.%d.%d", index % 256, math.floor(n / 256) % 256, n % 256)
      requests[n] = wrk.format()
    end
  end
end

if distinct then
  function request()
    sent = sent % CLIENTS + 1
    return requests[sent]
  end
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"code":"OK"', 1, true) then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if first == "" then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT %d %d %.1f %.1f %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad_total, e.connect + e.read + e.write + e.timeout))
  io.write("BENCH_FIRST_ERROR " .. string.gsub(first, "\\n", " ") .. "\\n")
end
"""


def _lua_string(value: str | bytes) -> str:
    text = value.decode() if isinstance(value, bytes) else value
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def wrk_script(target: Target, distinct_clients: bool) -> str:
    headers = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    return _WRK_SCRIPT.format(
        method=_lua_string(target.method),
        body=_lua_string(target.body) if target.body else "nil",
        headers=headers,
        distinct="true" if distinct_clients else "false",
        clients=DISTINCT_CLIENTS,
    )


def _wrk(port: int, script: Path, target: Target, seconds: float, options: LoadOptions) -> str:
    command = [
        "wrk",
        f"-t{min(options.threads, options.concurrency)}",
        f"-c{options.concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-s",
        str(script),
        f"http://{HOST}:{port}{target.path}",
    ]
    done = subprocess.run(command, capture_output=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout.decode(errors="replace")


def _run_wrk(port: int, target: Target, options: LoadOptions, seconds: float) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="govhub-wrk-") as folder:
        script = Path(folder) / "target.lua"
        script.write_text(wrk_script(target, options.distinct_clients))
        output = _wrk(port, script, target, seconds, options)
    return _parse_wrk(target.name, output)


def _parse_wrk(name: str, output: str) -> LoadResult:
    lines = {
        line.split(" ", 1)[0]: line.split(" ", 1)[1] if " " in line else ""
        for line in output.splitlines()
        if line.startswith("BENCH_")
    }
    if "BENCH_RESULT" not in lines:
        raise RuntimeError(f"wrk printed no result:\n{output[-1000:]}")
    requests, micros, p50, p99, bad, socket_errors = lines["BENCH_RESULT"].split()
    return LoadResult(
        name=name,
        generator="wrk",
        requests=int(requests),
        seconds=int(micros) / 1e6,
        p50_ms=float(p50) / 1000,
        p99_ms=float(p99) / 1000,
        errors=int(bad) + int(socket_errors),
        first_error=lines.get("BENCH_FIRST_ERROR", "").strip(),
    )


# --------------------------------------------------------------------------- Python fallback


@dataclass(slots=True)
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    shed: int = 0

    def fail(self, reason: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or reason


def _request_bytes(port: int, target: Target, client: str | None) -> bytes:
    lines = [f"{target.method} {target.path} HTTP/1.1", f"Host: {HOST}:{port}"]
    lines += [f"{k}: {v}" for k, v in target.headers.items()]
    if client:
        lines.append(f"X-Forwarded-For: {client}")
    lines.append(f"Content-Length: {len(target.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + target.body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, float | None, bytes]:
    """Status, the seconds of its Retry-After (None without one), body."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, retry_after = 0, None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"retry-after":
            retry_after = float(value) if value.strip().isdigit() else 1.0
    return status, retry_after, await reader.readexactly(length)


@dataclass(frozen=True, slots=True)
class _Share:
    """What one generator process does: its connections and the time bounds of the run."""

    port: int
    target: Target
    worker: int
    connections: int
    duration: float
    distinct_clients: bool
    count_shed: bool = False


async def _connection(share: _Share, slot: int, stop_at: float, tally: _Tally) -> None:
    """One keep-alive connection, one request in flight (no pipelining), until `stop_at`."""
    reader, writer = await asyncio.open_connection(HOST, share.port)
    sent = 0
    try:
        while (now := time.perf_counter()) < stop_at:
            sent += 1
            n = (slot * 1021 + sent) % DISTINCT_CLIENTS
            client = f"10.{share.worker % 256}.{n // 256}.{n % 256}"
            distinct = client if share.distinct_clients else None
            writer.write(_request_bytes(share.port, share.target, distinct))
            status, retry_after, body = await _read_response(reader)
            finished = time.perf_counter()
            if finished > stop_at:
                continue
            if share.count_shed and retry_after is not None and status in (429, 503):
                tally.shed += 1
                await asyncio.sleep(min(retry_after, stop_at - finished))
                continue
            if status != 200 or OK_MARKER not in body:
                tally.fail(f"{status} {body[:300].decode(errors='replace')}")
            tally.latencies.append(finished - now)
    finally:
        writer.close()


async def _drive(share: _Share) -> _Tally:
    tally = _Tally()
    stop_at = time.perf_counter() + share.duration
    results = await asyncio.gather(
        *(_connection(share, slot, stop_at, tally) for slot in range(share.connections)),
        return_exceptions=True,
    )
    for outcome in results:
        if isinstance(outcome, BaseException):
            tally.fail(f"connection failed: {outcome!r}")
    return tally


def _python_worker(share: _Share) -> tuple[list[float], int, str, int]:
    tally = _run_fast(_drive(share))
    return tally.latencies, tally.errors, tally.first_error, tally.shed


def _run_fast(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs on uvloop when it is installed (it is, with uvicorn[standard])."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _run_python(port: int, target: Target, options: LoadOptions, seconds: float) -> LoadResult:
    processes = max(1, min(options.threads, options.concurrency))
    shares = [options.concurrency // processes] * processes
    for index in range(options.concurrency % processes):
        shares[index] += 1
    work = [
        _Share(port, target, i, n, seconds, options.distinct_clients, options.count_shed)
        for i, n in enumerate(shares)
    ]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        answers = pool.map_async(_python_worker, work).get(timeout=seconds + 60)
    latencies = sorted(x for answer in answers for x in answer[0])
    errors = sum(answer[1] for answer in answers)
    first = next((answer[2] for answer in answers if answer[2]), "")
    return LoadResult(
        name=target.name,
        generator="python",
        requests=len(latencies),
        seconds=seconds,
        p50_ms=_percentile(latencies, 50) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
        errors=errors,
        first_error=first,
        shed=sum(answer[3] for answer in answers),
    )


@dataclass(frozen=True, slots=True)
class Expect:
    """The answer every request of `run_each_once` must get: a status, and a marker in the body
    unless `marker` is None."""

    status: int = 200
    marker: bytes | None = OK_MARKER


@dataclass(frozen=True, slots=True)
class _Batch:
    """What one generator process sends: its raw requests, each once, over its connections."""

    port: int
    requests: list[bytes]
    connections: int
    expect: Expect


async def _send_batch(batch: _Batch) -> _Tally:
    pending = list(reversed(batch.requests))
    tally = _Tally()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(HOST, batch.port)
        try:
            while pending:
                raw = pending.pop()
                started = time.perf_counter()
                writer.write(raw)
                status, _, body = await _read_response(reader)
                tally.latencies.append(time.perf_counter() - started)
                marker = batch.expect.marker
                if status != batch.expect.status or (marker is not None and marker not in body):
                    tally.fail(f"{status} {body[:300].decode(errors='replace')}")
        finally:
            writer.close()

    outcomes = await asyncio.gather(
        *(connection() for _ in range(batch.connections)), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            tally.fail(f"connection failed: {outcome!r}")
    return tally


def _batch_worker(batch: _Batch) -> tuple[list[float], int, str]:
    tally = _run_fast(_send_batch(batch))
    return tally.latencies, tally.errors, tally.first_error


def raw_request(port: int, target: Target, client: str | None = None) -> bytes:
    """`target` as the bytes sent on the wire (`client` as its `X-Forwarded-For`)."""
    return _request_bytes(port, target, client)


def run_each_once(
    name: str,
    port: int,
    requests: list[bytes],
    *,
    concurrency: int,
    processes: int = 1,
    expect: Expect = Expect(),
    cpu_clock: Callable[[], float | None] | None = None,
) -> LoadResult:
    """Sends every one of `requests` (raw HTTP/1.1, see `raw_request`) once, over `concurrency`
    keep-alive connections from `processes` processes, one request in flight each: for figures
    where each request must be distinct (a payment notified, an application submitted), which
    `run_load`'s repetition of one request cannot measure. Requests/s of the lot."""
    processes = max(1, processes)
    batches = [
        _Batch(port, requests[i::processes], max(1, concurrency // processes), expect)
        for i in range(processes)
    ]
    before = cpu_clock() if cpu_clock else None
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        answers = pool.map(_batch_worker, batches)
    seconds = time.perf_counter() - started
    after = cpu_clock() if cpu_clock else None
    latencies = sorted(x for answer in answers for x in answer[0])
    return LoadResult(
        name=name,
        generator="python",
        requests=len(latencies),
        seconds=seconds,
        p50_ms=_percentile(latencies, 50) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
        errors=sum(answer[1] for answer in answers),
        first_error=next((answer[2] for answer in answers if answer[2]), ""),
        server_cpu_seconds=None if before is None or after is None else after - before,
    )


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


# --------------------------------------------------------------------------- reporting


def describe_generator(options: LoadOptions) -> str:
    generator = choose_generator(options.generator)
    if generator == "wrk":
        version = subprocess.run(["wrk", "-v"], capture_output=True, check=False)
        first = (version.stdout or version.stderr).decode(errors="replace").split("\n")[0]
        return f"wrk ({first.split(' Copyright')[0].strip()}), {options.threads} thread(s)"
    return f"python asyncio generator, {options.threads} process(es)"


def format_table(results: list[LoadResult]) -> str:
    header = (
        f"{'figure':<34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'cpu µs/req':>11}"
    )
    return "\n".join([header, *(_row(r) for r in results)])


def _row(r: LoadResult) -> str:
    cpu = r.cpu_us_per_request
    cpu_text = "-" if cpu is None else f"{cpu:.0f}"
    return (
        f"{r.name:<34} {r.rps:>9.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>7} {cpu_text:>11}"
    )


# --------------------------------------------------------------------------- calibration

_CANNED = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 31\r\n\r\n"
    b'{"code":"OK","data":{"x":true}}'
)


class _CannedProtocol(asyncio.Protocol):
    """Answers every request with the same bytes: the least a server can do per request."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, rest = self.buffer[:end], self.buffer[end + 4 :]
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            self.transport.write(_CANNED)


async def _serve_canned(port: int, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_CannedProtocol, HOST, port)
    async with server:
        await asyncio.sleep(seconds)


@contextlib.contextmanager
def canned_server(lifetime: float) -> Iterator[int]:
    """A raw uvloop server in its own process, for the load generator's ceiling on this box."""
    port = _free_port()
    code = f"import bench.load as m; m._run_fast(m._serve_canned({port}, {lifetime}))"
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.2):
                break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def calibrate(options: LoadOptions) -> LoadResult:
    """Requests/s the generator reaches against a server that does nothing: the figures of a
    benchmark mean something only well below it."""
    target = Target.post_json("load generator ceiling", "/canned", {"x": 1})
    with canned_server(options.warmup + options.duration + 30) as port:
        return run_load(port, target, options)


__all__ = [
    "BenchServer",
    "Expect",
    "calibrate",
    "LoadOptions",
    "LoadResult",
    "ServerOptions",
    "Target",
    "check_target",
    "describe_generator",
    "format_table",
    "raw_request",
    "run_each_once",
    "run_load",
]
