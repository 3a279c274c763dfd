"""What the two WeChat providers share: one call through `channels.wechat.api.WeChatApi`, which
holds the access token shared by every process (refreshed once and retried on 40001/42001),
and the reading of its answer through the provider's table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.wechat.api import WeChatApi
from channels.wechat.errors import WeChatApiError
from channels.wechat.settings import WeChatApp
from notify.providers.base import Outcome, SendResult, result

# Answers of WeChatApi itself, before WeChat's own errcodes.
TRANSPORT_RESULTS: dict[str, Outcome] = {
    "0": Outcome.SENT,
    "unreachable": Outcome.RETRY,  # no answer, or an answer that is not JSON (5xx pages)
    "bad-answer": Outcome.RETRY,
    "token-lock": Outcome.RETRY,  # another process is fetching the access token
    "-1": Outcome.RETRY,  # system busy
    "40001": Outcome.RETRY,  # token refused even after one refresh: try again later
    "42001": Outcome.RETRY,
    "45009": Outcome.RETRY,  # daily quota of the API reached
    "40013": Outcome.PERMANENT,  # invalid AppId
    "40125": Outcome.PERMANENT,  # invalid AppSecret
    "48001": Outcome.PERMANENT,  # API not authorized for this account
}


def data_fields(values: Mapping[str, str]) -> dict[str, dict[str, str]]:
    return {name: {"value": value} for name, value in values.items()}


async def call(
    api: WeChatApi, app: WeChatApp, path: str, body: dict[str, Any], table: Mapping[str, Outcome]
) -> SendResult:
    try:
        data = await api.call(app, path, body)
    except WeChatApiError as exc:
        return result(table, str(exc.errcode), detail=exc.errmsg)
    msgid = data.get("msgid")
    return result(table, "0", message_id=None if msgid is None else str(msgid))
