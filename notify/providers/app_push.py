"""App push through an HTTPS push gateway (our own protocol, one signed webhook per message).

Request: `POST <GOVHUB_PUSH_WEBHOOK_URL>` with a JSON body
`{"id", "token", "title", "body", "data": {"event"}}` and the headers
- `X-GovHub-Key-Id`: which shared key signed it (for rotation),
- `X-GovHub-Timestamp`: Unix seconds, the gateway refuses more than 5 minutes of skew,
- `X-GovHub-Signature`: `v1=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the key.
The gateway answers 2xx with `{"message_id"}`; 404/410 when the device token is gone; 429 or 5xx
when it cannot take the message now.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import orjson

from channels.platform import platform_http
from notify.kinds import Kind
from notify.providers.base import (
    Outcome,
    OutgoingMessage,
    SendResult,
    http_status_outcome,
    result,
)
from notify.settings import PushSettings, push_settings

RESULTS: dict[str, Outcome] = {
    "200": Outcome.SENT,
    "201": Outcome.SENT,
    "202": Outcome.SENT,
    "400": Outcome.PERMANENT,
    "401": Outcome.PERMANENT,  # our signature refused: a configuration error
    "403": Outcome.PERMANENT,
    "404": Outcome.PERMANENT,  # unknown device token
    "410": Outcome.PERMANENT,  # the app was uninstalled
    "413": Outcome.PERMANENT,
    "422": Outcome.PERMANENT,
    "429": Outcome.RETRY,
    "500": Outcome.RETRY,
    "502": Outcome.RETRY,
    "503": Outcome.RETRY,
    "504": Outcome.RETRY,
}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


class WebhookPushProvider:
    name = "webhook_push"
    kind = Kind.PUSH

    def __init__(self, settings: PushSettings, http: httpx.AsyncClient) -> None:
        if not settings.configured:
            raise RuntimeError("GOVHUB_PUSH_WEBHOOK_URL / _SECRET are not set")
        self.settings = settings
        self.http = http

    @classmethod
    def from_settings(cls) -> WebhookPushProvider:
        return cls(push_settings(), platform_http("push"))

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        assert self.settings.webhook_url is not None
        assert self.settings.webhook_secret is not None
        rendered = message.rendered
        english = message.recipient.locale.startswith("en")
        body = orjson.dumps(
            {
                "id": message.reference,
                "token": message.recipient.address,
                "title": rendered.template.title,
                "body": rendered.text_en if english else rendered.text,
                "data": {"event": rendered.template.event.value},
            }
        )
        stamp = str(int(time.time()))
        secret = self.settings.webhook_secret.get_secret_value()
        response = await self.http.post(
            self.settings.webhook_url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-GovHub-Key-Id": self.settings.key_id,
                "X-GovHub-Timestamp": stamp,
                "X-GovHub-Signature": signature(secret, stamp, body),
            },
        )
        message_id = _message_id(response) or message.reference
        return result(
            RESULTS,
            str(response.status_code),
            message_id=message_id,
            default=http_status_outcome(response.status_code),
        )


def _message_id(response: httpx.Response) -> str | None:
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    found = data.get("message_id") if isinstance(data, dict) else None
    return None if found is None else str(found)
