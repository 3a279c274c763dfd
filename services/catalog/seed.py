"""Loads the demo catalogue (`demo_data`). Adds what is missing and never changes stored rows,
so running it again changes nothing and keeps edits made through the staff actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from services.catalog import demo_data as demo
from services.catalog import repository
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
from services.catalog.service import catalog_changed

Row = dict[str, Any]


def region_level(code: str) -> RegionLevel:
    """The level a GB/T 2260-style code denotes (9 and 12 digits: township and village)."""
    if len(code) == 12:
        return RegionLevel.COMMUNITY
    if len(code) == 9:
        return RegionLevel.STREET
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.DISTRICT


def region_paths(regions: Iterable[tuple[str, str, str | None]]) -> dict[str, str]:
    """Code -> "province/city/…/code", from (code, name, parent) rows listed parents first."""
    paths: dict[str, str] = {}
    for code, _, parent in regions:
        paths[code] = code if parent is None else f"{paths[parent]}/{code}"
    return paths


async def seed_catalog(say: Callable[[str], object] = print) -> None:
    created = await _seed_regions()
    regions = await repository.ids_by_code(Region)
    created += await _seed_places(regions)
    created += await _seed_vocabulary()
    created += await _seed_items()
    created += await _seed_implementations(regions)
    if created:
        await catalog_changed()
    counts = {m.__name__: await repository.count(m) for m in (Region, Department, Hall, Item)}
    summary = ", ".join(f"{n} {name.lower()}s" for name, n in counts.items())
    say(f"catalogue: {summary} ({created} rows added)")


async def _seed_regions() -> int:
    paths = region_paths(demo.REGIONS)
    created = 0
    for level in RegionLevel:  # parents first, so their ids exist
        ids = await repository.ids_by_code(Region)
        rows = [
            {
                "code": code,
                "name": name,
                "level": level,
                "parent_id": None if parent is None else ids[parent],
                "path": paths[code],
            }
            for code, name, parent in demo.REGIONS
            if region_level(code) == level
        ]
        created += await repository.add_missing(Region, ("code",), rows)
    return created


async def _seed_places(regions: dict[str, int]) -> int:
    departments = [
        {"code": c, "name": n, "department_type": t, "region_id": regions[r], "phone": p}
        for c, n, t, r, p in demo.DEPARTMENTS
    ]
    halls = [
        {
            "code": h.code,
            "name": h.name,
            "region_id": regions[h.region],
            "address": h.address,
            "opening_hours": h.opening_hours,
            "phone": h.phone,
            "latitude": h.latitude,
            "longitude": h.longitude,
        }
        for h in demo.HALLS
    ]
    return await repository.add_missing(
        Department, ("code",), departments
    ) + await repository.add_missing(Hall, ("code",), halls)


async def _seed_vocabulary() -> int:
    def facets(rows: Iterable[tuple[str, str, str]]) -> list[Row]:
        return [{"code": c, "name": n, "name_en": e, "sort": i} for i, (c, n, e) in enumerate(rows)]

    groups = [
        {"code": c, "name": n, "name_en": e, "fast_lane": f, "sort": i}
        for i, (c, n, e, f) in enumerate(demo.TARGET_GROUPS)
    ]
    materials = [{"code": c, "name": n, "description": d} for c, n, d in demo.SHARED_MATERIALS]
    return (
        await repository.add_missing(Theme, ("code",), facets(demo.THEMES))
        + await repository.add_missing(LifeEvent, ("code",), facets(demo.LIFE_EVENTS))
        + await repository.add_missing(TargetGroup, ("code",), groups)
        + await repository.add_missing(Material, ("code",), materials)
    )


def _item_row(spec: demo.ItemSpec) -> Row:
    return {
        "code": spec.code,
        "name": spec.name,
        "summary": spec.summary,
        "keywords": spec.keywords,
        "department_type": spec.department_type,
        "online_level": spec.online_level,
        "legal_days": spec.legal_days,
        "promised_days": spec.promised_days,
        "fee_fen": spec.fee_fen,
        "channels": [c.value for c in spec.channels],
        "conditions": spec.conditions,
        "legal_basis": spec.legal_basis,
        "steps": [{"title": t, "description": d} for t, d in spec.step_list],
        "faqs": [{"question": q, "answer": a} for q, a in spec.faqs],
    }


def _links(
    owner: str,
    target: str,
    pairs: Iterable[tuple[str, str]],
    owners: dict[str, int],
    targets: dict[str, int],
) -> list[Row]:
    return [{owner: owners[o], target: targets[t]} for o, t in pairs]


async def _seed_items() -> int:
    created = await repository.add_missing(Item, ("code",), [_item_row(s) for s in demo.ITEMS])
    items = await repository.ids_by_code(Item)
    materials = await repository.ids_by_code(Material)
    needs = [
        {
            "item_id": items[spec.code],
            "position": position,
            "name": need.name,
            "material_id": None if need.shared is None else materials[need.shared],
            "required": need.required,
            "form": need.form,
            "copies": need.copies,
            "note": need.note,
        }
        for spec in demo.ITEMS
        for position, need in enumerate(spec.materials, start=1)
    ]
    created += await repository.add_missing(ItemMaterial, ("item_id", "position"), needs)
    for model, target, facet_model, attribute in (
        (ItemTheme, "theme_id", Theme, "themes"),
        (ItemLifeEvent, "life_event_id", LifeEvent, "life_events"),
        (ItemTargetGroup, "target_group_id", TargetGroup, "target_groups"),
    ):
        pairs = [(s.code, code) for s in demo.ITEMS for code in getattr(s, attribute)]
        rows = _links("item_id", target, pairs, items, await repository.ids_by_code(facet_model))
        created += await repository.add_missing(model, ("item_id", target), rows)
    return created


def _city_halls(spec: demo.ItemSpec) -> tuple[str, ...]:
    """Online items are helped at the city centre; the others at every district hall too."""
    if spec.online_level == demo.ONLINE:
        return (demo.CITY_HALL,)
    return (demo.CITY_HALL, *demo.DISTRICT_HALLS)


def _implementation_specs() -> list[demo.LocalSpec]:
    city = [
        demo.LocalSpec(
            spec.code, demo.CITY, f"{demo.CITY}-{spec.department_type}", _city_halls(spec), ""
        )
        for spec in demo.ITEMS
        if spec.offered_by_city
    ]
    return [*city, *demo.LOCAL]


async def _seed_implementations(regions: dict[str, int]) -> int:
    items = await repository.ids_by_code(Item)
    departments = await repository.ids_by_code(Department)
    specs = _implementation_specs()
    rows = [
        {
            "item_id": items[s.item],
            "region_id": regions[s.region],
            "department_id": departments[s.department],
            "fee_fen": s.fee_fen,
            "promised_days": s.promised_days,
            "online_level": s.online_level,
            "notes": s.notes,
        }
        for s in specs
    ]
    created = await repository.add_missing(Implementation, ("item_id", "region_id"), rows)
    implementations = await repository.implementation_ids()
    halls = await repository.ids_by_code(Hall)
    hall_rows = [
        {
            "implementation_id": implementations[(items[s.item], regions[s.region])],
            "hall_id": halls[hall],
        }
        for s in specs
        for hall in s.halls
    ]
    return created + await repository.add_missing(
        ImplementationHall, ("implementation_id", "hall_id"), hall_rows
    )
