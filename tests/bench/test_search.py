"""The search benchmark's grown catalogue, at a tiny scale: distinct variants, searchable."""

from __future__ import annotations

import pytest

from bench.search import FOR_WHOM, HANDLED, add_variants, variant_code, variant_name
from services.catalog.models import Implementation, Item
from services.catalog.schemas import SearchParams
from services.catalog.seed import seed_catalog
from services.catalog.service import catalog


class TestVariants:
    def test_a_hundred_distinct_names_the_first_being_the_item(self) -> None:
        names = {variant_name("出生登记", n) for n in range(len(FOR_WHOM) * len(HANDLED))}
        assert len(names) == 100
        assert variant_name("出生登记", 0) == "出生登记"
        assert len(variant_code("X" * 26, 99)) <= 32

    @pytest.mark.asyncio
    async def test_every_item_found_is_found_with_its_variants(self, db: None) -> None:
        await seed_catalog(lambda _: None)
        query = SearchParams(q="户口", region="350203", limit=50)
        before = await catalog.search(query)
        items, implementations = await Item.all().count(), await Implementation.all().count()
        assert await add_variants(3) == 3 * items
        assert await Implementation.all().count() == 3 * implementations
        await catalog.changed()
        after = await catalog.search(query)
        assert before.total > 0
        assert after.total == 3 * before.total
        codes = {item.code for item in after.items}
        assert variant_code(before.items[0].code, 2) in codes
