"""Catalogue (办事指南) actions."""

from __future__ import annotations

from pydantic import BaseModel

from gateway.registry import Service
from gateway.schemas import ServiceRequest

service = Service("catalog", "办事指南", "Service guide")


class PingParams(BaseModel):
    pass


class Pong(BaseModel):
    pong: bool


@service.action()
async def ping(request: ServiceRequest, params: PingParams) -> Pong:
    """Answers pong."""
    return Pong(pong=True)
