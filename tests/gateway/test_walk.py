"""A client can walk the API from the discovery document alone: every identifier an action
takes is answered by some action the same caller may call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

# A param names an entity when it ends like an identifier or is one of these public codes.
ENTITY_SUFFIXES = ("_id", "_ids", "_no", "_code")
ENTITY_NAMES = {"id", "code", "item", "hall", "region", "parent", "theme", "life_event"}
ENTITY_NAMES |= {"department", "target_group"}

# Where a param's value is found when the name alone does not say: (service, param) or param
# -> (schema title, field) of a result.
SOURCES: dict[tuple[str, str] | str, tuple[str, str]] = {
    ("catalog", "code"): ("ItemSummary", "code"),
    ("catalog", "item"): ("ItemSummary", "code"),
    ("appointments", "item"): ("ItemSummary", "code"),
    ("account", "account_id"): ("ChannelAccountRead", "id"),
    ("bills", "account_id"): ("AccountRead", "id"),
    ("bills", "write_off_id"): ("WriteOffRead", "id"),
    ("traffic", "report_id"): ("FineReportRead", "id"),
    ("notify", "id"): ("NotificationRead", "id"),
    "hall": ("HallRead", "code"),
    "hall_id": ("HallRead", "id"),
    "region": ("RegionRead", "code"),
    "parent": ("RegionRead", "code"),
    "theme": ("FacetRead", "code"),
    "life_event": ("FacetRead", "code"),
    "department": ("DepartmentRead", "code"),
    "target_group": ("TargetGroupRead", "code"),
    "bill_ids": ("BillRead", "bill_id"),
    ("applications", "material_code"): ("MaterialNeed", "code"),
    ("consultations", "item"): ("ItemSummary", "code"),
    ("staff", "staff_id"): ("StaffAccountRead", "id"),
    ("staff", "assignment_id"): ("AssignmentRead", "id"),
    ("staff", "role_code"): ("RoleDefinitionRead", "code"),
}

# Values the caller brings rather than reads from an answer, and why.
BROUGHT = {
    "account_no": "the utility account number printed on the resident's bill",
    "out_refund_no": "chosen by the caller: it makes a refund retry safe",
    "check_in_code": "read by staff from the resident's screen (appointments.check-in-qr)",
    "file_id": "answered by the upload, POST /api/v1/files (multipart, beside the actions)",
}


def objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every object schema inside a result schema, with its title."""
    if isinstance(schema, dict):
        if isinstance(schema.get("properties"), dict):
            yield schema
        for value in schema.values():
            yield from objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from objects(value)


def fields_answered(actions: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(schema title, field) of every result object, and ("*", field) for any title."""
    found: set[tuple[str, str]] = set()
    for action in actions:
        for obj in objects(action["result_schema"]):
            for field in obj["properties"]:
                found |= {(obj.get("title", ""), field), ("*", field)}
    return found


def source_of(service: str, param: str) -> tuple[str, str]:
    named = SOURCES.get((service, param)) or SOURCES.get(param)
    if named:
        return named
    if param.endswith("_id"):
        entity = "".join(part.title() for part in param.removesuffix("_id").split("_"))
        return f"{entity}Read", "id"
    return "*", param


def callers(action: dict[str, Any]) -> set[str]:
    """Residents call every action without a staff permission; staff call theirs and the
    anonymous ones."""
    if action["staff_permission"]:
        return {"staff"}
    return {"resident", "staff"} if action["identity"] == "anonymous" else {"resident"}


def names_entity(param: str) -> bool:
    return param in ENTITY_NAMES or param.endswith(ENTITY_SUFFIXES)


class TestEveryIdentifierIsAnswered:
    @pytest.mark.asyncio
    async def test_discovery_document_is_walkable(self, client: httpx.AsyncClient) -> None:
        services = (await client.get("/api/v1/services")).json()["data"]
        flat = [(s["code"], a) for s in services for a in s["actions"]]
        answered = {
            caller: fields_answered([a for _, a in flat if caller in callers(a)])
            for caller in ("resident", "staff")
        }
        missing = []
        for service, action in flat:
            for param in action["params_schema"].get("properties", {}):
                if not names_entity(param) or param in BROUGHT or param == "cursor":
                    continue
                title, field = source_of(service, param)
                for caller in callers(action):
                    direct = (title, field) in answered[caller]
                    same_name = ("*", param) in answered[caller]
                    if not (direct or same_name):
                        missing.append(f"{caller}: {service}.{action['name']}({param})")
        assert missing == []

    @pytest.mark.asyncio
    async def test_slots_are_reached_from_catalogue_codes(self, client: httpx.AsyncClient) -> None:
        services = (await client.get("/api/v1/services")).json()["data"]
        slots = next(
            a
            for s in services
            if s["code"] == "appointments"
            for a in s["actions"]
            if a["name"] == "available-slots"
        )
        assert {"hall", "item"} <= set(slots["params_schema"]["properties"])


def result_object(action: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = action["result_schema"]
    ref = schema.get("$ref")
    if ref:
        resolved: dict[str, Any] = schema["$defs"][ref.rsplit("/", 1)[1]]
        return resolved
    return schema


class TestOnePagingConvention:
    @pytest.mark.asyncio
    async def test_every_paged_action_answers_items_and_next_cursor(
        self, client: httpx.AsyncClient
    ) -> None:
        services = (await client.get("/api/v1/services")).json()["data"]
        paged = [
            (s["code"], a)
            for s in services
            for a in s["actions"]
            if {"cursor", "limit"} & set(a["params_schema"].get("properties", {}))
        ]
        assert len(paged) >= 4
        wrong = [
            f"{service}.{action['name']}"
            for service, action in paged
            if not {"cursor", "limit"} <= set(action["params_schema"]["properties"])
            or not {"items", "next_cursor"} <= set(result_object(action).get("properties", {}))
        ]
        assert wrong == []
