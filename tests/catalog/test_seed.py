"""The demo seed: large enough to demonstrate, and idempotent."""

from __future__ import annotations

import pytest
from tortoise.models import Model

from services.catalog.models import (
    Department,
    Hall,
    Implementation,
    ImplementationHall,
    Item,
    ItemLifeEvent,
    ItemMaterial,
    ItemTargetGroup,
    ItemTheme,
    LifeEvent,
    Material,
    Region,
    RegionLevel,
    TargetGroup,
    Theme,
)
from services.catalog.seed import region_level, region_paths, seed_catalog

TABLES: tuple[type[Model], ...] = (
    Region,
    Department,
    Hall,
    Theme,
    LifeEvent,
    TargetGroup,
    Material,
    Item,
    ItemMaterial,
    ItemTheme,
    ItemLifeEvent,
    ItemTargetGroup,
    Implementation,
    ImplementationHall,
)


async def counts() -> dict[str, int]:
    return {model.__name__: await model.all().count() for model in TABLES}


class TestSeed:
    @pytest.mark.usefixtures("db")
    @pytest.mark.asyncio
    async def test_seeding_twice_changes_nothing(self) -> None:
        said: list[str] = []
        await seed_catalog(said.append)
        first = await counts()
        await seed_catalog(said.append)
        assert await counts() == first
        assert said[-1].endswith("(0 rows added)")

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_keeps_edits_made_since(self) -> None:
        implementation = await Implementation.filter(
            item__code="MZ001", region__code="350205"
        ).get()
        implementation.notes = "edited"
        await implementation.save()
        await seed_catalog(lambda _: None)
        await implementation.refresh_from_db()
        assert implementation.notes == "edited"

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_meets_the_demo_minimums(self) -> None:
        assert await Item.all().count() >= 60
        assert await Theme.all().count() >= 12
        assert await LifeEvent.all().count() >= 6
        assert await Department.all().count() >= 8
        assert await Region.filter(level=RegionLevel.DISTRICT, parent__code="350200").count() >= 3
        halls = await Hall.all().prefetch_related("region")
        assert len({h.region.code for h in halls}) >= 2
        assert await TargetGroup.filter(fast_lane=True).count() == 6

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_items_are_complete_and_share_materials(self) -> None:
        for item in await Item.all():
            assert item.steps, item.code
            assert item.faqs, item.code
            assert item.channels, item.code
            assert await ItemMaterial.filter(item=item).exists(), item.code
            assert await ItemTheme.filter(item=item).exists(), item.code
        shared = await Material.get(code="id_card")
        assert await ItemMaterial.filter(material=shared).count() > 10

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_two_districts_have_their_own_implementations(self) -> None:
        local = await Implementation.exclude(region__code="350200").prefetch_related("region")
        assert {i.region.code for i in local} >= {"350203", "350205"}


class TestRegionCodes:
    @pytest.mark.parametrize(
        ("code", "level"),
        [
            ("350000", RegionLevel.PROVINCE),
            ("350200", RegionLevel.CITY),
            ("350205", RegionLevel.DISTRICT),
            ("350205001", RegionLevel.STREET),
            ("350205001001", RegionLevel.COMMUNITY),
        ],
    )
    def test_the_level_follows_the_code(self, code: str, level: RegionLevel) -> None:
        assert region_level(code) == level

    def test_paths_run_from_the_top(self) -> None:
        paths = region_paths([("350000", "福建省", None), ("350200", "厦门市", "350000")])
        assert paths == {"350000": "350000", "350200": "350000/350200"}
