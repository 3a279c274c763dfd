"""The gateway service "timeline": the signed-in resident's one list. Thin: the merge is in
service.py, the sources in sources.py."""

from __future__ import annotations

from gateway.paging import Page, PageParams
from gateway.registry import Service
from gateway.schemas import IdentityLevel, ServiceRequest
from services.timeline.schemas import TimelineEntry
from services.timeline.service import timeline

service = Service("timeline", "我的事项", "My timeline")


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="办件、预约、缴费和诉求，按时间排列",
    summary_en="Applications, appointments, payments and requests, newest first",
)
async def mine(request: ServiceRequest, params: PageParams) -> Page[TimelineEntry]:
    """Every matter of the resident's, the newest first, each with its state."""
    return await timeline(request.require_citizen().citizen_id, params, request.locale)
