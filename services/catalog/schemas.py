"""Params and results of the catalogue actions.

Results are frozen and use tuples: the cache hands the same instance to every reader.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gateway.paging import PageParams
from services.catalog.models import HandlingChannel, MaterialForm, OnlineLevel, RegionLevel

# GB/T 2260 county-level codes have 6 digits; township 9 and village 12 (statistical codes).
RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}(\d{3}){0,2}$")]
CatalogCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InRegion(Params):
    region: RegionCode | None = Field(
        None, description="the resident's region; items fall back to the nearest ancestor's"
    )


class Paged(PageParams, Params):
    """The paging convention of every list action (`gateway/paging.py`)."""


class BrowseParams(InRegion, Paged):
    theme: CatalogCode | None = None
    life_event: CatalogCode | None = None
    department: CatalogCode | None = None
    target_group: CatalogCode | None = None
    online_level: OnlineLevel | None = None


class SearchParams(InRegion, Paged):
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ItemParams(InRegion):
    code: CatalogCode


class RegionsParams(Params):
    parent: RegionCode | None = Field(None, description="children of this region; none: the top")


class ImplementationUpdate(Params):
    """Fields left out stay as they are; null clears a local value back to the standard one."""

    item: CatalogCode
    region: RegionCode
    fee_fen: int | None = Field(None, ge=0, le=100_000_000)
    promised_days: int | None = Field(None, ge=0, le=365)
    online_level: OnlineLevel | None = None
    notes: str | None = Field(None, max_length=2000)


class Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class CatalogStamp(Read):
    """Which catalogue a read came from: its cache version and its latest change."""

    version: str
    updated_at: datetime | None


class Ref(Read):
    code: str
    name: str


class FacetRead(Read):
    code: str
    name: str
    name_en: str
    item_count: int


class TargetGroupRead(FacetRead):
    fast_lane: bool


class DepartmentRead(Read):
    code: str
    name: str
    department_type: str
    region_code: str
    phone: str
    item_count: int


class RegionRead(Read):
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    has_children: bool


class HallRead(Read):
    id: int
    code: str
    name: str
    region_code: str
    region_name: str
    address: str
    opening_hours: str
    phone: str
    latitude: float | None
    longitude: float | None


class MaterialRead(Read):
    name: str
    required: bool
    form: MaterialForm
    copies: int
    shared_code: str | None = Field(description="items asking for the same code share the upload")
    note: str


class StepRead(Read):
    title: str
    description: str


class FaqRead(Read):
    question: str
    answer: str


class LocalImplementation(Read):
    """Who offers the item where the resident lives, and where; `region_code` is where it is set."""

    region_code: str
    region_name: str
    department: Ref
    halls: tuple[HallRead, ...]
    notes: str


class ItemSummary(Read):
    code: str
    name: str
    online_level: OnlineLevel
    promised_days: int
    fee_fen: int
    department: Ref | None


class ItemPage(Read):
    """A page of items (`next_cursor` null on the last) and how many match in all."""

    items: tuple[ItemSummary, ...]
    next_cursor: str | None
    total: int


class ItemRead(Read):
    """A service guide; fee, time limits and online level are the local ones when set."""

    code: str
    name: str
    summary: str
    department_type: str
    online_level: OnlineLevel
    legal_days: int
    promised_days: int
    fee_fen: int
    channels: tuple[HandlingChannel, ...]
    themes: tuple[Ref, ...]
    life_events: tuple[Ref, ...]
    target_groups: tuple[Ref, ...]
    fast_lane: bool
    conditions: str
    legal_basis: str
    materials: tuple[MaterialRead, ...]
    steps: tuple[StepRead, ...]
    faqs: tuple[FaqRead, ...]
    implementation: LocalImplementation | None = Field(
        description="null when the region (and its ancestors) do not offer the item"
    )
