"""One immutable, indexed view of the whole catalogue, built from the database rows.

Every read of the catalogue is answered from here without touching the database. Results are
built once per (item, implementation) or per region and reused until the next rebuild; the
rankings of the latest searches are kept too (bounded), and go with the snapshot.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar, cast

from gateway.codes import Code
from gateway.errors import GovError
from gateway.paging import decode_cursor, encode_cursor
from services.catalog.errors import (
    DepartmentNotFound,
    ItemNotFound,
    LifeEventNotFound,
    RegionNotFound,
    TargetGroupNotFound,
    ThemeNotFound,
)
from services.catalog.models import HandlingChannel, Item, OnlineLevel, RegionLevel
from services.catalog.repository import CatalogRows
from services.catalog.schemas import (
    BrowseParams,
    DepartmentRead,
    FacetRead,
    FaqRead,
    HallRead,
    ItemPage,
    ItemRead,
    ItemSummary,
    LocalImplementation,
    MaterialRead,
    Paged,
    Ref,
    RegionRead,
    SearchParams,
    StepRead,
    TargetGroupRead,
)
from services.catalog.search import Document, ResultCache, SearchIndex, segments

# Rankings kept per snapshot: the latest 1,024 distinct (query, region), about 4 MB at most.
SEARCH_CACHE_ENTRIES = 1024
SEARCH_CACHE_RESULTS = 500_000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RegionNode:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    path: tuple[str, ...]  # codes from the top region down to this one


@dataclass(frozen=True, slots=True)
class DepartmentNode:
    code: str
    name: str
    department_type: str
    region_code: str
    phone: str


@dataclass(frozen=True, slots=True)
class Facet:
    """A theme, life event or target group."""

    code: str
    name: str
    name_en: str
    fast_lane: bool = False


@dataclass(frozen=True, slots=True)
class ImplementationEntry:
    id: int
    region_code: str
    department_code: str
    hall_ids: tuple[int, ...]
    fee_fen: int | None
    legal_days: int | None
    promised_days: int | None
    online_level: OnlineLevel | None
    notes: str


@dataclass(frozen=True, slots=True)
class ItemEntry:
    code: str
    themes: frozenset[str]
    life_events: frozenset[str]
    target_groups: frozenset[str]
    standard: ItemRead  # the provincial definition, without an implementation
    implementations: Mapping[str, ImplementationEntry]  # by region code


@dataclass(frozen=True, slots=True)
class Offer:
    """An item as a region offers it: through its nearest implementation, if there is one."""

    item: ItemEntry
    implementation: ImplementationEntry | None


def local_term(value: T | None, standard: T) -> T:
    """An implementation's own term (fee, time limit …) where it sets one, else the standard's:
    a local 0 (free, handled at once) is a term too."""
    return standard if value is None else value


def _local_terms(std: ItemRead, impl: ImplementationEntry | None) -> dict[str, Any]:
    """Fee, time limits and online level as the implementation sets them, else the standard's."""
    if impl is None:
        return {
            "fee_fen": std.fee_fen,
            "legal_days": std.legal_days,
            "promised_days": std.promised_days,
            "online_level": std.online_level,
        }
    return {
        "fee_fen": local_term(impl.fee_fen, std.fee_fen),
        "legal_days": local_term(impl.legal_days, std.legal_days),
        "promised_days": local_term(impl.promised_days, std.promised_days),
        "online_level": local_term(impl.online_level, std.online_level),
    }


def _group(links: Iterable[tuple[int, int]], codes: Mapping[int, str]) -> dict[int, list[str]]:
    """Owner id -> codes of the linked rows, skipping links to rows not loaded."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for owner, target in links:
        if target in codes:
            grouped[owner].append(codes[target])
    return grouped


def _page(
    offers: Sequence[Offer], params: Paged, summary: Callable[[Offer], ItemSummary]
) -> ItemPage:
    """The page after the cursor: an offset, since the catalogue's order is computed whole."""
    start = decode_cursor(params.cursor).get("offset", 0)
    if not isinstance(start, int) or start < 0:
        raise GovError(Code.CURSOR_INVALID)
    end = start + params.limit
    return ItemPage(
        items=tuple(summary(o) for o in offers[start:end]),
        next_cursor=encode_cursor({"offset": end}) if end < len(offers) else None,
        total=len(offers),
    )


class Catalog:
    """The catalogue at one version. Methods raise the catalogue's not-found errors."""

    def __init__(self, version: str, rows: CatalogRows) -> None:
        self.version = version
        changes = [i.updated_at for i in rows.items] + [i.updated_at for i in rows.implementations]
        self.updated_at: datetime | None = max(changes, default=None)
        self._memo: dict[Hashable, Any] = {}
        region_codes = {r.id: r.code for r in rows.regions}
        self._regions = {
            r.code: RegionNode(
                code=r.code,
                name=r.name,
                level=r.level,
                parent_code=None if r.parent_id is None else region_codes.get(r.parent_id),
                path=tuple(r.path.split("/")),
            )
            for r in rows.regions
        }
        self._children: dict[str | None, list[str]] = defaultdict(list)
        for node in self._regions.values():
            self._children[node.parent_code].append(node.code)
        self._departments = {
            d.code: DepartmentNode(
                d.code, d.name, d.department_type, region_codes[d.region_id], d.phone
            )
            for d in rows.departments
            if d.region_id in region_codes
        }
        self._halls = {
            h.id: HallRead(
                id=h.id,
                code=h.code,
                name=h.name,
                region_code=region_codes[h.region_id],
                region_name=self._regions[region_codes[h.region_id]].name,
                address=h.address,
                opening_hours=h.opening_hours,
                phone=h.phone,
                latitude=h.latitude,
                longitude=h.longitude,
            )
            for h in rows.halls
            if h.region_id in region_codes
        }
        self._themes = {t.code: Facet(t.code, t.name, t.name_en) for t in rows.themes}
        self._life_events = {e.code: Facet(e.code, e.name, e.name_en) for e in rows.life_events}
        self._target_groups = {
            g.code: Facet(g.code, g.name, g.name_en, g.fast_lane) for g in rows.target_groups
        }
        self._items = self._build_items(rows, self._build_implementations(rows, region_codes))
        self._search = SearchIndex(
            Document(i.code, i.name, f"{i.keywords} {i.summary}")
            for i in rows.items
            if i.code in self._items
        )
        # (query segments, region) -> the offers found, best first
        self.search_results: ResultCache[tuple[Offer, ...]] = ResultCache(
            SEARCH_CACHE_ENTRIES, SEARCH_CACHE_RESULTS
        )

    # -- building ---------------------------------------------------------------------------

    def _build_implementations(
        self, rows: CatalogRows, region_codes: Mapping[int, str]
    ) -> dict[int, dict[str, ImplementationEntry]]:
        department_codes = {d.id: d.code for d in rows.departments}
        halls: dict[int, list[int]] = defaultdict(list)
        for implementation_id, hall_id in rows.implementation_halls:
            if hall_id in self._halls:
                halls[implementation_id].append(hall_id)
        by_item: dict[int, dict[str, ImplementationEntry]] = defaultdict(dict)
        for impl in rows.implementations:
            region = region_codes.get(impl.region_id)
            department = department_codes.get(impl.department_id)
            if region is None or department is None:
                continue
            by_item[impl.item_id][region] = ImplementationEntry(
                id=impl.id,
                region_code=region,
                department_code=department,
                hall_ids=tuple(sorted(halls.get(impl.id, ()))),
                fee_fen=impl.fee_fen,
                legal_days=impl.legal_days,
                promised_days=impl.promised_days,
                online_level=impl.online_level,
                notes=impl.notes,
            )
        return by_item

    def _build_items(
        self, rows: CatalogRows, implementations: Mapping[int, dict[str, ImplementationEntry]]
    ) -> dict[str, ItemEntry]:
        themes = _group(rows.item_themes, {t.id: t.code for t in rows.themes})
        events = _group(rows.item_life_events, {e.id: e.code for e in rows.life_events})
        groups = _group(rows.item_target_groups, {g.id: g.code for g in rows.target_groups})
        shared = {m.id: m.code for m in rows.materials}
        materials: dict[int, list[MaterialRead]] = defaultdict(list)
        for m in rows.item_materials:
            materials[m.item_id].append(
                MaterialRead(
                    name=m.name,
                    required=m.required,
                    form=m.form,
                    copies=m.copies,
                    shared_code=None if m.material_id is None else shared.get(m.material_id),
                    note=m.note,
                )
            )
        entries: dict[str, ItemEntry] = {}
        for item in rows.items:
            entry = ItemEntry(
                code=item.code,
                themes=frozenset(themes.get(item.id, ())),
                life_events=frozenset(events.get(item.id, ())),
                target_groups=frozenset(groups.get(item.id, ())),
                standard=self._standard(item, materials.get(item.id, []), themes, events, groups),
                implementations=implementations.get(item.id, {}),
            )
            entries[item.code] = entry
        return entries

    def _standard(
        self,
        item: Item,
        materials: list[MaterialRead],
        themes: Mapping[int, list[str]],
        events: Mapping[int, list[str]],
        groups: Mapping[int, list[str]],
    ) -> ItemRead:
        target_groups = [self._target_groups[g] for g in groups.get(item.id, ())]
        return ItemRead(
            code=item.code,
            name=item.name,
            summary=item.summary,
            department_type=item.department_type,
            online_level=item.online_level,
            legal_days=item.legal_days,
            promised_days=item.promised_days,
            fee_fen=item.fee_fen,
            channels=tuple(HandlingChannel(c) for c in item.channels),
            themes=self._refs(self._themes, themes.get(item.id, ())),
            life_events=self._refs(self._life_events, events.get(item.id, ())),
            target_groups=self._refs(self._target_groups, groups.get(item.id, ())),
            fast_lane=any(g.fast_lane for g in target_groups),
            conditions=item.conditions,
            legal_basis=item.legal_basis,
            materials=tuple(materials),
            steps=tuple(StepRead(**s) for s in item.steps),
            faqs=tuple(FaqRead(**f) for f in item.faqs),
            implementation=None,
        )

    @staticmethod
    def _refs(facets: Mapping[str, Facet], codes: Collection[str]) -> tuple[Ref, ...]:
        """In the facets' own order (sort, code), not the order the links were read in."""
        wanted = set(codes)
        return tuple(Ref(code=f.code, name=f.name) for f in facets.values() if f.code in wanted)

    def _memoized(self, key: Hashable, build: Callable[[], T]) -> T:
        try:
            return cast(T, self._memo[key])
        except KeyError:
            value = self._memo[key] = build()
            return value

    # -- regions and halls ------------------------------------------------------------------

    def region(self, code: str) -> RegionNode:
        node = self._regions.get(code)
        if node is None:
            raise RegionNotFound(code)
        return node

    def within(self, region_code: str, ancestor_code: str) -> bool:
        """True when the region is the ancestor itself or lies under it; False for unknowns."""
        node = self._regions.get(region_code)
        return node is not None and ancestor_code in node.path

    def regions(self, parent: str | None) -> tuple[RegionRead, ...]:
        if parent is not None:
            self.region(parent)
        return self._memoized(("regions", parent), lambda: self._region_reads(parent))

    def _region_reads(self, parent: str | None) -> tuple[RegionRead, ...]:
        return tuple(
            RegionRead(
                code=node.code,
                name=node.name,
                level=node.level,
                parent_code=node.parent_code,
                has_children=bool(self._children.get(node.code)),
            )
            for node in (self._regions[c] for c in self._children.get(parent, ()))
        )

    def halls(self, region: str | None) -> tuple[HallRead, ...]:
        """Halls in the region; when it has none, those of its nearest ancestor that has some."""
        if region is not None:
            self.region(region)
        return self._memoized(("halls", region), lambda: self._nearest_halls(region))

    def _nearest_halls(self, region: str | None) -> tuple[HallRead, ...]:
        if region is None:
            return tuple(self._halls.values())
        for code in reversed(self._regions[region].path):
            found = tuple(h for h in self._halls.values() if self.within(h.region_code, code))
            if found:
                return found
        return ()

    # -- items ------------------------------------------------------------------------------

    def item(self, code: str, region: str | None = None) -> ItemRead:
        entry = self._items.get(code)
        if entry is None:
            raise ItemNotFound(code)
        if region is None:
            return entry.standard
        impl = self._nearest(entry, self.region(region))
        if impl is None:
            return entry.standard
        return self._memoized(("item", code, impl.id), lambda: self._localized(entry, impl))

    def offerings(self) -> tuple[ItemRead, ...]:
        """Every item as each region implementing it offers it, by item code, then region."""
        return self._memoized(("offerings",), self._all_offerings)

    def _all_offerings(self) -> tuple[ItemRead, ...]:
        found = []
        for code in sorted(self._items):
            entry = self._items[code]
            for region in sorted(entry.implementations):
                impl = entry.implementations[region]
                key = ("item", code, impl.id)
                found.append(self._memoized(key, partial(self._localized, entry, impl)))
        return tuple(found)

    @staticmethod
    def _nearest(entry: ItemEntry, region: RegionNode) -> ImplementationEntry | None:
        for code in reversed(region.path):
            impl = entry.implementations.get(code)
            if impl is not None:
                return impl
        return None

    def _localized(self, entry: ItemEntry, impl: ImplementationEntry) -> ItemRead:
        std = entry.standard
        department = self._departments[impl.department_code]
        return std.model_copy(
            update={
                **_local_terms(std, impl),
                "implementation": LocalImplementation(
                    region_code=impl.region_code,
                    region_name=self._regions[impl.region_code].name,
                    department=Ref(code=department.code, name=department.name),
                    halls=tuple(self._halls[h] for h in impl.hall_ids),
                    notes=impl.notes,
                ),
            }
        )

    def _summary(self, offer: Offer) -> ItemSummary:
        impl = offer.implementation
        key = ("summary", offer.item.code, None if impl is None else impl.id)
        return self._memoized(key, lambda: self._build_summary(offer))

    def _build_summary(self, offer: Offer) -> ItemSummary:
        std, impl = offer.item.standard, offer.implementation
        terms = _local_terms(std, impl)
        department = None if impl is None else self._departments[impl.department_code]
        return ItemSummary(
            code=std.code,
            name=std.name,
            online_level=terms["online_level"],
            promised_days=terms["promised_days"],
            fee_fen=terms["fee_fen"],
            department=None
            if department is None
            else Ref(code=department.code, name=department.name),
        )

    def offers(self, region: str | None) -> tuple[Offer, ...]:
        """Items offered in the region (all items, without implementation, when None)."""
        if region is None:
            return self._memoized(
                ("offers", None), lambda: tuple(Offer(e, None) for e in self._items.values())
            )
        node = self.region(region)
        return self._memoized(("offers", region), lambda: self._offers_in(node))

    def _offers_in(self, node: RegionNode) -> tuple[Offer, ...]:
        found = []
        for entry in self._items.values():
            impl = self._nearest(entry, node)
            if impl is not None:
                found.append(Offer(entry, impl))
        return tuple(found)

    # -- lists ------------------------------------------------------------------------------

    def themes(self, region: str | None) -> tuple[FacetRead, ...]:
        return self._memoized(
            ("themes", region), lambda: self._facets(self._themes, region, "themes")
        )

    def life_events(self, region: str | None) -> tuple[FacetRead, ...]:
        return self._memoized(
            ("life_events", region), lambda: self._facets(self._life_events, region, "life_events")
        )

    def target_groups(self, region: str | None) -> tuple[TargetGroupRead, ...]:
        def build() -> tuple[TargetGroupRead, ...]:
            facets = self._facets(self._target_groups, region, "target_groups")
            return tuple(
                TargetGroupRead(**f.model_dump(), fast_lane=self._target_groups[f.code].fast_lane)
                for f in facets
            )

        return self._memoized(("target_groups", region), build)

    def _facets(
        self, facets: Mapping[str, Facet], region: str | None, attribute: str
    ) -> tuple[FacetRead, ...]:
        """Each facet with the number of items offered in the region that carry it."""
        offers = self.offers(region)
        counts = Counter(code for o in offers for code in getattr(o.item, attribute))
        return tuple(
            FacetRead(code=f.code, name=f.name, name_en=f.name_en, item_count=counts[f.code])
            for f in facets.values()
        )

    def departments(self, region: str | None) -> tuple[DepartmentRead, ...]:
        """Departments serving the region (its own and its ancestors'); all when None."""
        path = None if region is None else self.region(region).path
        return self._memoized(
            ("departments", region),
            lambda: tuple(
                DepartmentRead(
                    code=d.code,
                    name=d.name,
                    department_type=d.department_type,
                    region_code=d.region_code,
                    phone=d.phone,
                    item_count=len(self._handled_by(d, region or d.region_code)),
                )
                for d in self._departments.values()
                if path is None or d.region_code in path
            ),
        )

    def _handled_by(self, department: DepartmentNode, region: str) -> list[Offer]:
        return [
            o
            for o in self.offers(region)
            if o.implementation is not None and o.implementation.department_code == department.code
        ]

    def browse(self, params: BrowseParams) -> ItemPage:
        for code, facets, missing in (
            (params.theme, self._themes, ThemeNotFound),
            (params.life_event, self._life_events, LifeEventNotFound),
            (params.target_group, self._target_groups, TargetGroupNotFound),
        ):
            if code is not None and code not in facets:
                raise missing(code)
        if params.department is None:
            offers = list(self.offers(params.region))
        else:
            department = self._departments.get(params.department)
            if department is None:
                raise DepartmentNotFound(params.department)
            offers = self._handled_by(department, params.region or department.region_code)
        chosen = [o for o in offers if self._matches(o, params)]
        return _page(chosen, params, self._summary)

    @staticmethod
    def _matches(offer: Offer, params: BrowseParams) -> bool:
        item = offer.item
        if params.theme is not None and params.theme not in item.themes:
            return False
        if params.life_event is not None and params.life_event not in item.life_events:
            return False
        if params.target_group is not None and params.target_group not in item.target_groups:
            return False
        if params.online_level is None:
            return True
        terms = _local_terms(item.standard, offer.implementation)
        return bool(terms["online_level"] == params.online_level)

    def search(self, params: SearchParams) -> ItemPage:
        """Ranked once per distinct (query segments, region) in this snapshot; every page of
        it and every spelling of it (spaces or punctuation between the same words, case) is
        answered from that ranking."""
        offers = self._offers_by_code(params.region)
        key = (segments(params.q), params.region)
        ranked = self.search_results.get(key)
        if ranked is None:
            allowed = None if params.region is None else offers
            ranked = tuple(offers[code] for code in self._search.search(params.q, allowed))
            self.search_results.put(key, ranked, len(ranked))
        return _page(ranked, params, self._summary)

    def _offers_by_code(self, region: str | None) -> Mapping[str, Offer]:
        offers = self.offers(region)
        return self._memoized(("offers_by_code", region), lambda: {o.item.code: o for o in offers})
