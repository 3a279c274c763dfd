"""WeChat HTTP routes: the official-account callback and OAuth for the city-services H5 pages.

Errors (unknown account 404, missing signature 400, bad signature 401, wrong AppId 403,
malformed body 400) answer with the GovHub envelope; a verified message gets WeChat's format.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from channels.identity.ratelimit import limit_address
from channels.wechat import miniprogram
from channels.wechat.callback import CallbackQuery, open_message, seal_reply, verify_url
from channels.wechat.errors import AccountUnknown, MessageMalformed
from channels.wechat.oauth import oauth
from channels.wechat.service import official_accounts
from channels.wechat.settings import OfficialAccount, wechat_config
from channels.wechat.xml import MAX_BODY_BYTES
from config.logging import request_id_var
from gateway.http import ok
from gateway.router import client_ip

router = APIRouter(prefix="/channels/wechat", tags=["wechat"])
auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

LOGINS_PER_ADDRESS = 60  # sign-ins one client address may make in ten minutes


def official_account(app_id: Annotated[str, Path(max_length=64)]) -> OfficialAccount:
    account = wechat_config().account(app_id)
    if account is None:
        raise AccountUnknown(app_id=app_id)
    return account


AccountDep = Annotated[OfficialAccount, Depends(official_account)]


async def bounded_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refused once it grows past `limit` (read no further)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise MessageMalformed(reason="body too large")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get(
    "/{app_id}/callback", summary="WeChat's server URL check", response_class=PlainTextResponse
)
async def check_url(account: AccountDep, request: Request) -> Response:
    return PlainTextResponse(verify_url(account, CallbackQuery.of(request.query_params)))


@router.post("/{app_id}/callback", summary="Messages and events pushed by WeChat")
async def receive(account: AccountDep, request: Request) -> Response:
    query = CallbackQuery.of(request.query_params)
    body = await bounded_body(request)
    opened = open_message(account, query, body, max_skew=wechat_config().platform.callback_max_skew)
    reply = await official_accounts.answer(
        request.app.state.gateway,
        account,
        opened.message,
        request_id=request_id_var.get(),
    )
    if reply is None:
        return PlainTextResponse("success")
    xml = reply.render_xml(opened.message)
    if opened.sealed:
        xml = seal_reply(account, xml, query.nonce, str(int(time.time())))
    return Response(xml, media_type="application/xml")


@router.get("/{app_id}/oauth/start", summary="Sends the resident to WeChat's authorize page")
async def oauth_start(
    account: AccountDep,
    next: Annotated[str, Query(max_length=512)] = "/",
    scope: Annotated[str | None, Query(pattern="^snsapi_(base|userinfo)$")] = None,
) -> Response:
    return RedirectResponse(oauth.authorize_url(account, next, scope), status_code=302)


@router.get("/{app_id}/oauth/callback", summary="WeChat returns here with the code")
async def oauth_callback(
    account: AccountDep,
    code: Annotated[str, Query(min_length=1, max_length=256)],
    state: Annotated[str, Query(min_length=1, max_length=1024)],
) -> Response:
    landing = await oauth.complete(account, code, state)
    return RedirectResponse(landing, status_code=302)


class WeChatMiniProgramLogin(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="from wx.login()")
    phone_code: str | None = Field(
        None, min_length=1, max_length=128, description="from the getPhoneNumber button"
    )


@auth_router.post("/wechat-mp", summary="WeChat mini-program sign-in: access and refresh tokens")
async def wechat_mp_login(body: WeChatMiniProgramLogin, request: Request) -> Response:
    """Sending `phone_code` too binds the phone WeChat verified to the resident."""
    await limit_address("auth.wechat-mp", client_ip(request), LOGINS_PER_ADDRESS, 600)
    return ok((await miniprogram.sign_in(body.code, body.phone_code)).model_dump())
