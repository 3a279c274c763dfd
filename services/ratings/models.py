"""Ratings, the rectification case of each 差评, and departments' appeals.

A rating copies what the statistics need of its matter (item, department, hall, when it was
handled), so they never reach into the capability that handled it. The resident's own words
(the comment, what they said when called back) are sealed with the data key.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from channels.identity.sealed import SEALED_TABLES, SealedColumn

COMMENT = "ratings.comment"  # the purposes the resident's words are sealed for
RESIDENT_SAID = "ratings.resident_said"


class CaseState(StrEnum):
    OPEN = "open"  # waiting for the call-back
    CALLED_BACK = "called_back"  # the resident was called back, the outcome is still due
    CLOSED = "closed"


class CaseOutcome(StrEnum):
    RECTIFIED = "rectified"  # 已整改
    EXPLAINED = "explained"  # 已解释说明
    UNFOUNDED = "unfounded"  # 经核实情况不属实
    WITHDRAWN = "withdrawn"  # the rating's appeal was upheld: nothing to rectify


class AppealState(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # the rating is left out of the statistics
    REJECTED = "rejected"


class Rating(Model):
    """One resident's rating of one handled matter, given once on any channel."""

    id = fields.BigIntField(primary_key=True)
    rating_no = fields.CharField(max_length=24, unique=True)
    kind = fields.CharField(max_length=16)
    reference = fields.CharField(max_length=32)  # the matter's public number in its capability
    citizen_id = fields.BigIntField(db_index=True)
    channel = fields.CharField(max_length=16)
    level = fields.SmallIntField()  # 5 非常满意 to 1 非常不满意
    reasons: fields.Field[list[str]] = fields.JSONField()
    comment_cipher = fields.TextField(null=True)  # sealed, up to 500 characters in clear
    item_code = fields.CharField(max_length=32)
    item_name = fields.CharField(max_length=64)
    department_id = fields.IntField(null=True)
    hall_id = fields.IntField(null=True)
    handled_at = fields.DatetimeField()
    rated_at = fields.DatetimeField()
    month = fields.CharField(max_length=7)  # YYYY-MM of rated_at in Beijing time
    excluded = fields.BooleanField(default=False)  # an upheld appeal: not in the statistics

    class Meta:
        table = "ratings_rating"
        unique_together = (("kind", "reference"),)
        indexes = (("month", "department_id"), ("month", "item_code"))


class RectificationCase(Model):
    """The rectification (整改) a 差评 opens: the department calls the resident back and records
    the outcome by `due_on`, a number of working days after the rating."""

    id = fields.BigIntField(primary_key=True)
    rating: fields.OneToOneRelation[Rating] = fields.OneToOneField(
        "ratings.Rating", related_name="case", on_delete=fields.CASCADE
    )
    rating_id: int
    department_id = fields.IntField(null=True)
    item_code = fields.CharField(max_length=32)
    month = fields.CharField(max_length=7)
    state = fields.CharEnumField(CaseState, max_length=16, default=CaseState.OPEN)
    opened_at = fields.DatetimeField()
    due_on = fields.DateField()  # the last working day to close it, Beijing time
    callback_at = fields.DatetimeField(null=True)
    callback_staff_id = fields.BigIntField(null=True)
    callback_staff = fields.CharField(max_length=64, null=True)
    resident_said_cipher = fields.TextField(null=True)  # sealed, up to 500 characters
    resident_satisfied = fields.BooleanField(null=True)
    outcome = fields.CharEnumField(CaseOutcome, max_length=16, null=True)
    outcome_note = fields.CharField(max_length=500, null=True)
    closed_at = fields.DatetimeField(null=True)
    closed_by = fields.BigIntField(null=True)
    on_time = fields.BooleanField(null=True)

    class Meta:
        table = "ratings_case"
        indexes = (("department_id", "state"), ("state", "due_on"))


class RatingAppeal(Model):
    """A department's appeal (申诉) against a rating it holds wrong, reviewed by the supervisor."""

    id = fields.BigIntField(primary_key=True)
    rating: fields.OneToOneRelation[Rating] = fields.OneToOneField(
        "ratings.Rating", related_name="appeal", on_delete=fields.CASCADE
    )
    rating_id: int
    department_id = fields.IntField(null=True)
    reason = fields.CharField(max_length=500)
    filed_by = fields.BigIntField()
    filed_at = fields.DatetimeField()
    state = fields.CharEnumField(AppealState, max_length=16, default=AppealState.PENDING)
    reviewed_by = fields.BigIntField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    review_note = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "ratings_appeal"
        indexes = (("state", "id"),)


SEALED_TABLES[Rating] = (SealedColumn("comment_cipher", COMMENT),)
SEALED_TABLES[RectificationCase] = (SealedColumn("resident_said_cipher", RESIDENT_SAID),)
