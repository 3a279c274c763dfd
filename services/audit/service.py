"""Reading the audit log: who did what, filtered by staff member, action and time."""

from __future__ import annotations

from gateway.paging import Page, cursor_id, decode_cursor, page_of
from services.audit import repository
from services.audit.schemas import AuditQuery, AuditRow


class AuditService:
    async def search(self, query: AuditQuery) -> Page[AuditRow]:
        before_id = cursor_id(decode_cursor(query.cursor), "before_id")
        rows = await repository.search(query, before_id, query.limit + 1)
        page = page_of(rows, query.limit, lambda row: {"before_id": row.id})
        return Page[AuditRow].of(page, AuditRow.model_validate)


audit = AuditService()
