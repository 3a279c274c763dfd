"""Reading the sandbox SMS outbox, shared by the dev page and `govhub notify outbox`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from gateway.masking import mask_phone
from notify import repository


class OutboxEntry(BaseModel):
    id: int
    phone: str  # masked
    template_code: str
    text: str
    created_at: datetime


async def outbox_entries(limit: int = 20, phone: str | None = None) -> list[OutboxEntry]:
    rows = await repository.sandbox_outbox(limit, None if phone is None else mask_phone(phone))
    return [
        OutboxEntry(
            id=row.id,
            phone=row.phone_masked,
            template_code=row.template_code,
            text=row.text,
            created_at=row.created_at,
        )
        for row in rows
    ]
