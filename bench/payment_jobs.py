"""`python -m bench.payment_jobs`: the two payment jobs that run in the background, each against
a bare baseline in the same run, in-process on a scratch SQLite database.

Department webhooks (`demands.deliver_due`), with a receiver that fails every other request:
(a) bare: the same signed bodies POSTed one after the other to the same receiver, retried at
    once until accepted: only HMAC signing and HTTP;
(b) the sender: `WebhookDelivery` rows (one event per demand), delivered by the job as it runs
    in production: the due query (in order per demand), the claim, the signed POST, the attempt
    row, the backoff. The clock is moved past the backoff between rounds, so the figure is the
    sender's work and not its waiting.
Figures: events delivered per second and attempts per second.

Reconciliation of a day's statement of `--lines` payments (WeChat Pay's ALL trade bill, the
platform's file format, every line matching an order of the ledger but a handful of breaks):
(a) bare: decoding the file and reading each line's out_trade_no and amount into a dict;
(b) `reconcile_provider`: the parser, the day's ledger query, the lookup of every line's order,
    the matching and the breaks recorded.
Figures: seconds and peak memory (tracemalloc, a second pass) of each.

    python -m bench.payment_jobs [--webhooks 1000] [--lines 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import itertools
import logging
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.load import _free_port

DAY = date(2026, 11, 30)
BREAKS = 5  # lines of the statement with a wrong amount


# ------------------------------------------------------------------------ a flaky receiver


class FlakyReceiver:
    """A department's webhook endpoint on 127.0.0.1 that answers 500 to every other request."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.requests = itertools.count(1)
        self.accepted = 0
        app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def hook(self, request: Request) -> Response:
        await request.body()
        if next(self.requests) % 2:
            return Response(status_code=500)
        self.accepted += 1
        return Response(status_code=204)

    def __enter__(self) -> FlakyReceiver:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@dataclass
class Figure:
    name: str
    seconds: float
    events: int
    attempts: int = 0
    peak_bytes: int = 0

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


# ------------------------------------------------------------------------------- webhooks


async def bare_webhooks(receiver: FlakyReceiver, bodies: list[bytes], secret: str) -> Figure:
    from services.demands import keys

    attempts = 0
    started = time.perf_counter()
    async with httpx.AsyncClient() as client:
        for body in bodies:
            while True:
                attempts += 1
                headers = {keys.SIGNATURE_HEADER: keys.sign(secret, int(time.time()), body)}
                response = await client.post(receiver.url, content=body, headers=headers)
                if response.status_code < 300:
                    break
    return Figure("(a) bare signed POSTs", time.perf_counter() - started, len(bodies), attempts)


async def sender_webhooks(receiver: FlakyReceiver, count: int) -> tuple[Figure, list[bytes], str]:
    import orjson

    from payments.service import utcnow
    from services.demands import admin
    from services.demands.models import DeliveryState, FeeDemand, KeyMode, WebhookDelivery
    from services.demands.repository import add_delivery
    from services.demands.schemas import DemandCreate, LineItem, PayerHint
    from services.demands.service import demands
    from services.demands.settings import demand_settings

    department, secret = await admin.add_department("bench-dept", "基准部门", receiver.url)
    now = utcnow()
    for serial in range(count):
        created = await demands.create(
            department,
            KeyMode.TEST,
            DemandCreate(
                external_ref=f"B-{serial}",
                title="基准",
                items=[LineItem(name="费", unit_fen=100)],
                payer=PayerHint(phone=f"139{serial:08d}"),
            ),
        )
        demand = await FeeDemand.get(demand_no=created.demand_no)
        await add_delivery(demand, "demand.paid", {"demand_no": demand.demand_no}, now)
    deliveries = await WebhookDelivery.all().order_by("id")
    bodies = [orjson.dumps(d.payload) for d in deliveries]
    step = timedelta(seconds=demand_settings().webhook_backoff_max_seconds + 1)
    clock = now
    started = time.perf_counter()
    while await WebhookDelivery.filter(state=DeliveryState.PENDING).exists():
        await demands.deliver_due(clock, limit=100)
        clock += step
    seconds = time.perf_counter() - started
    delivered = await WebhookDelivery.filter(state=DeliveryState.DELIVERED).count()
    attempts = sum(delivery.attempts for delivery in await WebhookDelivery.all())
    return Figure("(b) webhook sender", seconds, delivered, attempts), bodies, secret


# ------------------------------------------------------------------------- reconciliation


class StatementOnly:
    """The platform side of a reconciliation: only the day's statement."""

    name = "wechatpay"

    def __init__(self, content: bytes) -> None:
        self.content = content

    async def download_statement(self, day: date) -> bytes:
        return self.content


async def seed_ledger(lines: int) -> bytes:
    """`lines` paid orders on DAY, and WeChat Pay's ALL bill of them (a few amounts wrong)."""
    from payments.models import PaymentOrder
    from payments.providers.common import CHINA_TIME
    from payments.providers.sandbox import _bill_row
    from payments.reconciliation.formats.wechatpay import wechat_bill
    from payments.states import OrderState, Purpose, TradeType

    noon = datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=CHINA_TIME)
    rows: list[list[str]] = []
    batch: list[PaymentOrder] = []
    for serial in range(lines):
        paid_at = noon + timedelta(milliseconds=serial * 300)
        no = f"GHB{serial:029d}"
        amount = 100 + serial % 5000
        batch.append(
            PaymentOrder(
                out_trade_no=no,
                purpose=Purpose.FEE,
                reference=f"bench-{serial}",
                citizen_id=1,
                description="基准",
                amount_fen=amount,
                provider="wechatpay",
                trade_type=TradeType.JSAPI,
                state=OrderState.PAID,
                app_id="wxbench",
                merchant_id="1900000109",
                expires_at=paid_at + timedelta(hours=1),
                paid_at=paid_at.astimezone(UTC),
            )
        )
        statement_amount = amount + (1 if serial < BREAKS else 0)
        record = {"amount_fen": statement_amount, "trade_no": f"42{serial:026d}"}
        rows.append(_bill_row(paid_at, no, record))
        if len(batch) == 5000:
            await PaymentOrder.bulk_create(batch)
            batch = []
    if batch:
        await PaymentOrder.bulk_create(batch)
    return wechat_bill(rows)


def bare_statement_read(content: bytes) -> int:
    amounts: dict[str, str] = {}
    for fields in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if len(fields) > 24 and fields[6].startswith("`"):
            amounts[fields[6][1:]] = fields[24][1:]
    return len(amounts)


async def reconcile_once(content: bytes) -> int:
    from payments.reconciliation.models import ReconciliationBreak, ReconciliationRun
    from payments.reconciliation.service import reconcile_provider

    await ReconciliationBreak.all().delete()
    await ReconciliationRun.all().delete()
    run = await reconcile_provider(StatementOnly(content), DAY)  # type: ignore[arg-type]
    return int(run.open_breaks)


async def measured(name: str, events: int, work: Callable[[], Awaitable[Any]]) -> Figure:
    """Seconds of one pass, then the peak memory of a second pass under tracemalloc."""
    started = time.perf_counter()
    result = await work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    await work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figure = Figure(name, seconds, events, peak_bytes=peak)
    figure.attempts = int(result)
    return figure


# ------------------------------------------------------------------------------------ main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.payment_jobs", description=__doc__)
    parser.add_argument("--webhooks", type=int, default=1000, help="events to deliver")
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the statement")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, database_url: str) -> int:
    from config.database import migrate
    from config.runtime import started
    from config.settings import Settings

    settings = Settings(database_url=database_url, env="development", log_level="WARNING")
    logging.getLogger("services.demands").setLevel(logging.CRITICAL)  # every other POST fails
    await migrate(settings)
    async with started(settings, with_broker=False):
        with FlakyReceiver() as receiver:
            print(f"webhooks: {args.webhooks} events, the receiver fails every other request")
            sender, bodies, secret = await sender_webhooks(receiver, args.webhooks)
            bare = await bare_webhooks(receiver, bodies, secret)
        print(f"{'figure':<34}{'events/s':>10}{'attempts/s':>12}{'events':>8}{'attempts':>10}")
        for figure in (bare, sender):
            print(
                f"{figure.name:<34}{figure.per_second:>10.0f}"
                f"{figure.attempts / figure.seconds:>12.0f}{figure.events:>8}{figure.attempts:>10}"
            )
        print(f"(b)/(a) events per second: {sender.per_second / bare.per_second:.2f}")

        print(f"\nreconciliation: a statement of {args.lines} lines, {BREAKS} amounts differ")
        content = await seed_ledger(args.lines)
        lines = args.lines

        async def bare_read() -> int:
            return bare_statement_read(content)

        read = await measured("(a) bare read of the file", lines, bare_read)
        full = await measured("(b) reconcile_provider", lines, lambda: reconcile_once(content))
        print(f"{'figure':<34}{'seconds':>10}{'lines/s':>12}{'peak MB':>10}")
        for figure in (read, full):
            print(
                f"{figure.name:<34}{figure.seconds:>10.2f}{figure.per_second:>12.0f}"
                f"{figure.peak_bytes / 2**20:>10.1f}"
            )
        print(f"(b)/(a) seconds: {full.seconds / read.seconds:.1f}; breaks found: {full.attempts}")
        ok = sender.events == args.webhooks and full.attempts == BREAKS
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govhub-bench-") as folder:
        url = f"sqlite://{os.path.join(folder, 'bench.sqlite3')}"
        return asyncio.run(run(args, url))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
