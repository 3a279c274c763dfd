"""`python -m bench.applications`: online applications submitted and looked up per second, against
a bare route, in one run on one server.

(a) `GET /bench/bare`: a plain FastAPI JSON route, the ceiling of this server.
(b) `POST /api/v1/services/applications/submit` as `--residents` real-name residents: each of
    `--drafts` drafts of 生育登记 (WS002, its answers saved and every required material
    attached, one PNG uploaded per resident) submitted once: the whole gateway pipeline, the
    answers checked against the form's schema, the materials, the move (a conditional update,
    the timeline row, the notification outbox entry), the answers kept in the library and the
    application's view answered. A submission cannot repeat, so each is sent once
    (`bench.load.run_each_once`); a tenth more are submitted first as a warm-up.
(c) `POST /api/v1/services/applications/progress`: the public query by number and the last four
    digits of the phone, repeated (`bench.load.run_load`), with its p50 and p99.

No target is set yet: the ratios (b)/(a) and (c)/(a) are printed, with the same ratios from
server CPU per request as the steadier cross-check. Afterwards the database is checked: every
draft submitted exactly once.

    python -m bench.applications [--drafts 300] [--residents 30] [--duration 5] [--concurrency 16]
                                 [--generator auto|wrk|python] [--postgres …] [--redis …]

The server is fresh (migrated, demo-seeded); the bench signs the residents' tokens with a
secret it gives the server and keeps the uploads in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.load import (
    HOST,
    BenchServer,
    LoadResult,
    ServerOptions,
    Target,
    add_load_arguments,
    check_target,
    describe_generator,
    format_table,
    load_options,
    raw_request,
    run_each_once,
    run_load,
)

BENCH_SECRET = "bench-applications-" + secrets.token_hex(24)
ITEM = "WS002"
ANSWERS = {
    "mother_name": "王芳",
    "father_name": "李强",
    "expected_birth_date": "2027-03-01",
    "address": "厦门市思明区湖滨南路 1 号",
}
# A valid 1×1 PNG header: the upload check reads the type from the content.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
SUBMITS_PER_RESIDENT = 20  # applications.submit's rate limit per resident and minute
PREPARE_CONNECTIONS = 8
SERVICE = "/api/v1/services/applications"


@dataclass(frozen=True, slots=True)
class Resident:
    citizen_id: int
    phone: str
    token: str


@dataclass(frozen=True, slots=True)
class Draft:
    application_no: str
    resident: Resident


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.applications", description=__doc__)
    add_load_arguments(parser, concurrency=16)
    parser.set_defaults(duration=5.0, warmup=1.0)
    parser.add_argument("--drafts", type=int, default=300, help="applications submitted in (b)")
    parser.add_argument("--residents", type=int, default=30, help="residents they belong to")
    args = parser.parse_args(argv)
    needed = math.ceil(total_drafts(args.drafts) / SUBMITS_PER_RESIDENT)
    if args.residents < needed:
        parser.error(f"{args.drafts} drafts need at least {needed} residents (rate limit)")
    return args


def total_drafts(measured: int) -> int:
    """The measured drafts and the warm-up tenth before them."""
    return measured + max(1, measured // 10)


# ----------------------------------------------------------------------------- preparing


def _server_settings(server: BenchServer) -> Any:
    from config.settings import Settings

    env = server.environment()
    return Settings(
        database_url=env["GOVHUB_DATABASE_URL"],
        redis_url=env.get("GOVHUB_REDIS_URL"),
        redis_prefix=env["GOVHUB_REDIS_PREFIX"],
    )


async def _residents(server: BenchServer, count: int) -> list[Resident]:
    """Residents signed in with a verified phone, each with a real-name access token."""
    from channels.identity.service import authenticate, identity
    from channels.identity.tokens import encode_access_token
    from config.runtime import started
    from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel

    residents = []
    async with started(_server_settings(server), with_broker=False):
        for n in range(count):
            phone = f"1390000{n:04d}"
            pair = await identity.sign_in_channel_account(
                Channel.APP, "govhub-app", phone, phone=phone
            )
            principal = await authenticate(pair.access_token)
            assert isinstance(principal, CitizenPrincipal)
            verified = CitizenPrincipal(
                principal.citizen_id, IdentityLevel.REAL_NAME, principal.session_id, Channel.APP
            )
            token = encode_access_token(verified, datetime.now(UTC))
            residents.append(Resident(principal.citizen_id, phone, token))
    return residents


class Api:
    """The resident side of the API over one client; each call from another address, as
    residents are, so per-address limits count as in production."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.calls = 0

    def _headers(self, resident: Resident) -> dict[str, str]:
        self.calls += 1
        n = self.calls
        return {
            "Authorization": f"Bearer {resident.token}",
            "X-Forwarded-For": f"10.200.{n // 256 % 256}.{n % 256}",
        }

    async def call(self, resident: Resident, action: str, params: dict[str, Any]) -> Any:
        answer = await self.http.post(
            f"{SERVICE}/{action}", json=params, headers=self._headers(resident)
        )
        return _data(answer, action)

    async def upload(self, resident: Resident) -> int:
        files = {"file": ("scan.png", PNG, "image/png")}
        answer = await self.http.post("/api/v1/files", files=files, headers=self._headers(resident))
        file_id: int = _data(answer, "upload")["file_id"]
        return file_id


def _data(answer: httpx.Response, what: str) -> Any:
    body = answer.json()
    if answer.status_code != 200 or body.get("code") != "OK":
        raise RuntimeError(f"{what}: {answer.status_code} {answer.text[:300]}")
    return body["data"]


async def _drafts(port: int, residents: list[Resident], count: int) -> list[Draft]:
    """`count` drafts ready to submit, spread over the residents, through the API."""
    limit = asyncio.Semaphore(PREPARE_CONNECTIONS)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=60) as http:
        api = Api(http)
        form = await api.call(residents[0], "form", {"item_code": ITEM})
        required = [m["code"] for m in form["materials"] if m["required"]]

        async def scan(resident: Resident) -> int:
            async with limit:
                return await api.upload(resident)

        scans = await asyncio.gather(*(scan(r) for r in residents))

        async def draft(n: int) -> Draft:
            resident, file_id = residents[n % len(residents)], scans[n % len(residents)]
            async with limit:
                started = await api.call(resident, "start", {"item_code": ITEM})
                no = started["application_no"]
                await api.call(resident, "save", {"application_no": no, "data": ANSWERS})
                for code in required:
                    params = {"application_no": no, "material_code": code, "file_id": file_id}
                    await api.call(resident, "attach", params)
            return Draft(no, resident)

        return list(await asyncio.gather(*(draft(n) for n in range(count))))


def submissions(port: int, drafts: list[Draft], first_client: int) -> list[bytes]:
    return [
        raw_request(
            port,
            Target.post_json(
                "submit",
                f"{SERVICE}/submit",
                {"application_no": d.application_no},
                Authorization=f"Bearer {d.resident.token}",
            ),
            f"10.201.{(first_client + i) // 256 % 256}.{(first_client + i) % 256}",
        )
        for i, d in enumerate(drafts)
    ]


async def _submitted(server: BenchServer, numbers: list[str]) -> int:
    from config import database
    from services.applications.models import Application

    await database.init_db(_server_settings(server))
    try:
        return await Application.filter(application_no__in=numbers, state="submitted").count()
    finally:
        await database.close_db()


# ----------------------------------------------------------------------------- main


def report(results: list[LoadResult]) -> None:
    print(format_table(results))
    bare, submit, progress = results
    print()
    for label, figure in [("(b)/(a) submit", submit), ("(c)/(a) public progress", progress)]:
        ratio = figure.rps / bare.rps if bare.rps else 0.0
        cpu = ""
        if bare.cpu_us_per_request and figure.cpu_us_per_request:
            by_cpu = bare.cpu_us_per_request / figure.cpu_us_per_request
            cpu = f"   from server CPU per request: {by_cpu:.3f}"
        print(f"{label:<34} {ratio:>9.3f}{cpu}")
    print(f"p50 / p99 of (b) submit: {submit.p50_ms:.2f} / {submit.p99_ms:.2f} ms")
    print(f"p50 / p99 of (c) progress: {progress.p50_ms:.2f} / {progress.p99_ms:.2f} ms")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Before anything reads the settings: this process signs tokens the server must accept.
    os.environ["GOVHUB_SECRET_KEY"] = BENCH_SECRET
    options = load_options(args)
    files = tempfile.mkdtemp(prefix="govhub-bench-files-")
    server_options = ServerOptions(
        postgres_url=args.postgres,
        redis_url=args.redis,
        env={"GOVHUB_SECRET_KEY": BENCH_SECRET, "GOVHUB_APPLICATIONS_STORAGE_DIR": files},
    )
    print(f"load generator: {describe_generator(options)}")
    print(
        f"(a), (c): {options.warmup:g} s warm-up, {options.duration:g} s measured; "
        f"(b): {args.drafts} drafts of {args.residents} residents, each submitted once; "
        f"{options.concurrency} keep-alive connections, 127.0.0.1 only"
    )
    try:
        with BenchServer(server_options) as server:
            print(f"server: {server.description}, port {server.port}")
            port = server.port
            residents = asyncio.run(_residents(server, args.residents))
            count = total_drafts(args.drafts)
            print(f"preparing {count} drafts through the API …", flush=True)
            drafts = asyncio.run(_drafts(port, residents, count))
            warm, measured = drafts[: count - args.drafts], drafts[count - args.drafts :]
            bare = Target("(a) bare FastAPI route", "/bench/bare")
            check_target(port, bare)
            print(f"measuring {bare.name} …", flush=True)
            results = [run_load(port, bare, options, server.cpu_seconds)]

            def submit(name: str, batch: list[Draft], first_client: int) -> LoadResult:
                return run_each_once(
                    name,
                    port,
                    submissions(port, batch, first_client),
                    concurrency=options.concurrency,
                    cpu_clock=server.cpu_seconds,
                )

            submit("warm-up (submit)", warm, 0)
            print(f"measuring (b) gateway applications.submit, {len(measured)} drafts …")
            results.append(submit("(b) gateway applications.submit", measured, len(warm)))
            looked_up = warm[0]
            progress = Target.post_json(
                "(c) gateway applications.progress",
                f"{SERVICE}/progress",
                {
                    "application_no": looked_up.application_no,
                    "phone_last4": looked_up.resident.phone[-4:],
                },
            )
            check_target(port, progress)
            print(f"measuring {progress.name} …", flush=True)
            results.append(run_load(port, progress, options, server.cpu_seconds))
            submitted = asyncio.run(_submitted(server, [d.application_no for d in drafts]))
    finally:
        shutil.rmtree(files, ignore_errors=True)
    print()
    report(results)
    print(f"database after (b): {submitted} of {len(drafts)} drafts submitted")
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.name}: {result.errors} bad answers, first: {result.first_error}")
    return 0 if submitted == len(drafts) and not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
