"""Notify at the edges.

- The gateway service `notify`: residents' message preferences, subscribe consents and push
  devices, and the staff view of messages (`notify.read`) with resending (`notify.manage`).
- `POST /notify/receipts/{provider}/{token}`: SMS delivery receipts (Alibaba Cloud SmsReport,
  Tencent Cloud status callback). The token is `GOVHUB_NOTIFY_RECEIPT_TOKEN`; unset: 404.
- Dev-only: `GET /dev/notify` (every sandbox message) and `GET /dev/sms` (sandbox SMS).

The router's lifespan checks the settings and the template table at startup.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query, Request
from starlette.responses import Response

from gateway.codes import Code
from gateway.errors import GovError
from gateway.http import json_response, ok
from gateway.paging import Page
from gateway.registry import Service
from gateway.schemas import Channel, IdentityLevel, ServiceRequest
from notify.kinds import Kind
from notify.outbox import outbox_entries
from notify.receipts import RECEIPT_READERS, record_receipts
from notify.schemas import (
    ConsentRead,
    DeviceParams,
    Done,
    MessageParams,
    MessagesParams,
    NoParams,
    NotificationDetail,
    NotificationRead,
    PreferenceRead,
    RegisterDeviceParams,
    SetPreferenceParams,
    SubscribeParams,
    SummaryRead,
)
from notify.service import notify
from notify.settings import notify_settings, template_id_overrides
from notify.templates import assert_templates

logger = logging.getLogger(__name__)

service = Service("notify", "消息通知", "Notifications")
MINI_PROGRAMS = (Channel.WECHAT_MP, Channel.ALIPAY_MP)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的消息接收设置",
    summary_en="Which kinds of messages I receive",
)
async def preferences(request: ServiceRequest, params: NoParams) -> list[PreferenceRead]:
    """Which kinds of messages I receive."""
    return await notify.preferences(request.require_citizen().citizen_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    summary_zh="开启或关闭一类消息（账号安全类不可关闭）",
    summary_en="Turn one category of messages on or off (security messages stay on)",
)
async def set_preference(
    request: ServiceRequest, params: SetPreferenceParams
) -> list[PreferenceRead]:
    """Turn one category of messages on or off."""
    return await notify.set_preference(
        request.require_citizen().citizen_id, params.category, params.enabled
    )


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    channels=MINI_PROGRAMS,
    mutates=True,
    summary_zh="记录小程序订阅消息授权（每次一次性授权可接收一条）",
    summary_en="Record the subscribe messages accepted in the mini-program (one each)",
)
async def subscribe(request: ServiceRequest, params: SubscribeParams) -> list[ConsentRead]:
    """Record the subscribe messages accepted in the mini-program."""
    citizen = request.require_citizen()
    return await notify.subscribe(
        citizen.citizen_id, request.channel, params.events, params.long_term
    )


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    channels=[Channel.APP],
    mutates=True,
    summary_zh="登记本机推送",
    summary_en="Register this device for push messages",
)
async def register_device(request: ServiceRequest, params: RegisterDeviceParams) -> Done:
    """Register this device for push messages."""
    await notify.register_device(
        request.require_citizen().citizen_id, params.token, params.platform, params.locale
    )
    return Done()


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    channels=[Channel.APP],
    mutates=True,
    summary_zh="取消本机推送",
    summary_en="Stop push messages to this device",
)
async def unregister_device(request: ServiceRequest, params: DeviceParams) -> Done:
    """Stop push messages to this device."""
    await notify.unregister_device(request.require_citizen().citizen_id, params.token)
    return Done()


@service.action(
    permission="notify.read",
    summary_zh="消息列表（按状态、居民、事件筛选）",
    summary_en="Messages, filtered by status, resident or event",
)
async def messages(request: ServiceRequest, params: MessagesParams) -> Page[NotificationRead]:
    """Messages, newest first."""
    return await notify.messages(params)


@service.action(
    permission="notify.read",
    summary_zh="一条消息及其每次发送尝试",
    summary_en="One message with each of its attempts",
)
async def message(request: ServiceRequest, params: MessageParams) -> NotificationDetail:
    """One message with its attempts."""
    return await notify.message(params.id)


@service.action(
    permission="notify.read",
    summary_zh="各状态消息数",
    summary_en="How many messages are in each status",
)
async def summary(request: ServiceRequest, params: NoParams) -> SummaryRead:
    """How many messages are in each status."""
    return await notify.summary()


@service.action(
    permission="notify.manage",
    mutates=True,
    summary_zh="重新发送一条发送失败的消息",
    summary_en="Send a failed message again",
)
async def retry(request: ServiceRequest, params: MessageParams) -> NotificationRead:
    """Send a failed message again, from the first step of its route."""
    return await notify.retry(params.id)


# ----------------------------------------------------------------------------------- receipts


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The startup check: bad notify settings or an incomplete template table stop the start."""
    notify_settings()
    template_id_overrides()
    assert_templates()
    yield


router = APIRouter(prefix="/notify", tags=["notify"], lifespan=_lifespan)


@router.post(
    "/receipts/{provider}/{token}",
    summary="SMS delivery receipts pushed by Alibaba Cloud or Tencent Cloud",
    include_in_schema=False,
)
async def receipts(
    request: Request,
    provider: Annotated[str, Path(max_length=32)],
    token: Annotated[str, Path(max_length=128)],
) -> Response:
    expected = notify_settings().receipt_token
    reader = RECEIPT_READERS.get(provider)
    if expected is None or reader is None:
        raise GovError(Code.NOT_FOUND)
    if not hmac.compare_digest(token.encode(), expected.get_secret_value().encode()):
        raise GovError(Code.NOT_FOUND)
    parse, acknowledgement = reader
    try:
        items = parse(await request.body())
    except (ValueError, KeyError, TypeError):
        raise GovError(Code.BAD_REQUEST, reason="malformed receipts") from None
    applied = await record_receipts(provider, items)
    logger.info("%s receipts: %d of %d applied", provider, applied, len(items))
    return json_response(acknowledgement)


# ----------------------------------------------------------------------------------- dev pages

dev_router = APIRouter(prefix="/dev", tags=["development"])


@dev_router.get("/sms", summary="Sandbox SMS outbox, newest first (development only)")
async def sandbox_sms(
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    phone: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """What the sandbox SMS provider would have sent; filter by `phone` to find one code."""
    return ok([entry.model_dump(mode="json") for entry in await outbox_entries(limit, phone)])


@dev_router.get("/notify", summary="Every sandbox message, newest first (development only)")
async def sandbox_messages(
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    kind: Annotated[Kind | None, Query()] = None,
) -> Response:
    """What the sandbox would have sent on every kind (WeChat, Alipay, push, SMS)."""
    entries = await outbox_entries(limit, kind=kind)
    return ok([entry.model_dump(mode="json") for entry in entries])
