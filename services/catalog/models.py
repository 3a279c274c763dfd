"""Catalogue: regions, departments, halls, themes, life events, target groups, items.

An `Item` is the standard definition shared across the province; an `Implementation` is how one
region offers it (its department, fee, halls, time limits). Links between items and their
themes, life events and target groups are explicit rows so they can be synced in bulk.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"  # district or county
    STREET = "street"  # street or town
    COMMUNITY = "community"  # community or village


class OnlineLevel(StrEnum):
    FULLY_ONLINE = "fully_online"  # 全程网办
    ONE_VISIT = "one_visit"  # 最多跑一次
    COUNTER = "counter"  # 窗口办理


class MaterialForm(StrEnum):
    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"
    ELECTRONIC = "electronic"


class HandlingChannel(StrEnum):
    """Where a resident can handle an item (stored in `Item.channels`)."""

    HALL = "hall"
    WEB = "web"
    APP = "app"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    POST = "post"


class Region(Model):
    """An administrative region; `path` lists the codes from the province down to this one."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=12, unique=True)
    name = fields.CharField(max_length=64)
    level = fields.CharEnumField(RegionLevel, max_length=16)
    parent: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "catalog.Region", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    path = fields.CharField(max_length=128, db_index=True)

    class Meta:
        table = "catalog_region"
        table_description = "Administrative regions (GB/T 2260 codes) with their ancestry path."


class Department(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    department_type = fields.CharField(max_length=32, db_index=True)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "catalog.Region", related_name="departments", on_delete=fields.RESTRICT
    )
    region_id: int
    phone = fields.CharField(max_length=32, default="")

    class Meta:
        table = "catalog_department"
        table_description = "Government departments, each belonging to one region."


class Hall(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "catalog.Region", related_name="halls", on_delete=fields.RESTRICT
    )
    region_id: int
    address = fields.CharField(max_length=200)
    opening_hours = fields.CharField(max_length=200, default="")
    phone = fields.CharField(max_length=32, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)

    class Meta:
        table = "catalog_hall"
        table_description = "Service halls (行政服务中心) where items are handled in person."


class Theme(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=32)
    name_en = fields.CharField(max_length=64, default="")
    sort = fields.IntField(default=0)

    class Meta:
        table = "catalog_theme"


class LifeEvent(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=32)
    name_en = fields.CharField(max_length=64, default="")
    sort = fields.IntField(default=0)

    class Meta:
        table = "catalog_life_event"


class TargetGroup(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=32)
    name_en = fields.CharField(max_length=64, default="")
    fast_lane = fields.BooleanField(default=False)
    sort = fields.IntField(default=0)

    class Meta:
        table = "catalog_target_group"
        table_description = "Who an item serves. `fast_lane` groups are served first at halls."


class Material(Model):
    """A material several items ask for, so a resident provides it once."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    description = fields.CharField(max_length=200, default="")

    class Meta:
        table = "catalog_material"


class Item(Model):
    """A standard item: one code and one definition across the province. Money in fen."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    summary = fields.TextField(default="")
    keywords = fields.CharField(max_length=200, default="")
    department_type = fields.CharField(max_length=32, db_index=True)
    online_level = fields.CharEnumField(OnlineLevel, max_length=16)
    legal_days = fields.IntField()
    promised_days = fields.IntField()
    fee_fen = fields.IntField(default=0)
    channels: list[str] = fields.JSONField(default=list)
    conditions = fields.TextField(default="")
    legal_basis = fields.TextField(default="")
    steps: list[dict[str, str]] = fields.JSONField(default=list)
    faqs: list[dict[str, str]] = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "catalog_item"


class ItemMaterial(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="materials", on_delete=fields.CASCADE
    )
    item_id: int
    position = fields.IntField()
    name = fields.CharField(max_length=100)
    material: fields.ForeignKeyNullableRelation[Material] = fields.ForeignKeyField(
        "catalog.Material", related_name="uses", null=True, on_delete=fields.RESTRICT
    )
    material_id: int | None
    required = fields.BooleanField(default=True)
    form = fields.CharEnumField(MaterialForm, max_length=24)
    copies = fields.IntField(default=1)
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "catalog_item_material"
        unique_together = (("item", "position"),)


class ItemTheme(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="theme_links", on_delete=fields.CASCADE
    )
    item_id: int
    theme: fields.ForeignKeyRelation[Theme] = fields.ForeignKeyField(
        "catalog.Theme", related_name="item_links", on_delete=fields.CASCADE
    )
    theme_id: int

    class Meta:
        table = "catalog_item_theme"
        unique_together = (("item", "theme"),)


class ItemLifeEvent(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="life_event_links", on_delete=fields.CASCADE
    )
    item_id: int
    life_event: fields.ForeignKeyRelation[LifeEvent] = fields.ForeignKeyField(
        "catalog.LifeEvent", related_name="item_links", on_delete=fields.CASCADE
    )
    life_event_id: int

    class Meta:
        table = "catalog_item_life_event"
        unique_together = (("item", "life_event"),)


class ItemTargetGroup(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="target_group_links", on_delete=fields.CASCADE
    )
    item_id: int
    target_group: fields.ForeignKeyRelation[TargetGroup] = fields.ForeignKeyField(
        "catalog.TargetGroup", related_name="item_links", on_delete=fields.CASCADE
    )
    target_group_id: int

    class Meta:
        table = "catalog_item_target_group"
        unique_together = (("item", "target_group"),)


class Implementation(Model):
    """How one region offers an item, unset local values fall back to the standard item."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="implementations", on_delete=fields.CASCADE
    )
    item_id: int
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "catalog.Region", related_name="implementations", on_delete=fields.RESTRICT
    )
    region_id: int
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "catalog.Department", related_name="implementations", on_delete=fields.RESTRICT
    )
    department_id: int
    fee_fen = fields.IntField(null=True)
    legal_days = fields.IntField(null=True)
    promised_days = fields.IntField(null=True)
    online_level = fields.CharEnumField(OnlineLevel, max_length=16, null=True)
    notes = fields.TextField(default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "catalog_implementation"
        unique_together = (("item", "region"),)


class ImplementationHall(Model):
    id = fields.IntField(primary_key=True)
    implementation: fields.ForeignKeyRelation[Implementation] = fields.ForeignKeyField(
        "catalog.Implementation", related_name="hall_links", on_delete=fields.CASCADE
    )
    implementation_id: int
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="implementation_links", on_delete=fields.CASCADE
    )
    hall_id: int

    class Meta:
        table = "catalog_implementation_hall"
        unique_together = (("implementation", "hall"),)
