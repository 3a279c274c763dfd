"""The queries of the audit log read (the gateway writes it)."""

from __future__ import annotations

from typing import Any

from gateway.models import AuditLog
from services.audit.schemas import AuditQuery


async def search(query: AuditQuery, before_id: int | None, limit: int) -> list[AuditLog]:
    filters: dict[str, Any] = {
        name: value
        for name, value in (
            ("actor_type", query.actor_type),
            ("actor_id", query.actor_id),
            ("service", query.service),
            ("action", query.action),
            ("at__gte", query.starts()),
            ("at__lt", query.ends()),
            ("id__lt", before_id),
        )
        if value is not None
    }
    return await AuditLog.filter(**filters).order_by("-id").limit(limit)
