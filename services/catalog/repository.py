"""Every query of the catalogue's tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

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
    TargetGroup,
    Theme,
)

M = TypeVar("M", bound=Model)
Link = tuple[int, int]


@dataclass(frozen=True, slots=True)
class CatalogRows:
    """The whole catalogue as stored, read to build the in-memory view."""

    regions: list[Region]
    departments: list[Department]
    halls: list[Hall]
    themes: list[Theme]
    life_events: list[LifeEvent]
    target_groups: list[TargetGroup]
    materials: list[Material]
    items: list[Item]
    item_materials: list[ItemMaterial]
    item_themes: list[Link]
    item_life_events: list[Link]
    item_target_groups: list[Link]
    implementations: list[Implementation]
    implementation_halls: list[Link]


async def _links(
    query: QuerySet[Any], left: str = "implementation_id", right: str = "hall_id"
) -> list[Link]:
    rows = await query.values_list(left, right)
    return [(int(a), int(b)) for a, b in rows]


async def load_catalog() -> CatalogRows:
    return CatalogRows(
        regions=await Region.all().order_by("code"),
        departments=await Department.all().order_by("code"),
        halls=await Hall.all().order_by("region_id", "code"),
        themes=await Theme.all().order_by("sort", "code"),
        life_events=await LifeEvent.all().order_by("sort", "code"),
        target_groups=await TargetGroup.all().order_by("sort", "code"),
        materials=await Material.all(),
        items=await Item.filter(active=True).order_by("code"),
        item_materials=await ItemMaterial.all().order_by("item_id", "position"),
        item_themes=await _links(ItemTheme.all(), "item_id", "theme_id"),
        item_life_events=await _links(ItemLifeEvent.all(), "item_id", "life_event_id"),
        item_target_groups=await _links(ItemTargetGroup.all(), "item_id", "target_group_id"),
        implementations=await Implementation.all(),
        implementation_halls=await _links(ImplementationHall.all()),
    )


async def region_by_code(code: str) -> Region | None:
    return await Region.get_or_none(code=code)


async def item_exists(code: str) -> bool:
    return await Item.filter(code=code, active=True).exists()


async def implementation_at(item_code: str, region_id: int) -> Implementation | None:
    """The implementation set exactly at this region (not inherited), with its item."""
    return (
        await Implementation.filter(item__code=item_code, item__active=True, region_id=region_id)
        .select_related("item")
        .first()
    )


async def implementation_hall_ids(implementation_id: int) -> set[int]:
    links = await _links(ImplementationHall.filter(implementation_id=implementation_id))
    return {hall for _, hall in links}


async def update_implementation(implementation_id: int, changes: Mapping[str, Any]) -> None:
    await Implementation.filter(id=implementation_id).update(
        **changes, updated_at=datetime.now(UTC)
    )


async def add_missing(model: type[M], key: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> int:
    """Creates the rows whose `key` fields match no stored row; returns how many were created."""
    stored = {tuple(r) for r in await model.all().values_list(*key)}
    new = [model(**row) for row in rows if tuple(row[k] for k in key) not in stored]
    if new:
        await model.bulk_create(new)
    return len(new)


async def ids_by_code(model: type[Model]) -> dict[str, int]:
    return {str(code): int(pk) for code, pk in await model.all().values_list("code", "id")}


async def implementation_ids() -> dict[tuple[int, int], int]:
    rows = await Implementation.all().values_list("item_id", "region_id", "id")
    return {(int(item), int(region)): int(pk) for item, region, pk in rows}


async def count(model: type[Model]) -> int:
    return await model.all().count()
