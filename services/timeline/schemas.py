"""What the timeline answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class EntryKind(StrEnum):
    APPLICATION = "application"
    APPOINTMENT = "appointment"
    PAYMENT = "payment"
    CONSULTATION = "consultation"


class TimelineEntry(BaseModel):
    kind: EntryKind
    kind_name: str = Field(description="办件, 预约, 缴费 or 诉求, in the caller's language")
    reference: str = Field(description="the number the resident knows it by")
    title: str
    state: str
    state_name: str
    at: datetime = Field(description="when it was started (booked, submitted, ordered)")
    page: str = Field(description="the resident client's page that shows it")
