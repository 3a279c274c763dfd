"""Forms, applications and their timeline, stored files, and each resident's materials library.

Personal data in forms and the library is sealed with the data key; only the owner and the
reviewing department see it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from channels.identity.sealed import SEALED_TABLES, SealedColumn

DATA_PURPOSE = "applications.data"  # an application's answers, one JSON object
FIELD_PURPOSE = "applications.field"  # one library answer, JSON


class ApplicationForm(Model):
    """One version of an item's online form: a JSON Schema of its fields (their names are the
    library's vocabulary, shared by every form), the materials it asks for, its workflow."""

    id = fields.BigIntField(primary_key=True)
    item_code = fields.CharField(max_length=32)
    version = fields.IntField()
    title = fields.CharField(max_length=64)
    schema: fields.Field[dict[str, object]] = fields.JSONField()
    materials: fields.Field[list[dict[str, object]]] = fields.JSONField()  # code, name, required
    workflow: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "applications_form"
        unique_together = (("item_code", "version"),)


class Application(Model):
    id = fields.BigIntField(primary_key=True)
    application_no = fields.CharField(max_length=24, unique=True)  # 办件编号
    citizen_id = fields.BigIntField(db_index=True)
    channel = fields.CharField(max_length=16)  # where the resident applied: told there
    form: fields.ForeignKeyRelation[ApplicationForm] = fields.ForeignKeyField(
        "applications.ApplicationForm", related_name="applications", on_delete=fields.RESTRICT
    )
    form_id: int
    item_code = fields.CharField(max_length=32)
    item_name = fields.CharField(max_length=64)
    department_id = fields.IntField(null=True, db_index=True)  # the handling department
    state = fields.CharField(max_length=24, default="draft")
    data_cipher = fields.TextField(default="")  # the form's answers, sealed
    phone_last4 = fields.CharField(max_length=4, default="")  # for the public progress query
    promised_days = fields.IntField()
    submitted_at = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField(null=True)  # the promised date, moved by time in 补正
    decided_at = fields.DatetimeField(null=True)
    supplement_reason = fields.CharField(max_length=500, null=True)
    # The item's fee as it stood when the resident started (0: free), asked for by the
    # workflow's request_payment move. out_trade_no is the payment order that holds the
    # application (open) or paid it, None while no order is open.
    fee_fen = fields.IntField(default=0)
    out_trade_no = fields.CharField(max_length=32, null=True)
    paid_at = fields.DatetimeField(null=True)
    refunded_fen = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "applications_application"
        # submitted_at: the monthly statistics read a month of submissions at a time
        indexes = (("department_id", "state"), ("submitted_at",))


class ApplicationEvent(Model):
    """The timeline: every move, who made it and why, never changed."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "applications.Application", related_name="events", on_delete=fields.CASCADE
    )
    application_id: int
    move = fields.CharField(max_length=32)
    from_state = fields.CharField(max_length=24)
    to_state = fields.CharField(max_length=24)
    actor_type = fields.CharField(max_length=16)  # resident, staff, system
    actor_id = fields.BigIntField(null=True)
    reason = fields.CharField(max_length=500, null=True)
    reference = fields.CharField(max_length=64, null=True)  # a payment order or refund number
    at = fields.DatetimeField()

    class Meta:
        table = "applications_event"


class StoredFile(Model):
    """An uploaded file: checked by content, kept in the storage under `storage_key`."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField(db_index=True)
    storage_key = fields.CharField(max_length=128, unique=True)
    content_type = fields.CharField(max_length=64)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    original_name = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "applications_file"


class ApplicationMaterial(Model):
    """One material of an application: an upload, or an entry of the library reused."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "applications.Application", related_name="materials", on_delete=fields.CASCADE
    )
    application_id: int
    material_code = fields.CharField(max_length=32)
    file: fields.ForeignKeyRelation[StoredFile] = fields.ForeignKeyField(
        "applications.StoredFile", related_name="uses", on_delete=fields.RESTRICT
    )
    file_id: int
    from_library = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "applications_material"
        unique_together = (("application_id", "material_code"),)


class LibraryMaterial(Model):
    """A material a department accepted: the resident never uploads it again while valid."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField()
    material_code = fields.CharField(max_length=32)
    file: fields.ForeignKeyRelation[StoredFile] = fields.ForeignKeyField(
        "applications.StoredFile", related_name="library_entries", on_delete=fields.RESTRICT
    )
    file_id: int
    source_application_no = fields.CharField(max_length=24)
    valid_until = fields.DateField(null=True)
    accepted_at = fields.DatetimeField()

    class Meta:
        table = "applications_library_material"
        unique_together = (("citizen_id", "material_code"),)


class LibraryField(Model):
    """A form answer the resident gave (sealed), offered to every later form with the field."""

    id = fields.BigIntField(primary_key=True)
    citizen_id = fields.BigIntField()
    name = fields.CharField(max_length=64)
    value_cipher = fields.TextField()
    source_application_no = fields.CharField(max_length=24)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "applications_library_field"
        unique_together = (("citizen_id", "name"),)


SEALED_TABLES[Application] = (SealedColumn("data_cipher", DATA_PURPOSE),)
SEALED_TABLES[LibraryField] = (SealedColumn("value_cipher", FIELD_PURPOSE),)
