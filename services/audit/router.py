"""The audit log as staff read it (`audit.read`): thin, see service.py."""

from __future__ import annotations

from gateway.paging import Page
from gateway.registry import Service
from gateway.schemas import ServiceRequest
from services.audit.schemas import AuditQuery, AuditRow
from services.audit.service import audit

READ = "audit.read"

service = Service("audit", "审计日志", "Audit log")


@service.action(permission=READ, summary_zh="查询审计日志", summary_en="Read the audit log")
async def log(request: ServiceRequest, params: AuditQuery) -> Page[AuditRow]:
    """Audit rows newest first, filtered by actor, service, action and time."""
    return await audit.search(params)
