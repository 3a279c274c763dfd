"""Delivery receipts: what platforms report after accepting a message.

`record_receipt` is the one entry point, for the SMS receipt endpoints here and for the WeChat
callback (`TEMPLATESENDJOBFINISH` with `MsgID` and `Status`, and `subscribe_msg_sent_event`),
which calls it with provider `wechat_template` / `wechat_subscribe` and the `MsgID`.
A failed delivery moves the message on to the next step of its route, or dead-letters it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from config.database import unit_of_work
from config.jobs import enqueue
from notify import repository
from notify.models import NotificationStatus
from notify.providers import aliyun_sms, tencent_sms
from notify.providers.base import Receipt
from notify.tasks import deliver
from notify.timing import utcnow

# Providers that push receipts over HTTP: how to read them and what to answer.
RECEIPT_READERS: dict[str, tuple[Callable[[bytes], list[Receipt]], dict[str, object]]] = {
    aliyun_sms.AliyunSmsProvider.name: (aliyun_sms.parse_receipts, aliyun_sms.RECEIPT_ACK),
    tencent_sms.TencentSmsProvider.name: (tencent_sms.parse_receipts, tencent_sms.RECEIPT_ACK),
}


async def record_receipt(
    provider: str,
    provider_message_id: str,
    delivered: bool,
    detail: str = "",
    now: datetime | None = None,
) -> bool:
    """Applies one receipt to the message it names; False when none is waiting for it."""
    now = now or utcnow()
    row = await repository.by_provider_message(provider, provider_message_id)
    if row is None or row.status != NotificationStatus.SENT:
        return False
    if delivered:
        return await repository.update_if_status(
            row.id, NotificationStatus.SENT, status=NotificationStatus.DELIVERED, delivered_at=now
        )
    reason = f"{row.kind}: not delivered ({detail or 'no reason given'})"[:255]
    if row.step + 1 >= len(row.route):
        return await repository.update_if_status(
            row.id,
            NotificationStatus.SENT,
            status=NotificationStatus.FAILED,
            failed_at=now,
            failure_reason=reason,
        )
    async with unit_of_work():
        moved = await repository.update_if_status(
            row.id,
            NotificationStatus.SENT,
            status=NotificationStatus.QUEUED,
            step=row.step + 1,
            attempts=0,
            consent_id=None,
            next_attempt_at=now,
            last_error=reason,
        )
        if moved:
            await enqueue(deliver, row.id)
    return moved


async def record_receipts(provider: str, receipts: list[Receipt]) -> int:
    applied = 0
    for receipt in receipts:
        if await record_receipt(
            provider, receipt.provider_message_id, receipt.delivered, receipt.detail
        ):
            applied += 1
    return applied
