"""The open datasets, defined in code: each names its fields (the only ones ever published),
the fields its rows are sorted and paged on, and where its rows come from.

Rows are read through the owning capability's public functions, never from its tables, and
`publish` keeps only the declared fields of each row: whatever a source hands over, nothing
undeclared (and so nothing personal) reaches a download.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from gateway.paging import BEIJING
from services.applications import service as applications
from services.appointments import service as appointments
from services.catalog import service as catalog
from services.catalog.models import OnlineLevel

Row = dict[str, Any]
Key = tuple[str, ...]


class FieldType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    zh: str
    en: str
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class Stamp:
    """Which data a page came from."""

    version: str
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows after a position, in order: at least `limit + 1` when more follow."""

    rows: list[Row]
    stamp: Stamp


Source = Callable[[Key | None, int], Awaitable[Chunk]]


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    source_zh: str
    source_en: str
    frequency_zh: str
    frequency_en: str
    fields: tuple[FieldSpec, ...]
    order: tuple[str, ...]  # string fields, unique together: the paging key
    load: Source

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def key(self, row: Row) -> Key:
        return tuple(str(row[name]) for name in self.order)


def publish(dataset: Dataset, row: Row) -> Row:
    """The row as published: exactly the declared fields, in their declared order."""
    return {name: row[name] for name in dataset.field_names}


def after_key(rows: Sequence[Row], dataset: Dataset, after: Key | None) -> list[Row]:
    """The rows sorted by the dataset's order, those after `after` only."""
    ordered = sorted(rows, key=dataset.key)
    if after is None:
        return ordered
    return ordered[bisect_right([dataset.key(r) for r in ordered], after) :]


def _codes(values: Sequence[Any]) -> str:
    return ",".join(str(getattr(v, "code", v)) for v in values)


# ------------------------------------------------------------------------------ service items


async def _service_items(after: Key | None, limit: int) -> Chunk:
    stamp, offerings = await catalog.offerings()
    rows = []
    for item in offerings:
        local = item.implementation
        assert local is not None  # offerings are implementations
        rows.append(
            {
                "item_code": item.code,
                "item_name": item.name,
                "region_code": local.region_code,
                "region_name": local.region_name,
                "department_code": local.department.code,
                "department_name": local.department.name,
                "department_type": item.department_type,
                "online_level": item.online_level.value,
                "fully_online": item.online_level is OnlineLevel.FULLY_ONLINE,
                "fee_fen": item.fee_fen,
                "free": item.fee_fen == 0,
                "legal_days": item.legal_days,
                "promised_days": item.promised_days,
                "channels": _codes([c.value for c in item.channels]),
                "themes": _codes(item.themes),
                "halls": _codes(local.halls),
            }
        )
    return Chunk(after_key(rows, SERVICE_ITEMS, after), Stamp(stamp.version, stamp.updated_at))


SERVICE_ITEMS = Dataset(
    name="service-items",
    title_zh="政务服务事项目录",
    title_en="Catalogue of government service items",
    description_zh="每个事项在每个实施地区的办理信息：实施部门、办理方式、收费、承诺时限。",
    description_en="Each service item as each region offers it: department, how it is handled, "
    "its fee and its time limits.",
    source_zh="办事指南（事项目录与各地实施清单）",
    source_en="The service guide: the standard items and each region's implementation",
    frequency_zh="事项目录变更后即时更新",
    frequency_en="As soon as the catalogue changes",
    fields=(
        FieldSpec("item_code", FieldType.STRING, "事项编码", "Item code"),
        FieldSpec("item_name", FieldType.STRING, "事项名称", "Item name"),
        FieldSpec("region_code", FieldType.STRING, "实施地区代码（GB/T 2260）", "Region code"),
        FieldSpec("region_name", FieldType.STRING, "实施地区", "Region name"),
        FieldSpec("department_code", FieldType.STRING, "实施部门编码", "Department code"),
        FieldSpec("department_name", FieldType.STRING, "实施部门", "Department name"),
        FieldSpec("department_type", FieldType.STRING, "部门类别", "Kind of department"),
        FieldSpec(
            "online_level",
            FieldType.STRING,
            "办理深度：fully_online 全程网办，one_visit 最多跑一次，counter 窗口办理",
            "fully_online, one_visit (at most one visit) or counter",
        ),
        FieldSpec("fully_online", FieldType.BOOLEAN, "是否全程网办", "Handled fully online"),
        FieldSpec("fee_fen", FieldType.INTEGER, "收费金额（分）", "Fee in fen (0.01 yuan)"),
        FieldSpec("free", FieldType.BOOLEAN, "是否免费", "Free of charge"),
        FieldSpec("legal_days", FieldType.INTEGER, "法定办结时限（工作日）", "Legal working days"),
        FieldSpec(
            "promised_days", FieldType.INTEGER, "承诺办结时限（工作日）", "Promised working days"
        ),
        FieldSpec("channels", FieldType.STRING, "办理渠道，逗号分隔", "Channels, comma-separated"),
        FieldSpec("themes", FieldType.STRING, "主题编码，逗号分隔", "Theme codes, comma-separated"),
        FieldSpec(
            "halls", FieldType.STRING, "办理大厅编码，逗号分隔", "Hall codes, comma-separated"
        ),
    ),
    order=("item_code", "region_code"),
    load=_service_items,
)


# ------------------------------------------------------------------------------ halls


async def _halls(after: Key | None, limit: int) -> Chunk:
    stamp, halls = await catalog.all_halls()
    windows = await appointments.active_window_counts()
    rows = [
        {
            "hall_code": hall.code,
            "hall_name": hall.name,
            "region_code": hall.region_code,
            "region_name": hall.region_name,
            "hall_address": hall.address,
            "opening_hours": hall.opening_hours,
            "latitude": hall.latitude,
            "longitude": hall.longitude,
            "windows": windows.get(hall.id, 0),
        }
        for hall in halls
    ]
    return Chunk(after_key(rows, HALLS, after), Stamp(stamp.version, stamp.updated_at))


HALLS = Dataset(
    name="halls",
    title_zh="政务服务大厅",
    title_en="Service halls",
    description_zh="行政服务中心及其地址、开放时间和开放窗口数。",
    description_en="Service halls with their address, opening hours and open windows.",
    source_zh="办事指南（大厅）与预约（窗口）",
    source_en="The service guide (halls) and appointments (windows)",
    frequency_zh="大厅或窗口变更后即时更新",
    frequency_en="As soon as a hall or its windows change",
    fields=(
        FieldSpec("hall_code", FieldType.STRING, "大厅编码", "Hall code"),
        FieldSpec("hall_name", FieldType.STRING, "大厅名称", "Hall name"),
        FieldSpec("region_code", FieldType.STRING, "所在地区代码", "Region code"),
        FieldSpec("region_name", FieldType.STRING, "所在地区", "Region name"),
        FieldSpec("hall_address", FieldType.STRING, "大厅地址", "The hall's address"),
        FieldSpec("opening_hours", FieldType.STRING, "开放时间", "Opening hours"),
        FieldSpec("latitude", FieldType.NUMBER, "纬度", "Latitude", nullable=True),
        FieldSpec("longitude", FieldType.NUMBER, "经度", "Longitude", nullable=True),
        FieldSpec("windows", FieldType.INTEGER, "开放窗口数", "Windows open"),
    ),
    order=("hall_code",),
    load=_halls,
)


# ------------------------------------------------------------------------------ processing


# Small counts are withheld, as statistical offices do for small cells: a count from 1 to
# SMALL_COUNT - 1 is published as null (an empty CSV cell), so that no row points at a handful of
# residents; 0 stays 0. An average over fewer than SMALL_COUNT decisions is withheld too, since
# it would tell each one's time. Nothing published adds rows up, so no other cell gives a
# withheld one away.
SMALL_COUNT = 5
COUNTS = ("submitted", "completed", "overdue")


def withheld(count: int) -> int | None:
    return None if 0 < count < SMALL_COUNT else count


def suppress_small_counts(row: Row) -> Row:
    """The statistics row as published: small counts and averages over few decisions null."""
    published = {**row, **{name: withheld(row[name]) for name in COUNTS}}
    if row["completed"] < SMALL_COUNT:
        published["average_days"] = None
    return published


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=BEIJING)


def next_month(start: datetime) -> datetime:
    return month_start(start.year + start.month // 12, start.month % 12 + 1)


def parse_month(text: str) -> datetime | None:
    try:
        moment = datetime.strptime(text, "%Y-%m")
    except ValueError:
        return None
    return month_start(moment.year, moment.month)


async def _processing_monthly(after: Key | None, limit: int) -> Chunk:
    """Walks the months from the cursor's (or the first submission's) to this one, a month a
    query, until more than a page is in hand."""
    now = datetime.now(UTC)
    stamp = Stamp(now.astimezone(BEIJING).date().isoformat(), now)
    first = await applications.first_submitted_at()
    if first is None:
        return Chunk([], stamp)
    local = first.astimezone(BEIJING)
    month = month_start(local.year, local.month)
    if after is not None:
        month = max(month, parse_month(after[0]) or month)
    end = next_month(now.astimezone(BEIJING))
    rows: list[Row] = []
    while month < end and len(rows) <= limit:
        following = next_month(month)
        found = [
            suppress_small_counts(s.model_dump())
            for s in await applications.processing_by_month(month, following)
        ]
        rows += after_key(found, PROCESSING_MONTHLY, after)
        month = following
    return Chunk(rows, stamp)


PROCESSING_MONTHLY = Dataset(
    name="processing-monthly",
    title_zh="办件量月度统计",
    title_en="Applications processed, by month",
    description_zh="按申请月份和事项统计的网上办件量：提交、办结、超期件数和平均办理天数。"
    f"只有汇总数字，不含任何个人或单个办件的信息；1至{SMALL_COUNT - 1}件的小数字不公布（为空）。",
    description_en="Online applications by month of submission and item: submitted, completed "
    "and overdue counts and the average days to a decision. Counts only: nothing about a "
    f"person or a single application; counts from 1 to {SMALL_COUNT - 1} are withheld (null).",
    source_zh="网上申办（按提交月份汇总）",
    source_en="Online applications, aggregated by month of submission",
    frequency_zh="实时汇总（每次请求时计算）",
    frequency_en="Live: counted when asked",
    fields=(
        FieldSpec("month", FieldType.STRING, "提交月份（YYYY-MM，北京时间）", "Month, YYYY-MM"),
        FieldSpec("item_code", FieldType.STRING, "事项编码", "Item code"),
        FieldSpec("item_name", FieldType.STRING, "事项名称", "Item name"),
        FieldSpec(
            "submitted",
            FieldType.INTEGER,
            f"当月提交件数（1至{SMALL_COUNT - 1}件不公布，为空）",
            f"Applications submitted (1 to {SMALL_COUNT - 1}: null)",
            nullable=True,
        ),
        FieldSpec(
            "completed",
            FieldType.INTEGER,
            f"其中已办结（准予或不予；1至{SMALL_COUNT - 1}件不公布，为空）",
            f"Of them decided so far (1 to {SMALL_COUNT - 1}: null)",
            nullable=True,
        ),
        FieldSpec(
            "overdue",
            FieldType.INTEGER,
            f"其中超期（超承诺时限办结或仍未办结；1至{SMALL_COUNT - 1}件不公布，为空）",
            f"Of them decided late, or open past the promised date (1 to {SMALL_COUNT - 1}: null)",
            nullable=True,
        ),
        FieldSpec(
            "average_days",
            FieldType.NUMBER,
            f"平均办理天数（提交至办结，自然日；办结不足{SMALL_COUNT}件不公布，为空）",
            f"Average calendar days from submission to decision (null under {SMALL_COUNT} decided)",
            nullable=True,
        ),
    ),
    order=("month", "item_code"),
    load=_processing_monthly,
)


DATASETS: dict[str, Dataset] = {d.name: d for d in (SERVICE_ITEMS, HALLS, PROCESSING_MONTHLY)}
