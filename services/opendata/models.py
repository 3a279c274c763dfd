"""Developers' API keys for the open datasets and what each key downloaded, by day and dataset.

The datasets themselves are not stored here: each is read from its own capability when asked.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class DeveloperKey(Model):
    """A developer's key: `od_<key_id>_<secret>`, of which only the secret's hash is kept."""

    id = fields.BigIntField(primary_key=True)
    key_id = fields.CharField(max_length=16, unique=True)
    secret_hash = fields.CharField(max_length=64)
    developer_name = fields.CharField(max_length=64)
    organisation = fields.CharField(max_length=128)
    contact_email = fields.CharField(max_length=254)
    rate_limit_per_minute = fields.IntField(default=60)
    issued_by = fields.BigIntField(null=True)  # the staff account, none for the seed and CLI
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "opendata_developer_key"


class KeyUsage(Model):
    """Requests and rows served to one key on one day (Asia/Shanghai) from one dataset."""

    id = fields.BigIntField(primary_key=True)
    developer_key: fields.ForeignKeyRelation[DeveloperKey] = fields.ForeignKeyField(
        "opendata.DeveloperKey", related_name="usage", on_delete=fields.CASCADE
    )
    developer_key_id: int
    day = fields.DateField()
    dataset = fields.CharField(max_length=32)
    requests = fields.BigIntField(default=0)
    rows = fields.BigIntField(default=0)

    class Meta:
        table = "opendata_key_usage"
        unique_together = (("developer_key_id", "day", "dataset"),)
