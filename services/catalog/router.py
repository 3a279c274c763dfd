"""Catalogue (办事指南) actions: anonymous reads for residents, one edit for staff."""

from __future__ import annotations

from collections.abc import Callable

from gateway.registry import Handler, P, R, RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.catalog.schemas import (
    BrowseParams,
    DepartmentRead,
    FacetRead,
    HallRead,
    ImplementationUpdate,
    InRegion,
    ItemPage,
    ItemParams,
    ItemRead,
    RegionRead,
    RegionsParams,
    SearchParams,
    TargetGroupRead,
)
from services.catalog.service import catalog, item_detail

service = Service("catalog", "办事指南", "Service guide")


def read(summary_zh: str, summary_en: str) -> Callable[[Handler[P, R]], Handler[P, R]]:
    """An anonymous read, open on every channel."""
    return service.action(
        identity=IdentityLevel.ANONYMOUS,
        rate_limit=RateLimit(300),
        summary_zh=summary_zh,
        summary_en=summary_en,
    )


@read("主题分类及事项数", "Themes with their item counts")
async def themes(request: ServiceRequest, params: InRegion) -> tuple[FacetRead, ...]:
    return await catalog.themes(params.region)


@read("人生事件及事项数", "Life events with their item counts")
async def life_events(request: ServiceRequest, params: InRegion) -> tuple[FacetRead, ...]:
    return await catalog.life_events(params.region)


@read("服务对象（含绿色通道人群）", "Target groups, fast-lane groups marked")
async def target_groups(request: ServiceRequest, params: InRegion) -> tuple[TargetGroupRead, ...]:
    return await catalog.target_groups(params.region)


@read("办事部门", "Departments serving the region")
async def departments(request: ServiceRequest, params: InRegion) -> tuple[DepartmentRead, ...]:
    return await catalog.departments(params.region)


@read(
    "按主题、人生事件、部门或服务对象浏览事项",
    "Browse items by theme, life event, department or group",
)
async def browse(request: ServiceRequest, params: BrowseParams) -> ItemPage:
    return await catalog.browse(params)


@read("搜索事项", "Search items")
async def search(request: ServiceRequest, params: SearchParams) -> ItemPage:
    return await catalog.search(params)


@read("事项办事指南", "The service guide of one item")
async def item(request: ServiceRequest, params: ItemParams) -> ItemRead:
    return await item_detail(params.code, params.region)


@read("下级行政区划", "Child regions of a region")
async def regions(request: ServiceRequest, params: RegionsParams) -> tuple[RegionRead, ...]:
    return await catalog.regions(params.parent)


@read("政务服务大厅", "Service halls near the region")
async def halls(request: ServiceRequest, params: InRegion) -> tuple[HallRead, ...]:
    return await catalog.halls(params.region)


@service.action(
    permission="catalog.edit",
    mutates=True,
    summary_zh="修改本辖区事项实施清单（收费、承诺时限、网办深度、备注）",
    summary_en="Edit a region's implementation: fee, promised days, online level, notes",
)
async def update_implementation(request: ServiceRequest, params: ImplementationUpdate) -> ItemRead:
    assert request.staff is not None  # the pipeline lets only staff with the permission in
    return await catalog.update_implementation(request.staff, params)
