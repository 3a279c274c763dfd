"""The catalogue's logic. Reads come from the in-process cache; changes go to the database and
then bump the cache version so every process rebuilds.

Other capabilities use the module-level functions: `item_detail`, `region_within`, `offerings`,
`all_halls` and, after writing catalogue rows themselves (seeds, imports), `catalog_changed`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from config.database import unit_of_work
from gateway.schemas import StaffPrincipal, StaffScope
from services.catalog import repository
from services.catalog.cache import CatalogCache
from services.catalog.errors import (
    ItemNotFound,
    NotImplementedInRegion,
    OutOfScope,
    PromiseExceedsLegal,
    RegionNotFound,
)
from services.catalog.models import Implementation
from services.catalog.schemas import (
    BrowseParams,
    CatalogStamp,
    DepartmentRead,
    FacetRead,
    HallRead,
    ImplementationUpdate,
    ItemPage,
    ItemRead,
    RegionRead,
    SearchParams,
    TargetGroupRead,
)

EDITABLE_FIELDS = ("fee_fen", "promised_days", "online_level", "notes")


def scope_covers(
    scope: StaffScope, region_path: Sequence[str], department_id: int, hall_ids: Collection[int]
) -> bool:
    """A scope covers an implementation in its region or below, of its department, at its hall."""
    return (
        (scope.region_code is None or scope.region_code in region_path)
        and (scope.department_id is None or scope.department_id == department_id)
        and (scope.hall_id is None or scope.hall_id in hall_ids)
    )


def _region_in_some_scope(staff: StaffPrincipal, region_path: Sequence[str]) -> bool:
    return any(s.region_code is None or s.region_code in region_path for s in staff.scopes)


class CatalogService:
    def __init__(self, cache: CatalogCache) -> None:
        self.cache = cache

    async def item_detail(self, code: str, region: str | None = None) -> ItemRead:
        return (await self.cache.current()).item(code, region)

    async def region_within(self, region_code: str, ancestor_code: str) -> bool:
        return (await self.cache.current()).within(region_code, ancestor_code)

    async def regions(self, parent: str | None) -> tuple[RegionRead, ...]:
        return (await self.cache.current()).regions(parent)

    async def halls(self, region: str | None) -> tuple[HallRead, ...]:
        return (await self.cache.current()).halls(region)

    async def themes(self, region: str | None) -> tuple[FacetRead, ...]:
        return (await self.cache.current()).themes(region)

    async def life_events(self, region: str | None) -> tuple[FacetRead, ...]:
        return (await self.cache.current()).life_events(region)

    async def target_groups(self, region: str | None) -> tuple[TargetGroupRead, ...]:
        return (await self.cache.current()).target_groups(region)

    async def departments(self, region: str | None) -> tuple[DepartmentRead, ...]:
        return (await self.cache.current()).departments(region)

    async def browse(self, params: BrowseParams) -> ItemPage:
        return (await self.cache.current()).browse(params)

    async def search(self, params: SearchParams) -> ItemPage:
        return (await self.cache.current()).search(params)

    async def changed(self) -> None:
        await self.cache.changed()

    async def update_implementation(
        self, staff: StaffPrincipal, change: ImplementationUpdate
    ) -> ItemRead:
        """Edits the implementation set at exactly `change.region`, if the staff's scope covers it.

        Returns the item as residents of that region now see it.
        """
        updates = {f: getattr(change, f) for f in EDITABLE_FIELDS if f in change.model_fields_set}
        if updates.get("notes", "") is None:
            updates["notes"] = ""
        async with unit_of_work():
            impl = await self._editable(staff, change.item, change.region)
            self._check_time_limits(impl, updates)
            if updates:
                await repository.update_implementation(impl.id, updates)
        if updates:
            await self.changed()
        return await self.item_detail(change.item, change.region)

    @staticmethod
    async def _editable(staff: StaffPrincipal, item: str, region_code: str) -> Implementation:
        region = await repository.region_by_code(region_code)
        if region is None:
            raise RegionNotFound(region_code)
        path = region.path.split("/")
        if not _region_in_some_scope(staff, path):
            raise OutOfScope()
        impl = await repository.implementation_at(item, region.id)
        if impl is None:
            if not await repository.item_exists(item):
                raise ItemNotFound(item)
            raise NotImplementedInRegion(item, region_code)
        halls = await repository.implementation_hall_ids(impl.id)
        if not any(scope_covers(s, path, impl.department_id, halls) for s in staff.scopes):
            raise OutOfScope()
        return impl

    @staticmethod
    def _check_time_limits(impl: Implementation, updates: dict[str, Any]) -> None:
        promised = updates.get("promised_days", impl.promised_days)
        if promised is None:
            return
        legal = impl.legal_days if impl.legal_days is not None else impl.item.legal_days
        if promised > legal:
            raise PromiseExceedsLegal(promised, legal)


catalog = CatalogService(CatalogCache())


async def item_detail(code: str, region: str | None = None) -> ItemRead:
    """The service guide of an item for a region, exactly as the `item` action answers it.

    Warm cache: no database query, no store round trip.
    """
    return await catalog.item_detail(code, region)


async def offerings() -> tuple[CatalogStamp, tuple[ItemRead, ...]]:
    """Every item as each region implementing it offers it (by item code, then region), with
    the catalogue version they come from. Warm cache: no database query."""
    current = await catalog.cache.current()
    return CatalogStamp(version=current.version, updated_at=current.updated_at), current.offerings()


async def all_halls() -> tuple[CatalogStamp, tuple[HallRead, ...]]:
    """Every hall, with the catalogue version they come from."""
    current = await catalog.cache.current()
    return CatalogStamp(version=current.version, updated_at=current.updated_at), current.halls(None)


async def region_within(region_code: str, ancestor_code: str) -> bool:
    """True when `region_code` is `ancestor_code` or lies under it (a city covers its districts)."""
    return await catalog.region_within(region_code, ancestor_code)


async def catalog_changed() -> None:
    """Call after committing any change to catalogue rows made outside this module."""
    await catalog.changed()


async def warm_up() -> None:
    """Builds the in-memory catalogue (and loads the word list) before the first resident asks."""
    await catalog.cache.current()
