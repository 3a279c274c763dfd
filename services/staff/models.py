"""Staff accounts, roles and scoped role assignments. Separate from residents on purpose."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class StaffAccount(Model):
    """A civil servant or hall worker who signs in with a user name and password."""

    id = fields.BigIntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100)
    password_hash = fields.CharField(max_length=200)  # argon2id, parameters inside
    active = fields.BooleanField(default=True)
    failed_attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    assignments: fields.ReverseRelation[RoleAssignment]

    class Meta:
        table = "staff_account"


class Role(Model):
    """A named set of permissions such as queue.call or catalog.edit (* grants every one)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name_zh = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64)
    permissions: fields.Field[list[str]] = fields.JSONField(default=list)

    class Meta:
        table = "staff_role"


class RoleAssignment(Model):
    """A role held by a staff member within a scope (empty scope columns mean everywhere).

    The scope columns are plain values (region code, department and hall ids), not foreign
    keys, so staff stays independent of the catalogue tables.
    """

    id = fields.BigIntField(primary_key=True)
    staff: fields.ForeignKeyRelation[StaffAccount] = fields.ForeignKeyField(
        "staff.StaffAccount", related_name="assignments", on_delete=fields.CASCADE
    )
    role: fields.ForeignKeyRelation[Role] = fields.ForeignKeyField(
        "staff.Role", related_name="assignments", on_delete=fields.RESTRICT
    )
    region_code = fields.CharField(max_length=12, null=True)
    department_id = fields.BigIntField(null=True)
    hall_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    staff_id: int
    role_id: int

    class Meta:
        table = "staff_role_assignment"
