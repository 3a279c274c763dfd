"""The provider contract and the part every provider shares.

A provider implements only `try_send`: build the platform request, send it, and map the
platform's answer to an `Outcome` through its own table. `send` around it times the call,
turns transport failures and bugs into retries, logs with the recipient masked and counts the
outcome, the same for every provider.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

import httpx
import orjson
from prometheus_client import Counter

from gateway.masking import mask_phone
from notify.kinds import Kind
from notify.templates import Rendered

logger = logging.getLogger("notify.providers")

SENDS = Counter("govhub_notify_sends_total", "Notification provider calls", ["provider", "outcome"])


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary: try the same provider again later
    PERMANENT = "permanent"  # this provider will not carry this message


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where one kind of message goes: an openid, an Alipay user id, a phone, a device token.

    `app_id` names the WeChat official account that knows the openid.
    """

    kind: Kind
    address: str
    app_id: str | None = None
    locale: str = "zh-CN"

    @property
    def masked(self) -> str:
        if self.kind == Kind.SMS:
            return mask_phone(self.address)
        value = self.address
        return "*" * len(value) if len(value) <= 8 else f"{value[:4]}****{value[-4:]}"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message for one provider: `reference` is our id for it, handed to platforms that
    keep one (WeChat client_msg_id, Alibaba Cloud OutId, Tencent Cloud SessionContext)."""

    reference: str
    rendered: Rendered
    recipient: Recipient


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    code: str  # the platform's own result code, as text
    provider_message_id: str | None = None
    detail: str = ""
    duration_ms: int = 0

    @property
    def sent(self) -> bool:
        return self.outcome == Outcome.SENT


@dataclass(frozen=True, slots=True)
class Receipt:
    """A platform's report on a message it accepted earlier."""

    provider_message_id: str
    delivered: bool
    detail: str = ""


class NotificationProvider(Protocol):
    """Carries one kind of message through one platform."""

    name: str
    kind: Kind

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        """Sends `message` once and reports what the platform said.

        Returns `Outcome.SENT` with the platform's message id when it accepted the message,
        `Outcome.RETRY` for failures that may pass (platform busy, rate limited, 5xx), and
        `Outcome.PERMANENT` when this platform will never carry it (bad address, no
        subscription, template refused). May raise `httpx.HTTPError` when the platform cannot
        be reached: `send` counts that as a retry.
        """
        ...


def classify(
    table: Mapping[str, Outcome], code: str, default: Outcome = Outcome.PERMANENT
) -> Outcome:
    """The outcome a provider's table gives a platform code; unknown codes get `default`."""
    return table.get(code, default)


def result(
    table: Mapping[str, Outcome],
    code: str,
    *,
    message_id: str | None = None,
    detail: str = "",
    default: Outcome = Outcome.PERMANENT,
) -> SendResult:
    outcome = classify(table, code, default)
    return SendResult(outcome, code, message_id if outcome == Outcome.SENT else None, detail[:255])


def http_status_outcome(status: int) -> Outcome:
    """For answers without a platform code: 429 and 5xx pass, other errors do not."""
    if status < 300:
        return Outcome.SENT
    return Outcome.RETRY if status == 429 or status >= 500 else Outcome.PERMANENT


async def send(provider: NotificationProvider, message: OutgoingMessage) -> SendResult:
    """Sends through `provider` once: timed, logged, counted; never raises for the platform."""
    started = time.perf_counter()
    try:
        outcome = await provider.try_send(message)
    except httpx.HTTPError as exc:
        outcome = SendResult(Outcome.RETRY, "unreachable", detail=type(exc).__name__)
    except Exception as exc:  # a bug must not lose the message: it is retried, and logged
        logger.exception("provider %s raised while sending %s", provider.name, message.reference)
        outcome = SendResult(Outcome.RETRY, "error", detail=type(exc).__name__)
    elapsed = round((time.perf_counter() - started) * 1000)
    outcome = replace(outcome, duration_ms=elapsed)
    SENDS.labels(provider.name, outcome.outcome.value).inc()
    log = logger.info if outcome.sent else logger.warning
    log(
        "%s %s to %s via %s: %s (%s) in %d ms",
        message.rendered.template.event.value,
        message.reference,
        message.recipient.masked,
        provider.name,
        outcome.outcome.value,
        outcome.code,
        elapsed,
    )
    return outcome


def json_object(raw: bytes) -> dict[str, Any]:
    """A vendor answer's JSON object; empty when the body is not one (an error page, say)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def receipt_items(body: bytes, id_field: str) -> list[dict[str, Any]]:
    """The reports of a receipt push (a JSON list of objects) that name a message id in
    `id_field`; ValueError when the body is not such a list, so the vendor sends it again."""
    items = orjson.loads(body)
    if not isinstance(items, list):
        raise ValueError("expected a list of reports")
    return [item for item in items if isinstance(item, dict) and item.get(id_field)]
