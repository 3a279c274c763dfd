"""Open data: the dataset catalogue, downloads a page at a time for developers' keys, each key
held to its own rate limit and its usage counted by day and dataset.

A key reads `od_<key_id>_<secret>`; only the secret's hash is kept (services/apikeys.py), so the
key is shown once, when issued.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

from config.database import unit_of_work
from config.runtime import runtime
from config.store import WindowHit
from gateway.codes import Code
from gateway.errors import GovError
from gateway.paging import BEIJING, Page, cursor_id, decode_cursor, page_of
from gateway.service import enforce_rate_limits
from services.apikeys import new_key_id, new_secret, secret_hash, secret_matches
from services.opendata import repository as repo
from services.opendata.datasets import DATASETS, Dataset, Key, Row, publish
from services.opendata.errors import DatasetNotFound, KeyInvalid, KeyNotFound, KeyRevoked
from services.opendata.models import DeveloperKey, KeyUsage
from services.opendata.schemas import (
    DatasetPage,
    DatasetRead,
    DatasetVersion,
    DeveloperKeyRead,
    FieldRead,
    Format,
    IssuedKey,
    KeyCreate,
    KeysQuery,
    UsageQuery,
    UsageRead,
    Words,
)

KEY_PATTERN = re.compile(r"^od_([0-9a-f]{12})_([A-Za-z0-9_-]{32,64})$")
DOWNLOAD_PATH = "/api/v1/open/datasets/{name}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().astimezone(BEIJING).date()


def key_text(key_id: str, secret: str) -> str:
    return f"od_{key_id}_{secret}"


def describe(dataset: Dataset) -> DatasetRead:
    return DatasetRead(
        name=dataset.name,
        title=Words(zh=dataset.title_zh, en=dataset.title_en),
        description=Words(zh=dataset.description_zh, en=dataset.description_en),
        source=Words(zh=dataset.source_zh, en=dataset.source_en),
        update_frequency=Words(zh=dataset.frequency_zh, en=dataset.frequency_en),
        order=list(dataset.order),
        fields=[
            FieldRead(
                name=f.name,
                type=f.type.value,
                nullable=f.nullable,
                description=Words(zh=f.zh, en=f.en),
            )
            for f in dataset.fields
        ],
        formats=list(Format),
        url=DOWNLOAD_PATH.format(name=dataset.name),
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_csv(dataset: Dataset, rows: list[Row]) -> bytes:
    """A header row of the field names, then the rows; UTF-8 with a BOM so Excel reads the
    Chinese text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(dataset.field_names)
    writer.writerows([_cell(row[name]) for name in dataset.field_names] for row in rows)
    return ("\ufeff" + out.getvalue()).encode()


def _after(dataset: Dataset, cursor: str | None) -> Key | None:
    position = decode_cursor(cursor)
    if not position:
        return None
    after = position.get("after")
    if (
        not isinstance(after, list)
        or len(after) != len(dataset.order)
        or not all(isinstance(v, str) for v in after)
    ):
        raise GovError(Code.CURSOR_INVALID)
    return tuple(after)


def _key_read(key: DeveloperKey, usage: dict[str, Any] | None) -> DeveloperKeyRead:
    usage = usage or {}
    return DeveloperKeyRead(
        key_id=key.key_id,
        developer_name=key.developer_name,
        organisation=key.organisation,
        contact_email=key.contact_email,
        rate_limit_per_minute=key.rate_limit_per_minute,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
        requests_total=int(usage.get("requests_total") or 0),
        rows_total=int(usage.get("rows_total") or 0),
        requests_today=int(usage.get("requests_today") or 0),
        last_used_on=usage.get("last_used_on"),
    )


def _usage_read(row: KeyUsage) -> UsageRead:
    return UsageRead(day=row.day, dataset=row.dataset, requests=row.requests, rows=row.rows)


class OpenDataService:
    # ------------------------------------------------------------------ developers

    def catalogue(self) -> list[DatasetRead]:
        return [describe(dataset) for dataset in DATASETS.values()]

    def dataset(self, name: str) -> Dataset:
        found = DATASETS.get(name)
        if found is None:
            raise DatasetNotFound(name=name)
        return found

    async def count_address(self, client_ip: str) -> None:
        """The catalogue takes no key: only the address's window (shared with the gateway)."""
        rt = runtime()
        address = WindowHit(f"rl:ip:{client_ip}", rt.settings.rate_limit_per_ip, 60)
        await enforce_rate_limits(rt.store, [address], Code.OPENDATA_RATE_LIMITED)

    async def admit(self, presented: str | None, client_ip: str) -> DeveloperKey:
        """The key an `X-Api-Key` header carries, counted in its own window of a minute and
        the address's (shared with the gateway); a refused key still counts for the address."""
        try:
            key = await self._authenticate(presented)
        except GovError:
            await self.count_address(client_ip)
            raise
        rt = runtime()
        address = WindowHit(f"rl:ip:{client_ip}", rt.settings.rate_limit_per_ip, 60)
        own = WindowHit(f"rl:opendata:key:{key.key_id}", key.rate_limit_per_minute, 60)
        await enforce_rate_limits(rt.store, [address, own], Code.OPENDATA_RATE_LIMITED)
        return key

    @staticmethod
    async def _authenticate(presented: str | None) -> DeveloperKey:
        found = KEY_PATTERN.match((presented or "").strip())
        stored = await repo.key_by_id(found[1]) if found else None
        if found is None or stored is None or not secret_matches(found[2], stored.secret_hash):
            raise KeyInvalid()
        if stored.revoked_at is not None:
            raise KeyRevoked()
        return stored

    async def download(
        self, key: DeveloperKey, dataset: Dataset, cursor: str | None, limit: int
    ) -> DatasetPage:
        """A page of the dataset after the cursor, in its stable order; the key's usage of the
        day grows by one request and the rows served."""
        chunk = await dataset.load(_after(dataset, cursor), limit)
        page = page_of(chunk.rows, limit, lambda row: {"after": list(dataset.key(row))})
        await repo.count_usage(key.id, today(), dataset.name, len(page.items))
        return DatasetPage(
            items=[publish(dataset, row) for row in page.items],
            next_cursor=page.next_cursor,
            dataset=DatasetVersion(
                name=dataset.name, version=chunk.stamp.version, updated_at=chunk.stamp.updated_at
            ),
        )

    # ------------------------------------------------------------------ staff

    async def issue(self, staff_id: int | None, body: KeyCreate) -> IssuedKey:
        key_id, secret = new_key_id(), new_secret()
        async with unit_of_work():
            key = await repo.insert_key(
                key_id=key_id,
                secret_hash=secret_hash(secret),
                issued_by=staff_id,
                **body.model_dump(),
            )
        return IssuedKey(key=key_text(key_id, secret), developer_key=_key_read(key, None))

    async def install(self, text: str, body: KeyCreate) -> DeveloperKey:
        """Stores a key given in full (the documented demo key); an existing one is kept."""
        found = KEY_PATTERN.match(text)
        assert found is not None, "not an open-data key"
        key = await repo.key_by_id(found[1])
        if key is None:
            key = await repo.insert_key(
                key_id=found[1], secret_hash=secret_hash(found[2]), **body.model_dump()
            )
        return key

    async def keys(self, params: KeysQuery) -> Page[DeveloperKeyRead]:
        before = cursor_id(decode_cursor(params.cursor), "before")
        rows = await repo.keys_before(before, params.include_revoked, params.limit + 1)
        page = page_of(rows, params.limit, lambda key: {"before": key.id})
        usage = await repo.usage_totals([key.id for key in page.items], today())
        return Page[DeveloperKeyRead](
            items=[_key_read(key, usage.get(key.id)) for key in page.items],
            next_cursor=page.next_cursor,
        )

    async def usage(self, params: UsageQuery) -> Page[UsageRead]:
        key = await self._key(params.key_id)
        before = cursor_id(decode_cursor(params.cursor), "before")
        rows = await repo.usage_of(key.id, before, params.limit + 1)
        page = page_of(rows, params.limit, lambda row: {"before": row.id})
        return Page[UsageRead].of(page, _usage_read)

    async def revoke(self, key_id: str) -> DeveloperKeyRead:
        """Refused at once on every process (keys are looked up on each request); revoking a
        revoked key changes nothing."""
        async with unit_of_work():
            await repo.revoke(key_id, utcnow())
        key = await self._key(key_id)
        usage = await repo.usage_totals([key.id], today())
        return _key_read(key, usage.get(key.id))

    @staticmethod
    async def _key(key_id: str) -> DeveloperKey:
        key = await repo.key_by_id(key_id)
        if key is None:
            raise KeyNotFound()
        return key


opendata = OpenDataService()
