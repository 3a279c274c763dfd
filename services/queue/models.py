"""Queue numbers (排队叫号): queues of a hall, the numbers taken, window sessions, events.

A ticket's number is unique per queue and day; Redis hands numbers out, and this table is the
record a lost Redis counter is rebuilt from. Waiting tickets are served by `lane` (checked-in
appointments, then fast-lane groups, then everyone else), then by `queued_at`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from services.appointments.models import Appointment, Window
    from services.catalog.models import Hall, Item


class Lane(IntEnum):
    """Serving order: a lower lane is called first."""

    APPOINTMENT = 0
    FAST = 1
    REGULAR = 2


class FastLaneGroup(StrEnum):
    ELDERLY = "elderly"  # 65 and over, from the verified ID number
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    MILITARY = "military"


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED)


class Queue(Model):
    """One business category of a hall, whose numbers carry `code` as prefix (A023)."""

    id = fields.IntField(primary_key=True)
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "catalog.Hall", related_name="queues", on_delete=fields.CASCADE
    )
    hall_id: int
    code = fields.CharField(max_length=4)
    name = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64, default="")
    default_service_seconds = fields.IntField(default=300)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "queue_queue"
        unique_together = (("hall", "code"),)


class QueueItem(Model):
    """An item handled in a queue. A window serves the queues sharing an item with it."""

    id = fields.IntField(primary_key=True)
    queue: fields.ForeignKeyRelation[Queue] = fields.ForeignKeyField(
        "queue.Queue", related_name="item_links", on_delete=fields.CASCADE
    )
    queue_id: int
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "catalog.Item", related_name="queue_links", on_delete=fields.CASCADE
    )
    item_id: int

    class Meta:
        table = "queue_queue_item"
        unique_together = (("queue", "item"),)


class Ticket(Model):
    """A queue number. `active_citizen_id` is set while the number is open, so a resident
    holds at most one open number per queue and day."""

    id = fields.BigIntField(primary_key=True)
    queue: fields.ForeignKeyRelation[Queue] = fields.ForeignKeyField(
        "queue.Queue", related_name="tickets", on_delete=fields.RESTRICT
    )
    queue_id: int
    day = fields.DateField()
    number = fields.IntField()
    label = fields.CharField(max_length=12)
    citizen_id = fields.BigIntField(null=True, db_index=True)
    active_citizen_id = fields.BigIntField(null=True)
    channel = fields.CharField(max_length=16)
    lane = fields.IntEnumField(Lane, default=Lane.REGULAR)
    fast_lane_group = fields.CharEnumField(FastLaneGroup, max_length=16, null=True)
    appointment: fields.ForeignKeyNullableRelation[Appointment] = fields.ForeignKeyField(
        "appointments.Appointment",
        related_name="tickets",
        null=True,
        on_delete=fields.RESTRICT,
    )
    appointment_id: int | None
    status = fields.CharEnumField(TicketStatus, max_length=16, default=TicketStatus.WAITING)
    queued_at = fields.DatetimeField()
    taken_at = fields.DatetimeField()
    called_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    window: fields.ForeignKeyNullableRelation[Window] = fields.ForeignKeyField(
        "appointments.Window", related_name="tickets", null=True, on_delete=fields.RESTRICT
    )
    window_id: int | None
    staff_id = fields.BigIntField(null=True)
    recalls = fields.SmallIntField(default=0)
    near_notified = fields.BooleanField(default=False)
    transferred_to_id = fields.BigIntField(null=True)

    log: fields.ReverseRelation[TicketLog]

    class Meta:
        table = "queue_ticket"
        unique_together = (("queue", "day", "number"), ("queue", "day", "active_citizen_id"))
        indexes = (("queue_id", "day", "status", "lane", "queued_at"),)


class WindowSession(Model):
    """A clerk signed in at a window. The `open_*` columns are set only while it lasts, so a
    window has one clerk and a clerk one window at a time."""

    id = fields.BigIntField(primary_key=True)
    window: fields.ForeignKeyRelation[Window] = fields.ForeignKeyField(
        "appointments.Window", related_name="sessions", on_delete=fields.CASCADE
    )
    window_id: int
    staff_id = fields.BigIntField(db_index=True)
    open_window_id = fields.IntField(null=True, unique=True)
    open_staff_id = fields.BigIntField(null=True, unique=True)
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "queue_window_session"


class TicketLog(Model):
    """What happened to a ticket, by whom, at which window. Append-only."""

    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "queue.Ticket", related_name="log", on_delete=fields.CASCADE
    )
    ticket_id: int
    action = fields.CharField(max_length=16)
    staff_id = fields.BigIntField(null=True)
    window_id = fields.IntField(null=True)
    at = fields.DatetimeField()
    detail: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)

    class Meta:
        table = "queue_ticket_log"


class QueueEvent(Model):
    """Outbox of resident-facing queue events, written in the transaction that caused them.

    The notification worker reads rows with `consumed_at` NULL, sends them, and marks them
    consumed (see services/queue/events.py).
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    citizen_id = fields.BigIntField()
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "queue.Ticket", related_name="events", on_delete=fields.CASCADE
    )
    ticket_id: int
    payload: fields.Field[dict[str, object]] = fields.JSONField()
    created_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "queue_event"
