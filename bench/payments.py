"""`python -m bench.payments`: verified payment notifications per second, whole path vs bare route.

(a) `POST /bench/payments/verify-only`: the WeChat Pay provider checks the signature, the
    timestamp and decrypts the resource (AEAD_AES_256_GCM), then answers 204. Nothing else.
(b) `POST /payments/notify/wechatpay`: the same, plus the order lookup and checks, the
    conditional update, the event row, the outbox entry, the wake-up job and the answer.

Both figures are measured in one run on one server (`bench.load.BenchServer`: uvicorn, one
worker) with the same notifications: one distinct, correctly signed TRANSACTION.SUCCESS per
order, so every request of (b) is a real payment, not a duplicate. The figures alternate over
several rounds, each (a) right before its (b) on the same batch; the ratio judged is the median
of the rounds'. Target (b)/(a) ≥ 0.5. Afterwards the ledger is checked: every order paid once,
one event and one outbox entry each.

`run_load` repeats one request; each notification must be distinct and is answered 204, so
this benchmark sends each once with `bench.load.run_each_once` (raw keep-alive connections
from separate processes, one request in flight each).

    python -m bench.payments [--orders 3000] [--rounds 3] [--concurrency 32] [--processes 1]
                             [--postgres postgres://…] [--redis redis://…]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import functools
import json
import multiprocessing
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from bench.load import (
    HOST,
    BenchServer,
    Expect,
    LoadResult,
    ServerOptions,
    add_backend_arguments,
    format_table,
    run_each_once,
)

MCHID = "1900000109"
APPID = "wxbench000000000oa"
PUBLIC_KEY_ID = "PUB_KEY_ID_BENCH"
AMOUNT_FEN = 1234
BARE_PATH = "/bench/payments/verify-only"
NOTIFY_PATH = "/payments/notify/wechatpay"
TARGET_RATIO = 0.5

# ----------------------------------------------------------------------------- the server side

router = APIRouter(include_in_schema=False)


@router.post(BARE_PATH)
async def verify_only(request: Request) -> Response:
    """Verification and decryption of the notify path, and its answer, with nothing behind."""
    from payments import providers
    from payments.providers.base import NotificationRejected

    provider = providers.active().require("wechatpay")
    try:
        await provider.verify_notification(dict(request.headers), await request.body())
        ack = provider.acknowledge(True)
    except NotificationRejected as exc:
        ack = provider.acknowledge(False, str(exc))
    return Response(ack.body, status_code=ack.status, media_type=ack.media_type)


def create_bench_app() -> FastAPI:
    from gateway.app import create_app

    app = create_app()
    app.include_router(router)
    return app


# ----------------------------------------------------------------------------- the platform side


def _pem_private(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _pem_public(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass(frozen=True, slots=True)
class Platform:
    """The keys of a pretend WeChat Pay merchant and platform, made for this run."""

    merchant_pem: str
    platform_pem: str
    apiv3_key: str

    @classmethod
    def generate(cls) -> Platform:
        new = rsa.generate_private_key
        return cls(
            _pem_private(new(public_exponent=65537, key_size=2048)),
            _pem_private(new(public_exponent=65537, key_size=2048)),
            secrets.token_hex(16),
        )

    def server_env(self) -> dict[str, str]:
        platform = serialization.load_pem_private_key(self.platform_pem.encode(), None)
        assert isinstance(platform, rsa.RSAPrivateKey)
        return {
            "GOVHUB_WECHATPAY_MCHID": MCHID,
            "GOVHUB_WECHATPAY_APPID": APPID,
            "GOVHUB_WECHATPAY_MERCHANT_SERIAL_NO": "BENCH0001",
            "GOVHUB_WECHATPAY_PRIVATE_KEY": self.merchant_pem,
            "GOVHUB_WECHATPAY_APIV3_KEY": self.apiv3_key,
            "GOVHUB_WECHATPAY_PUBLIC_KEY": _pem_public(platform),
            "GOVHUB_WECHATPAY_PUBLIC_KEY_ID": PUBLIC_KEY_ID,
            "GOVHUB_WECHATPAY_API_BASE": "http://127.0.0.1:9",  # never called on this path
        }


@functools.cache
def _signing_key(pem: str) -> rsa.RSAPrivateKey:
    """Loaded once per generator process: loading checks the key, which costs more than signing."""
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _notification(args: tuple[str, str, str, int]) -> bytes:
    """One signed TRANSACTION.SUCCESS for `out_trade_no`, as raw HTTP request bytes (no path)."""
    platform_pem, apiv3_key, out_trade_no, stamp = args
    key = _signing_key(platform_pem)
    resource = {
        "appid": APPID,
        "mchid": MCHID,
        "out_trade_no": out_trade_no,
        "transaction_id": "42000" + secrets.token_hex(12),
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "success_time": datetime.now(UTC).isoformat(timespec="seconds"),
        "amount": {"total": AMOUNT_FEN, "payer_total": AMOUNT_FEN, "currency": "CNY"},
    }
    nonce = secrets.token_hex(6)
    sealed = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), json.dumps(resource).encode(), b"transaction"
    )
    body = json.dumps(
        {
            "id": secrets.token_hex(16),
            "create_time": resource["success_time"],
            "resource_type": "encrypt-resource",
            "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(sealed).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
            },
        }
    ).encode()
    header_nonce = secrets.token_hex(16)
    message = f"{stamp}\n{header_nonce}\n".encode() + body + b"\n"
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = (
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Wechatpay-Timestamp: {stamp}\r\nWechatpay-Nonce: {header_nonce}\r\n"
        f"Wechatpay-Signature: {signature}\r\nWechatpay-Serial: {PUBLIC_KEY_ID}\r\n"
        "Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048\r\n"
    )
    return headers.encode() + b"\r\n" + body


def build_notifications(platform: Platform, orders: list[str], processes: int) -> list[bytes]:
    stamp = int(time.time()) + 60  # stays fresh for the whole run
    work = [(platform.platform_pem, platform.apiv3_key, no, stamp) for no in orders]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return pool.map(_notification, work, chunksize=64)


# ----------------------------------------------------------------------------- the ledger


async def _open_orders(database_url: str, count: int) -> list[str]:
    """Unpaid WeChat Pay orders straight into the server's database, as create_order leaves them."""
    from tortoise import Tortoise

    from config.database import close_db, tortoise_config
    from config.settings import Settings
    from payments.models import PaymentOrder
    from payments.service import new_out_trade_no
    from payments.states import OrderState, Purpose, TradeType

    await Tortoise.init(config=tortoise_config(Settings(database_url=database_url)))
    now = datetime.now(UTC)
    numbers = [new_out_trade_no(now) for _ in range(count)]
    try:
        await PaymentOrder.bulk_create(
            [
                PaymentOrder(
                    out_trade_no=no,
                    purpose=Purpose.FEE,
                    reference=f"bench-{i}",
                    citizen_id=1,
                    description="bench",
                    amount_fen=AMOUNT_FEN,
                    provider="wechatpay",
                    trade_type=TradeType.JSAPI,
                    state=OrderState.CREATED,
                    app_id=APPID,
                    merchant_id=MCHID,
                    client_payload={"bench": True},
                    expires_at=now + timedelta(hours=1),
                )
                for i, no in enumerate(numbers)
            ],
            batch_size=500,
        )
    finally:
        await close_db()
    return numbers


async def _ledger_counts(database_url: str, orders: list[str]) -> dict[str, int]:
    from tortoise import Tortoise

    from config.database import close_db, tortoise_config
    from config.settings import Settings
    from payments.models import PaymentEvent, PaymentOrder, PaymentOutbox
    from payments.states import OrderState

    await Tortoise.init(config=tortoise_config(Settings(database_url=database_url)))
    try:
        ids = await PaymentOrder.filter(out_trade_no__in=orders).values_list("id", flat=True)
        return {
            "paid": await PaymentOrder.filter(id__in=ids, state=OrderState.PAID).count(),
            "events": await PaymentEvent.filter(order_id__in=ids, kind="paid").count(),
            "outbox": await PaymentOutbox.filter(order_id__in=ids).count(),
        }
    finally:
        await close_db()


# ----------------------------------------------------------------------------- the generator


def measure(
    name: str,
    server: BenchServer,
    path: str,
    requests: list[bytes],
    args: Any,
) -> LoadResult:
    """Sends every notification once over `args.concurrency` connections; requests/s of the
    lot, and the server process's CPU per request (steadier than req/s on a shared machine)."""
    prefix = f"POST {path} HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n".encode()
    return run_each_once(
        name,
        server.port,
        [prefix + raw for raw in requests],
        concurrency=args.concurrency,
        processes=args.processes,
        expect=Expect(204, marker=None),
        cpu_clock=server.cpu_seconds,
    )


# ----------------------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.payments", description=__doc__)
    parser.add_argument("--orders", type=int, default=3000, help="notifications per figure")
    parser.add_argument("--rounds", type=int, default=3, help="(a), (b) pairs, interleaved")
    parser.add_argument("--warmup", type=int, default=300, help="notifications before measuring")
    parser.add_argument("--concurrency", type=int, default=32, help="open connections")
    parser.add_argument("--processes", type=int, default=1, help="generator processes")
    parser.add_argument("--db-pool-max", type=int, help="PostgreSQL connections of the server")
    add_backend_arguments(parser)
    return parser.parse_args(argv)


def _best(results: list[LoadResult]) -> LoadResult:
    return max(results, key=lambda r: r.rps)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def report(rounds: list[tuple[LoadResult, LoadResult]]) -> float:
    """Prints every round and the verdict; returns the ratio judged against the target: the
    median of the rounds' ratios (each round measures (a) and (b) back to back, so a burst of
    other work on a shared machine spoils one round rather than the result)."""
    print(format_table([result for pair in rounds for result in pair]))
    ratios = [full.rps / bare.rps if bare.rps else 0.0 for bare, full in rounds]
    ratio = _median(ratios)
    verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
    listed = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"\n{'(b)/(a) per round':<34} {listed}")
    print(f"{'(b)/(a) median of rounds':<34} {ratio:>9.2f}   target ≥ {TARGET_RATIO}   {verdict}")
    best = _best([full for _, full in rounds]).rps / _best([bare for bare, _ in rounds]).rps
    print(f"{'(b)/(a) best of rounds':<34} {best:>9.2f}")
    cpu_bare = [b.cpu_us_per_request for b, _ in rounds if b.cpu_us_per_request]
    cpu_full = [f.cpu_us_per_request for _, f in rounds if f.cpu_us_per_request]
    if cpu_bare and cpu_full:
        cpu_ratio = _median(cpu_bare) / _median(cpu_full)
        print(
            f"{'server CPU µs per request':<34} (a) {_median(cpu_bare):.0f}, "
            f"(b) {_median(cpu_full):.0f}; (a)/(b) {cpu_ratio:.2f} (GovHub process only)"
        )
    return ratio


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    platform = Platform.generate()
    options = ServerOptions(
        app="bench.payments:create_bench_app",
        postgres_url=args.postgres,
        redis_url=args.redis,
        env={**platform.server_env(), "GOVHUB_PAYMENTS_SANDBOX": "false"},
    )
    if args.db_pool_max:
        options.env["GOVHUB_DB_POOL_MAX"] = str(args.db_pool_max)
    rounds = max(1, args.rounds)
    total = args.warmup + args.orders * rounds
    with BenchServer(options) as server:
        database = server.environment()["GOVHUB_DATABASE_URL"]
        print(f"server: {server.description}, port {server.port}")
        print(f"opening {total} orders and signing one notification each …")
        orders = asyncio.run(_open_orders(database, total))
        notes = build_notifications(platform, orders, max(1, args.processes))
        warm = notes[: args.warmup]
        measure("warm-up (bare)", server, BARE_PATH, warm, args)
        measure("warm-up (notify)", server, NOTIFY_PATH, warm, args)
        print(
            f"measuring {rounds} rounds of {args.orders} notifications per figure, "
            f"{args.concurrency} connections"
        )
        results: list[tuple[LoadResult, LoadResult]] = []
        for number in range(1, rounds + 1):
            start = args.warmup + (number - 1) * args.orders
            batch = notes[start : start + args.orders]
            bare = measure(f"(a) bare verify + decrypt, #{number}", server, BARE_PATH, batch, args)
            full = measure(f"(b) whole notify path, #{number}", server, NOTIFY_PATH, batch, args)
            results.append((bare, full))
        measured = orders[args.warmup :]
        ledger = asyncio.run(_ledger_counts(database, measured))
    print()
    report(results)
    print(
        f"ledger after (b): {ledger['paid']} of {len(measured)} orders paid, "
        f"{ledger['events']} paid events, {ledger['outbox']} outbox entries"
    )
    consistent = ledger["paid"] == ledger["events"] == ledger["outbox"] == len(measured)
    failed = [r for pair in results for r in pair if r.errors]
    for result in failed:
        print(f"{result.name}: {result.errors} bad answers, first: {result.first_error}")
    return 0 if consistent and not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
