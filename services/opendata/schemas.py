"""What the open-data routes and the staff's key actions take and answer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from gateway.paging import PageParams

KEY_ID = r"^[0-9a-f]{12}$"


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


class Words(BaseModel):
    zh: str
    en: str


class FieldRead(BaseModel):
    name: str
    type: str = Field(description="string, integer, number or boolean")
    nullable: bool
    description: Words


class DatasetRead(BaseModel):
    """One dataset of the catalogue: what it holds, field by field."""

    name: str
    title: Words
    description: Words
    source: Words = Field(description="where the rows come from")
    update_frequency: Words
    order: list[str] = Field(description="the fields rows are sorted by (and paged on)")
    fields: list[FieldRead]
    formats: list[Format]
    url: str


class DatasetVersion(BaseModel):
    name: str
    version: str
    updated_at: datetime | None


class DatasetPage(BaseModel):
    """A page of rows; only the dataset's declared fields, `next_cursor` null on the last."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    dataset: DatasetVersion


class KeyCreate(BaseModel):
    developer_name: str = Field(min_length=1, max_length=64)
    organisation: str = Field(min_length=1, max_length=128)
    contact_email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    rate_limit_per_minute: int = Field(60, ge=1, le=6000)


class KeyIdParams(BaseModel):
    key_id: str = Field(pattern=KEY_ID, description="the 12 hex digits after `od_`")


class KeysQuery(PageParams):
    include_revoked: bool = False


class UsageQuery(KeyIdParams, PageParams):
    pass


class DeveloperKeyRead(BaseModel):
    key_id: str
    developer_name: str
    organisation: str
    contact_email: str
    rate_limit_per_minute: int
    created_at: datetime
    revoked_at: datetime | None
    requests_total: int
    rows_total: int
    requests_today: int
    last_used_on: date | None


class IssuedKey(BaseModel):
    """The key in full, shown this once: only its hash is kept."""

    key: str
    developer_key: DeveloperKeyRead


class UsageRead(BaseModel):
    day: date
    dataset: str
    requests: int
    rows: int
