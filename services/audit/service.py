"""Reading the audit log: who did what, filtered by staff member, action and time."""

from __future__ import annotations

from services.audit import repository
from services.audit.schemas import AuditQuery, AuditRow


class AuditService:
    async def search(self, query: AuditQuery) -> list[AuditRow]:
        return [AuditRow.model_validate(row) for row in await repository.search(query)]


audit = AuditService()
