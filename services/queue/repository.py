"""Every query of the queue tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.functions import Count, Max

from services.queue.models import (
    OPEN_STATUSES,
    FastLaneGroup,
    Lane,
    Queue,
    QueueItem,
    Ticket,
    TicketLog,
    TicketStatus,
    WindowSession,
)

# Queues


async def queue_by_id(queue_id: int) -> Queue | None:
    return await Queue.get_or_none(id=queue_id, active=True)


async def queues_of_hall(hall_id: int) -> list[Queue]:
    return await Queue.filter(hall_id=hall_id, active=True).order_by("code")


async def queue_for_item(hall_id: int, item_id: int) -> Queue | None:
    link = (
        await QueueItem.filter(queue__hall_id=hall_id, queue__active=True, item_id=item_id)
        .select_related("queue")
        .order_by("queue__code")
        .first()
    )
    return None if link is None else link.queue


async def item_ids_of_queue(queue_id: int) -> list[int]:
    rows = await QueueItem.filter(queue_id=queue_id).values("item_id")
    return [row["item_id"] for row in rows]


async def queue_ids_with_items(hall_id: int, item_ids: Sequence[int]) -> list[int]:
    rows = await QueueItem.filter(
        item_id__in=list(item_ids), queue__hall_id=hall_id, queue__active=True
    ).values("queue_id")
    return sorted({row["queue_id"] for row in rows})


async def waiting_counts(queue_ids: Sequence[int], day: date) -> dict[int, int]:
    """Waiting numbers per queue (queues without any are left out)."""
    rows = (
        await Ticket.filter(queue_id__in=list(queue_ids), day=day, status=TicketStatus.WAITING)
        .group_by("queue_id")
        .annotate(waiting=Count("id"))
        .values("queue_id", "waiting")
    )
    return {row["queue_id"]: int(row["waiting"]) for row in rows}


# Numbers


async def highest_number(queue_id: int, day: date) -> int:
    row = (
        await Ticket.filter(queue_id=queue_id, day=day)
        .annotate(highest=Max("number"))
        .first()
        .values("highest")
    )
    return int(row["highest"] or 0) if row else 0


# Tickets


async def create_ticket(**values: Any) -> Ticket:
    return await Ticket.create(**values)


_INSERT_SQL: dict[tuple[type[BaseDBAsyncClient], int], str] = {}


def _insert_sql(connection: BaseDBAsyncClient, rows: int) -> str:
    """The multi-row INSERT of `rows` tickets in the connection's dialect, built once per size."""
    key = (type(connection), rows)
    if key not in _INSERT_SQL:
        executor = connection.executor_class(model=Ticket, db=connection)
        columns = [Ticket._meta.fields_db_projection[name] for name in executor.regular_columns]
        query = connection.query_class.into(Ticket._meta.basetable).columns(*columns)
        for row in range(rows):
            start = row * len(columns)
            query = query.insert(*(executor.parameter(start + i) for i in range(len(columns))))
        # Both dialects' builders have `returning`; the base class's annotation does not show it.
        query = query.returning("id", "queue_id", "day", "number")  # type: ignore[operator]
        _INSERT_SQL[key] = str(query)
    return _INSERT_SQL[key]


@dataclass(slots=True)
class TicketRow:
    """A new ticket's values for the batched INSERT: a plain record, because building a model
    instance costs more than inserting its row. The defaults are the model's; `id` is set once
    the row is written."""

    queue_id: int
    day: date
    number: int
    label: str
    channel: str
    queued_at: datetime
    taken_at: datetime
    citizen_id: int | None = None
    active_citizen_id: int | None = None
    lane: Lane = Lane.REGULAR
    fast_lane_group: FastLaneGroup | None = None
    appointment_id: int | None = None
    status: TicketStatus = TicketStatus.WAITING
    near_notified: bool = False
    recalls: int = 0
    called_at: datetime | None = None
    finished_at: datetime | None = None
    staff_id: int | None = None
    window_id: int | None = None
    transferred_to_id: int | None = None
    id: int = 0


async def insert_tickets(rows: Sequence[TicketRow]) -> None:
    """Writes new tickets with one multi-row INSERT, so all of them or none are stored, and
    gives each its id. Outside a transaction the statement commits by itself."""
    connection = Ticket._meta.db
    fields_map = Ticket._meta.fields_map
    names = connection.executor_class(model=Ticket, db=connection).regular_columns
    values = [
        fields_map[name].to_db_value(getattr(row, name), Ticket) for row in rows for name in names
    ]
    written = await connection.execute_query_dict(_insert_sql(connection, len(rows)), values)
    # RETURNING promises no order: rows are matched by their unique (queue, day, number).
    to_day = fields_map["day"].to_python_value
    ids = {(w["queue_id"], to_day(w["day"]), w["number"]): w["id"] for w in written}
    for row in rows:
        row.id = ids[(row.queue_id, row.day, row.number)]


async def number_taken(queue_id: int, day: date, number: int) -> bool:
    return await Ticket.filter(queue_id=queue_id, day=day, number=number).exists()


async def ticket_by_id(ticket_id: int) -> Ticket | None:
    return await Ticket.get_or_none(id=ticket_id)


async def ticket_of(citizen_id: int, ticket_id: int) -> Ticket | None:
    return await Ticket.get_or_none(id=ticket_id, citizen_id=citizen_id)


async def open_ticket_of(citizen_id: int, queue_id: int, day: date) -> Ticket | None:
    return await Ticket.get_or_none(queue_id=queue_id, day=day, active_citizen_id=citizen_id)


async def tickets_of(
    citizen_id: int, day: date, after: tuple[datetime, int] | None, limit: int
) -> list[Ticket]:
    """The resident's numbers of `day` in the order taken (then id), after the key `after`."""
    query = Ticket.filter(citizen_id=citizen_id, day=day)
    if after is not None:
        taken_at, ticket_id = after
        query = query.filter(Q(taken_at__gt=taken_at) | Q(taken_at=taken_at, id__gt=ticket_id))
    return await query.order_by("taken_at", "id").limit(limit)


async def finished_tickets_of(citizen_id: int, since: datetime, limit: int) -> list[Ticket]:
    """The resident's numbers served to the end at a window since `since`, the latest first."""
    return (
        await Ticket.filter(citizen_id=citizen_id, status=TicketStatus.DONE, finished_at__gte=since)
        .order_by("-finished_at", "-id")
        .limit(limit)
    )


def _ahead_of(ticket: Ticket | TicketRow) -> Q:
    """Waiting tickets served before this one: a lower lane, or the same lane queued earlier."""
    return Q(lane__lt=ticket.lane) | Q(
        Q(lane=ticket.lane)
        & (Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, id__lt=ticket.id))
    )


async def count_waiting_before(queue_id: int, day: date, lane: Lane, queued_at: datetime) -> int:
    """Waiting numbers a number of `lane` joining at `queued_at` would come after."""
    return await Ticket.filter(
        Q(lane__lt=lane) | Q(lane=lane, queued_at__lte=queued_at),
        queue_id=queue_id,
        day=day,
        status=TicketStatus.WAITING,
    ).count()


async def count_ahead(ticket: Ticket | TicketRow) -> int:
    return (
        await Ticket.filter(queue_id=ticket.queue_id, day=ticket.day, status=TicketStatus.WAITING)
        .filter(_ahead_of(ticket))
        .count()
    )


SERVING_ORDER = ("lane", "queued_at", "id")  # must agree with `_ahead_of`


async def first_waiting(queue_ids: Sequence[int], day: date, limit: int = 1) -> list[Ticket]:
    return (
        await Ticket.filter(queue_id__in=list(queue_ids), day=day, status=TicketStatus.WAITING)
        .order_by(*SERVING_ORDER)
        .limit(limit)
    )


async def open_tickets(queue_id: int, day: date) -> list[Ticket]:
    """The queue's numbers waiting or being called on `day`, waiting ones in serving order."""
    return (
        await Ticket.filter(queue_id=queue_id, day=day, status__in=list(OPEN_STATUSES))
        .order_by(*SERVING_ORDER)
        .all()
    )


async def called_in(queue_ids: Sequence[int], day: date, limit: int) -> list[Ticket]:
    """Numbers being called at a window now, the latest call first."""
    return (
        await Ticket.filter(queue_id__in=list(queue_ids), day=day, status=TicketStatus.CALLED)
        .order_by("-called_at", "-id")
        .limit(limit)
    )


async def called_at_window(window_id: int) -> Ticket | None:
    return await Ticket.filter(window_id=window_id, status=TicketStatus.CALLED).first()


async def move(ticket_id: int, expected: Sequence[TicketStatus], **values: Any) -> bool:
    """Changes a ticket only from one of the expected states: one conditional UPDATE, so two
    windows can never call the same number."""
    updated = await Ticket.filter(id=ticket_id, status__in=list(expected)).update(**values)
    return updated == 1


async def mark_near_notified(ticket_id: int) -> bool:
    return await Ticket.filter(id=ticket_id, near_notified=False).update(near_notified=True) == 1


async def recent_service_seconds(queue_id: int, since: datetime, limit: int) -> list[float]:
    rows = (
        await Ticket.filter(
            queue_id=queue_id,
            status=TicketStatus.DONE,
            finished_at__gte=since,
            called_at__not_isnull=True,
        )
        .order_by("-finished_at")
        .limit(limit)
        .values("called_at", "finished_at")
    )
    return [(row["finished_at"] - row["called_at"]).total_seconds() for row in rows]


async def log(ticket_id: int, action: str, at: datetime, **values: Any) -> None:
    await TicketLog.create(ticket_id=ticket_id, action=action, at=at, **values)


# Window sessions


async def open_session_of(staff_id: int) -> WindowSession | None:
    return await WindowSession.get_or_none(open_staff_id=staff_id)


async def open_session_at(window_id: int) -> WindowSession | None:
    return await WindowSession.get_or_none(open_window_id=window_id)


async def open_session(window_id: int, staff_id: int, now: datetime) -> WindowSession:
    return await WindowSession.create(
        window_id=window_id,
        staff_id=staff_id,
        open_window_id=window_id,
        open_staff_id=staff_id,
        started_at=now,
    )


async def close_session(session_id: int, now: datetime) -> None:
    await WindowSession.filter(id=session_id, ended_at__isnull=True).update(
        ended_at=now, open_window_id=None, open_staff_id=None
    )


async def open_window_ids(window_ids: Sequence[int]) -> set[int]:
    rows = await WindowSession.filter(open_window_id__in=list(window_ids)).values("open_window_id")
    return {int(row["open_window_id"]) for row in rows}


async def count_open_windows(window_ids: Sequence[int]) -> int:
    return await WindowSession.filter(open_window_id__in=list(window_ids)).count()
