"""Reading the audit log: who did what, filtered by staff member, action and time."""

from __future__ import annotations

from services.audit import repository
from services.audit.schemas import AuditQuery, AuditRow


class AuditService:
    async def search(self, query: AuditQuery) -> list[AuditRow]:
        return [
            AuditRow(
                id=row.id,
                at=row.at,
                request_id=row.request_id,
                channel=row.channel,
                actor_type=row.actor_type,
                actor_id=row.actor_id,
                service=row.service,
                action=row.action,
                outcome=row.outcome,
                status=row.status,
                latency_ms=row.latency_ms,
                params=row.params,
            )
            for row in await repository.search(query)
        ]


audit = AuditService()
