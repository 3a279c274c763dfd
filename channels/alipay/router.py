"""Alipay mini-program sign-in route."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from channels.alipay.service import sign_in
from channels.identity.ratelimit import limit_address
from gateway.http import ok
from gateway.router import client_ip

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

LOGINS_PER_ADDRESS = 60  # sign-ins one client address may make in ten minutes


class AlipayLogin(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="from my.getAuthCode")
    phone_response: str | None = Field(
        None, max_length=4096, description="the answer of my.getPhoneNumber, as received"
    )


@router.post("/alipay-mp", summary="Alipay mini-program sign-in: access and refresh tokens")
async def alipay_mp_login(body: AlipayLogin, request: Request) -> Response:
    await limit_address("auth.alipay-mp", client_ip(request), LOGINS_PER_ADDRESS, 600)
    return ok((await sign_in(body.code, body.phone_response)).model_dump())
