"""Online forms for the demo catalogue: every fully online item gets one (version 1), the
"having a baby" items (生育登记, 新生儿入户, 新生儿医保) their own fields, which overlap so the
second and third forms come prefilled from the first. Materials are the item's own list from
the catalogue (shared ones by their code, so the library recognises them across items)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.applications.models import ApplicationForm
from services.catalog.models import Item, ItemMaterial, OnlineLevel


def text(title: str, max_length: int = 64) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": 1, "maxLength": max_length}


DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
GENDER = {"type": "string", "title": "性别", "enum": ["男", "女"]}

FIELDS: dict[str, dict[str, Any]] = {
    "applicant_name": text("申请人姓名"),
    "address": text("联系地址", 200),
    "mother_name": text("母亲姓名"),
    "father_name": text("父亲姓名"),
    "child_name": text("新生儿姓名"),
    "child_gender": GENDER,
    "child_birth_date": {**DATE, "title": "出生日期"},
    "expected_birth_date": {**DATE, "title": "预产期"},
    "settle_with": {"type": "string", "title": "随父或随母落户", "enum": ["父", "母"]},
    "note": {"type": "string", "title": "备注", "maxLength": 500},
}

FORMS: dict[str, list[str]] = {
    "WS002": ["mother_name", "father_name", "expected_birth_date", "address"],
    "GA006": [
        "child_name",
        "child_gender",
        "child_birth_date",
        "mother_name",
        "father_name",
        "settle_with",
        "address",
    ],
    "YB006": ["child_name", "child_gender", "child_birth_date", "mother_name", "address"],
}
GENERIC = ["applicant_name", "address", "note"]


def schema_of(fields: list[str]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {name: FIELDS[name] for name in fields},
        "required": [name for name in fields if name != "note"],
        "additionalProperties": False,
    }


def material_code(need: ItemMaterial) -> str:
    return need.material.code if need.material is not None else f"own:{need.position}"


async def seed_forms(say: Callable[[str], object] = print) -> int:
    created = 0
    for item in await Item.filter(online_level=OnlineLevel.FULLY_ONLINE, active=True):
        if await ApplicationForm.exists(item_code=item.code):
            continue
        needs = await ItemMaterial.filter(item_id=item.id).order_by("position")
        await ItemMaterial.fetch_for_list(needs, "material")
        await ApplicationForm.create(
            item_code=item.code,
            version=1,
            title=item.name,
            schema=schema_of(FORMS.get(item.code, GENERIC)),
            materials=[
                {"code": material_code(n), "name": n.name, "required": n.required} for n in needs
            ],
        )
        created += 1
    total = await ApplicationForm.all().count()
    say(f"applications: {total} online forms ({created} new)")
    return created
