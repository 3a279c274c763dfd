"""Parameters and results of the queue actions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gateway.paging import PageParams
from services.queue.models import FastLaneGroup, Lane, TicketStatus

Id = Field(ge=1, le=2**62)


class HallParams(BaseModel):
    hall_id: int = Id


class QueueRead(BaseModel):
    id: int
    hall_id: int
    code: str
    name: str
    name_en: str
    waiting: int


class TakeParams(BaseModel):
    queue_id: int = Id


class IssueParams(BaseModel):
    """A number handed out on site (kiosk or reception); staff may mark a fast-lane group
    they have checked (a disability card, a pregnancy, a military ID)."""

    queue_id: int = Id
    fast_lane_group: FastLaneGroup | None = None


class TicketParams(BaseModel):
    ticket_id: int = Id


class MyTicketsParams(PageParams):
    """Today's numbers in the order taken, a page at a time."""


class CheckInParams(BaseModel):
    check_in_code: str = Field(min_length=4, max_length=64)


class FastLaneParams(BaseModel):
    ticket_id: int = Id
    fast_lane_group: FastLaneGroup


class WindowParams(BaseModel):
    window_id: int = Id


class NoParams(BaseModel):
    pass


class TransferParams(BaseModel):
    queue_id: int = Id


class TicketRead(BaseModel):
    """A number as its holder sees it: `ahead` waiting before it and the estimated wait."""

    id: int
    label: str
    queue_id: int
    hall_id: int
    status: TicketStatus
    lane: Lane
    fast_lane_group: FastLaneGroup | None
    ahead: int | None
    estimated_wait_seconds: int | None
    window_id: int | None
    window_name: str | None
    taken_at: datetime
    called_at: datetime | None
    finished_at: datetime | None
    transferred_to_id: int | None


class StreamTicketRead(BaseModel):
    """A single-use ticket opening the live stream of one number without an Authorization
    header (a browser's EventSource cannot send one): open `url` within `expires_in` seconds."""

    url: str
    ticket: str
    expires_in: int


class WindowRead(BaseModel):
    """A window of a hall; `signed_in` says whether someone is serving at it now."""

    id: int
    code: str
    name: str
    hall_id: int
    signed_in: bool


class WindowSessionRead(BaseModel):
    window_id: int
    window_name: str
    hall_id: int
    started_at: datetime


class WindowChoiceRead(BaseModel):
    """A window a clerk may sign in at."""

    id: int
    code: str
    name: str
    hall_id: int
    hall_name: str


class WaitingRead(BaseModel):
    """A number waiting for a window, as the clerk sees it (no personal data)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    queue_id: int
    lane: Lane
    fast_lane_group: FastLaneGroup | None
    taken_at: datetime


class DeskRead(BaseModel):
    """A clerk's window: the session (none when signed in nowhere), the number being served,
    the numbers waiting in serving order and the hall's queues (for transfers)."""

    session: WindowSessionRead | None
    current: TicketRead | None
    waiting: list[WaitingRead]
    queues: list[QueueRead]


class BoardCallRead(BaseModel):
    ticket_id: int
    label: str
    window_name: str
    called_at: datetime
    recalls: int


class BoardRead(BaseModel):
    """The hall display board (叫号大屏): numbers being called, the latest first."""

    hall_id: int
    hall_name: str
    calling: list[BoardCallRead]
    waiting: int
