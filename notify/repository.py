"""Every query of the notify module."""

from __future__ import annotations

from notify.models import SandboxMessage


async def record_sandbox_message(phone_masked: str, template_code: str, text: str) -> int:
    message = await SandboxMessage.create(
        phone_masked=phone_masked, template_code=template_code, text=text
    )
    return int(message.id)


async def sandbox_outbox(limit: int, phone_masked: str | None = None) -> list[SandboxMessage]:
    query = SandboxMessage.all()
    if phone_masked is not None:
        query = query.filter(phone_masked=phone_masked)
    return await query.order_by("-id").limit(limit)
