"""`python -m bench.search`: Chinese catalogue search on a catalogue grown `--scale` times (100 by
default: about 7,300 items), through the gateway against a bare route, on one server in one run.

(b) `POST /bench/catalog-search`: the search `catalog.search` does, with nothing around it.
(c) `POST /api/v1/services/catalog/search` through the whole gateway pipeline.

Each of `--query` (户口, 社保 转移, 出生 by default) is measured both ways at
`--concurrency` connections (64): p50 and p99, and the ratio (c)/(b) of requests per second
against the gateway's target of 0.8.

    python -m bench.search [--scale 100] [--query 户口 …] [--duration 5] [--concurrency 64]
                           [--postgres postgres://…] [--redis redis://…]

The grown catalogue lives only in the bench's own database: every demo item gets `scale - 1`
variants (for another group of residents, or another way of handling it: 港澳台居民…、
（跨省通办）…) with their own codes, materials, themes and local implementations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bench.gateway import Ratio
from bench.load import (
    BenchServer,
    LoadOptions,
    LoadResult,
    ServerOptions,
    Target,
    add_load_arguments,
    check_target,
    describe_generator,
    format_table,
    load_options,
    request,
    run_load,
)

APP = "bench.search_app:create_search_bench_app"
QUERIES = ("户口", "社保 转移", "出生")
REGION = "350203"  # 思明区
TARGET_RATIO = 0.8
# Who a variant is for, and how it is handled: 10 × 10 distinct names per demo item.
FOR_WHOM = (
    "",
    "港澳台居民",
    "外籍人员",
    "现役军人",
    "残疾人",
    "老年人",
    "农村居民",
    "灵活就业人员",
    "高校毕业生",
    "新就业形态劳动者",
)
HANDLED = (
    "",
    "（补办）",
    "（变更）",
    "（注销）",
    "（延续）",
    "（预约办理）",
    "（跨省通办）",
    "（全程网办）",
    "（容缺受理）",
    "（加急办理）",
)


def variant_name(name: str, n: int) -> str:
    """The `n`-th variant's name (0 is the item itself)."""
    whom, how = divmod(n, len(HANDLED))
    return f"{FOR_WHOM[whom % len(FOR_WHOM)]}{name}{HANDLED[how]}"


def variant_code(code: str, n: int) -> str:
    return f"{code}-V{n:02d}"


async def grow_catalogue(database_url: str, scale: int) -> int:
    """`add_variants` on the bench's database."""
    from config import database
    from config.settings import Settings

    await database.init_db(Settings(database_url=database_url))
    try:
        return await add_variants(scale)
    finally:
        await database.close_db()


async def add_variants(scale: int) -> int:
    """Adds `scale - 1` variants of every item, with their links and implementations; the
    number of items afterwards."""
    from tortoise.models import Model

    from services.catalog.models import (
        Implementation,
        ImplementationHall,
        Item,
        ItemLifeEvent,
        ItemMaterial,
        ItemTargetGroup,
        ItemTheme,
    )

    items = await Item.all().order_by("id").values()
    copies = range(1, scale)
    await Item.bulk_create(
        [
            Item(**_copy(row, code=variant_code(row["code"], n), name=variant_name(row["name"], n)))
            for n in copies
            for row in items
        ],
        batch_size=500,
    )
    by_code = {code: id_ for id_, code in await Item.all().values_list("id", "code")}
    new_id = {
        (row["id"], n): by_code[variant_code(row["code"], n)] for row in items for n in copies
    }
    linked: tuple[type[Model], ...] = (
        ItemMaterial,
        ItemTheme,
        ItemLifeEvent,
        ItemTargetGroup,
        Implementation,
    )
    for model in linked:
        rows = await model.all().values()
        copied: list[Model] = [
            model(**_copy(row, item_id=new_id[(row["item_id"], n)])) for n in copies for row in rows
        ]
        await model.bulk_create(copied, batch_size=500)
    # The implementation of variant n of an item in a region: that item's, for variant n.
    of_item = {
        id_: (item_id, region_id)
        for id_, item_id, region_id in await Implementation.all().values_list(
            "id", "item_id", "region_id"
        )
    }
    by_place = {place: id_ for id_, place in of_item.items()}
    links = await ImplementationHall.all().values()
    await ImplementationHall.bulk_create(
        [
            ImplementationHall(
                **_copy(row, implementation_id=by_place[(new_id[(item, n)], region)])
            )
            for n in copies
            for row in links
            for item, region in [of_item[row["implementation_id"]]]
        ],
        batch_size=500,
    )
    return await Item.all().count()


def _copy(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "id"} | changes


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    add_load_arguments(parser, concurrency=64)
    parser.set_defaults(duration=5.0, warmup=1.0)
    parser.add_argument("--scale", type=int, default=100, help="items per demo item")
    parser.add_argument("--query", action="append", help="a search (repeat for several)")
    parser.add_argument("--region", default=REGION, help="the resident's region, or ''")
    return parser.parse_args(argv)


def targets(query: str, region: str | None) -> list[Target]:
    params = {"q": query, "region": region} if region else {"q": query}
    return [
        Target.post_json(f"(b) bare search {query}", "/bench/catalog-search", params),
        Target.post_json(f"(c) gateway search {query}", "/api/v1/services/catalog/search", params),
    ]


def found(port: int, target: Target) -> int:
    """How many items the search finds (checked before measuring: a search finding nothing
    measures nothing)."""
    _, body = request(port, target)
    total: int = json.loads(body)["data"]["total"]
    return total


def measure(
    port: int, queries: list[str], region: str | None, options: LoadOptions, cpu: Any
) -> list[LoadResult]:
    results: list[LoadResult] = []
    for query in queries:
        for target in targets(query, region):
            print(f"measuring {target.name} …", flush=True)
            results.append(run_load(port, target, options, cpu))
    return results


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    options = load_options(args)
    queries = args.query or list(QUERIES)
    region = args.region or None
    grown: list[int] = []

    def grow(server: BenchServer) -> None:
        url = server.environment()["GOVHUB_DATABASE_URL"]
        grown.append(asyncio.run(grow_catalogue(url, args.scale)))

    server_options = ServerOptions(
        app=APP, postgres_url=args.postgres, redis_url=args.redis, prepare=grow
    )
    print(f"load generator: {describe_generator(options)}")
    print(
        f"each figure: {options.warmup:g} s warm-up, {options.duration:g} s measured, "
        f"{options.concurrency} keep-alive connections, 127.0.0.1 only"
    )
    with BenchServer(server_options) as server:
        print(f"server: {server.description}, port {server.port}; catalogue of {grown[0]} items")
        for query in queries:
            bare, gateway = targets(query, region)
            check_target(server.port, bare)
            check_target(server.port, gateway)
            print(
                f"{query!r} in {region or 'every region'}: "
                f"{found(server.port, gateway)} items found"
            )
        results = measure(server.port, queries, region, options, server.cpu_seconds)
    print()
    print(format_table(results))
    print()
    pairs = zip(results[::2], results[1::2], strict=True)
    for query, (plain, piped) in zip(queries, pairs, strict=True):
        ratio = Ratio(f"(c)/(b) {query}", piped.rps / plain.rps if plain.rps else 0.0, TARGET_RATIO)
        print(f"{ratio.line()}   p99 (c) {piped.p99_ms:.2f} ms, (b) {plain.p99_ms:.2f} ms")
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.name}: {result.errors} bad answers, first: {result.first_error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
