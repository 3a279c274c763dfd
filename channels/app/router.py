"""App sign-in: phone + one-time code, access and refresh tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from channels.app.otp import otp
from channels.app.schemas import LoginRequest, OtpRequest, RefreshRequest
from channels.app.service import app_sign_in
from channels.identity.ratelimit import limit_address
from channels.identity.service import identity
from gateway.http import ok
from gateway.router import client_ip, signed_in
from gateway.schemas import CitizenPrincipal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

OTP_PER_ADDRESS = 30  # codes one client address may ask for in ten minutes, across phones


@router.post("/otp", summary="Send a one-time sign-in code by SMS")
async def request_otp(body: OtpRequest, request: Request) -> Response:
    """At most one code a minute and ten a day per phone; a code lives five minutes."""
    await limit_address("auth.otp", client_ip(request), OTP_PER_ADDRESS, 600)
    return ok((await otp.request_code(body.phone)).model_dump())


@router.post("/login", summary="Sign in with phone and code: access and refresh tokens")
async def login(body: LoginRequest) -> Response:
    return ok((await app_sign_in.login(body.phone, body.code)).model_dump())


@router.post("/refresh", summary="Trade a refresh token for a new pair (the old one dies)")
async def refresh(body: RefreshRequest) -> Response:
    return ok((await identity.refresh(body.refresh_token)).model_dump())


@router.post("/logout", summary="End this sign-in (send the access token as Bearer)")
async def logout(request: Request) -> Response:
    await identity.sign_out(await signed_in(request, CitizenPrincipal))
    return ok(None)
