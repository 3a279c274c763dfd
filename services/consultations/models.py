"""Cases (a consultation, complaint or suggestion), their timeline, and the public FAQ.

A case belongs to one resident and is handled by one department at a time. The resident's
words and the answers are sealed with the data key, one purpose per column (so a ciphertext
moved into another column does not open); the FAQ holds only text staff edited for the
public, never the resident's own words, and stays in clear for searching.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from channels.identity.sealed import SEALED_TABLES, SealedColumn

TITLE_PURPOSE = "consultations.title"
TEXT_PURPOSE = "consultations.text"
ANSWER_PURPOSE = "consultations.answer"
EVENT_TEXT_PURPOSE = "consultations.event_text"


class CaseKind(StrEnum):
    CONSULTATION = "consultation"  # 咨询
    COMPLAINT = "complaint"  # 投诉
    SUGGESTION = "suggestion"  # 建议


class CaseState(StrEnum):
    SUBMITTED = "submitted"  # waiting for the department's answer
    ANSWERED = "answered"
    REOPENED = "reopened"  # the resident asked again: waiting for a second answer
    CLOSED = "closed"  # the resident confirmed the answer, or the reopen window passed
    WITHDRAWN = "withdrawn"


OPEN_STATES = (CaseState.SUBMITTED, CaseState.REOPENED)


class ContactPreference(StrEnum):
    MESSAGE = "message"  # a message on the channel used (the default)
    PHONE = "phone"  # a call back on the resident's phone
    NONE = "none"  # the answer in the case only


class Case(Model):
    """One resident's consultation, complaint or suggestion (诉求工单)."""

    id = fields.BigIntField(primary_key=True)
    case_no = fields.CharField(max_length=24, unique=True)
    citizen_id = fields.BigIntField(db_index=True)
    channel = fields.CharField(max_length=16)  # where the resident wrote: told there
    kind = fields.CharEnumField(CaseKind, max_length=16)
    state = fields.CharEnumField(CaseState, max_length=16, default=CaseState.SUBMITTED)
    department_id = fields.IntField()  # the department handling it now
    item_code = fields.CharField(max_length=32, null=True)  # the catalogue item it is about
    title_cipher = fields.TextField()  # sealed, up to 100 characters in clear
    text_cipher = fields.TextField()  # sealed
    contact = fields.CharEnumField(
        ContactPreference, max_length=16, default=ContactPreference.MESSAGE
    )
    due_at = fields.DatetimeField()  # the end of the last working day of the time limit
    answer_cipher = fields.TextField(null=True)  # the latest answer, sealed
    answered_at = fields.DatetimeField(null=True)
    reopened_at = fields.DatetimeField(null=True)  # set once: a case is reopened only once
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "consultations_case"
        # the second: the sweep closing answered cases once their reopen window has passed
        indexes = (("department_id", "state", "due_at"), ("state", "answered_at"))


class CaseEvent(Model):
    """The timeline: every step, who took it, with its text (answer, reason), never changed."""

    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "consultations.Case", related_name="events", on_delete=fields.CASCADE
    )
    case_id: int
    move = fields.CharField(max_length=16)
    from_state = fields.CharField(max_length=16)
    to_state = fields.CharField(max_length=16)
    actor_type = fields.CharField(max_length=16)  # resident, staff
    actor_id = fields.BigIntField(null=True)
    department_id = fields.IntField()  # the handling department after the step
    text_cipher = fields.TextField(null=True)  # sealed
    at = fields.DatetimeField()

    class Meta:
        table = "consultations_event"


class FaqEntry(Model):
    """A question and answer published from an answered consultation, as staff worded them for
    the public. One entry per case: a second answer replaces it."""

    id = fields.BigIntField(primary_key=True)
    case: fields.OneToOneRelation[Case] = fields.OneToOneField(
        "consultations.Case", related_name="faq", on_delete=fields.CASCADE
    )
    case_id: int
    department_id = fields.IntField(db_index=True)
    item_code = fields.CharField(max_length=32, null=True, db_index=True)
    question = fields.CharField(max_length=200)
    answer = fields.TextField()
    published_at = fields.DatetimeField()

    class Meta:
        table = "consultations_faq"


SEALED_TABLES[Case] = (
    SealedColumn("title_cipher", TITLE_PURPOSE),
    SealedColumn("text_cipher", TEXT_PURPOSE),
    SealedColumn("answer_cipher", ANSWER_PURPOSE),
)
SEALED_TABLES[CaseEvent] = (SealedColumn("text_cipher", EVENT_TEXT_PURPOSE),)
