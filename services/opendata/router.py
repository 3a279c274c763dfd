"""Open data at the edges: the developers' REST routes (`/api/v1/open/…`, key in `X-Api-Key`)
and the staff's gateway service "opendata" (issue, list and revoke keys, a key's usage). Thin:
the rules are in service.py."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from gateway.codes import SPECS, Code
from gateway.http import ok
from gateway.openapi import ERROR_REF
from gateway.paging import Page
from gateway.registry import Service
from gateway.router import client_ip
from gateway.schemas import ServiceRequest
from services.opendata.schemas import (
    DatasetPage,
    DatasetRead,
    DeveloperKeyRead,
    Format,
    IssuedKey,
    KeyCreate,
    KeyIdParams,
    KeysQuery,
    UsageQuery,
    UsageRead,
)
from services.opendata.service import opendata, render_csv

MANAGE = "opendata.manage"

router = APIRouter(prefix="/api/v1/open", tags=["open data"])
ApiKey = Annotated[
    str | None,
    Header(alias="X-Api-Key", description="od_<key_id>_<secret>, issued by the open-data office"),
]
DatasetName = Annotated[str, Path(max_length=32, pattern=r"^[a-z0-9-]+$")]


def _errors(*codes: Code) -> dict[int | str, dict[str, Any]]:
    """The error envelope as the answer of each status, named by the codes it may carry."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(SPECS[code].status, []).append(str(code))
    return {
        status: {
            "description": ", ".join(names),
            "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
        }
        for status, names in sorted(by_status.items())
    }


class CatalogueAnswer(BaseModel):
    code: str
    message: str
    data: list[DatasetRead]
    request_id: str


class DatasetAnswer(BaseModel):
    code: str
    message: str
    data: DatasetPage
    request_id: str


@router.get(
    "/datasets",
    summary="The open datasets, their fields and update frequency (no key needed)",
    response_model=CatalogueAnswer,
    responses=_errors(Code.OPENDATA_RATE_LIMITED),
)
async def datasets(request: Request) -> Response:
    await opendata.count_address(client_ip(request))
    return ok([dataset.model_dump(mode="json") for dataset in opendata.catalogue()])


@router.get(
    "/datasets/{name}",
    summary="A page of a dataset, as JSON or CSV (key in X-Api-Key)",
    description="Rows in the dataset's stable order; pass `next_cursor` back as `cursor` until "
    "it is null. CSV: a header row, UTF-8 with BOM; the next cursor is in `X-Next-Cursor` and "
    "a `Link: rel=next` header. Each key may make `rate_limit_per_minute` requests a minute; "
    "past it, 429 with `Retry-After`.",
    response_model=DatasetAnswer,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **_errors(
            Code.OPENDATA_KEY_INVALID,
            Code.OPENDATA_KEY_REVOKED,
            Code.OPENDATA_DATASET_NOT_FOUND,
            Code.CURSOR_INVALID,
            Code.VALIDATION_FAILED,
            Code.OPENDATA_RATE_LIMITED,
        ),
    },
)
async def download(
    name: DatasetName,
    request: Request,
    x_api_key: ApiKey = None,
    fmt: Annotated[Format, Query(alias="format", description="json or csv")] = Format.JSON,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    key = await opendata.admit(x_api_key, client_ip(request))
    dataset = opendata.dataset(name)
    page = await opendata.download(key, dataset, cursor, limit)
    if fmt is Format.JSON:
        return ok(page.model_dump(mode="json"))
    headers = {
        "Content-Disposition": f'attachment; filename="{dataset.name}.csv"',
        "X-Dataset-Version": page.dataset.version,
    }
    if page.next_cursor is not None:
        following = request.url.include_query_params(cursor=page.next_cursor)
        headers["X-Next-Cursor"] = page.next_cursor
        headers["Link"] = f'<{quote(str(following), safe=":/?&=%")}>; rel="next"'
    return Response(
        render_csv(dataset, page.items), media_type="text/csv; charset=utf-8", headers=headers
    )


# ------------------------------------------------------------------------------ gateway service

service = Service("opendata", "开放数据", "Open data")


@service.action(permission=MANAGE, summary_zh="开发者密钥", summary_en="Developer keys")
async def keys(request: ServiceRequest, params: KeysQuery) -> Page[DeveloperKeyRead]:
    """Developers' keys, newest first, each with its requests and rows served."""
    return await opendata.keys(params)


@service.action(
    permission=MANAGE,
    mutates=True,
    summary_zh="发放开发者密钥",
    summary_en="Issue a developer key",
)
async def issue_key(request: ServiceRequest, params: KeyCreate) -> IssuedKey:
    """The key in full is in this answer only: give it to the developer now."""
    return await opendata.issue(request.require_staff().staff_id, params)


@service.action(
    permission=MANAGE,
    mutates=True,
    summary_zh="停用开发者密钥",
    summary_en="Revoke a developer key",
    errors=(Code.OPENDATA_KEY_NOT_FOUND,),
)
async def revoke_key(request: ServiceRequest, params: KeyIdParams) -> DeveloperKeyRead:
    """Refused from the next request on."""
    return await opendata.revoke(params.key_id)


@service.action(
    permission=MANAGE,
    summary_zh="密钥用量",
    summary_en="A key's usage",
    errors=(Code.OPENDATA_KEY_NOT_FOUND,),
)
async def usage(request: ServiceRequest, params: UsageQuery) -> Page[UsageRead]:
    """Requests and rows by day and dataset, newest first."""
    return await opendata.usage(params)
