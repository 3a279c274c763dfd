"""Reading what the sandbox provider recorded, for the dev pages and `govhub notify outbox`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from gateway.masking import mask_phone
from notify import repository
from notify.kinds import Kind


class OutboxEntry(BaseModel):
    id: int
    kind: str
    recipient: str  # masked
    template_code: str
    text: str
    created_at: datetime
    phone: str | None  # masked, for SMS


async def outbox_entries(
    limit: int = 20, phone: str | None = None, kind: Kind | None = Kind.SMS
) -> list[OutboxEntry]:
    """Newest first; SMS only unless `kind` says otherwise (None: every kind)."""
    rows = await repository.sandbox_outbox(
        limit,
        None if kind is None else kind.value,
        None if phone is None else mask_phone(phone),
    )
    return [
        OutboxEntry(
            id=row.id,
            kind=row.kind,
            recipient=row.recipient_masked,
            template_code=row.template_code,
            text=row.text,
            created_at=row.created_at,
            phone=row.recipient_masked if row.kind == Kind.SMS else None,
        )
        for row in rows
    ]
