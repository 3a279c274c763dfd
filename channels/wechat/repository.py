"""Every query of the WeChat tables."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from channels.wechat.messages import InboundMessage
from channels.wechat.models import CallbackMessage, MessageState, MiniProgramSession


async def claim_message(app_id: str, message: InboundMessage) -> tuple[CallbackMessage, bool]:
    """The message's row and whether this call created it (False: a retry or a replay).

    The unique (app_id, dedupe_key) makes the claim atomic across processes.
    """
    try:
        row = await CallbackMessage.create(
            app_id=app_id,
            dedupe_key=message.dedupe_key,
            openid=message.from_user,
            kind=message.kind[:32],
        )
        return row, True
    except IntegrityError:
        return await CallbackMessage.get(app_id=app_id, dedupe_key=message.dedupe_key), False


async def message_by_id(row_id: int) -> CallbackMessage | None:
    return await CallbackMessage.get_or_none(id=row_id)


async def settle_message(
    row_id: int, state: MessageState, reply: dict[str, object] | None = None
) -> None:
    await CallbackMessage.filter(id=row_id).update(state=state, reply=reply)


async def forget_message(row_id: int) -> None:
    """Nothing was decided for this message: a retry from WeChat may run it again."""
    await CallbackMessage.filter(id=row_id, state=MessageState.PROCESSING).delete()


async def late_replies_due(settled_before: datetime, limit: int = 100) -> list[CallbackMessage]:
    """Late replies that should have gone out by now: computed but undelivered, or never
    computed because the process running the action died."""
    return (
        await CallbackMessage.filter(state=MessageState.DEFERRED, updated_at__lt=settled_before)
        .order_by("id")
        .limit(limit)
    )


async def count_delivery_attempt(row_id: int, attempts: int) -> None:
    await CallbackMessage.filter(id=row_id).update(delivery_attempts=attempts)


async def purge_messages(received_before: datetime) -> int:
    """Drops de-duplication rows WeChat can no longer retry (it retries within seconds)."""
    return await CallbackMessage.filter(received_at__lt=received_before).delete()


async def save_mini_program_session(
    app_id: str, openid: str, unionid: str | None, session_key_sealed: str
) -> None:
    updated = await MiniProgramSession.filter(app_id=app_id, openid=openid).update(
        unionid=unionid, session_key_sealed=session_key_sealed
    )
    if updated:
        return
    try:
        await MiniProgramSession.create(
            app_id=app_id, openid=openid, unionid=unionid, session_key_sealed=session_key_sealed
        )
    except IntegrityError:  # a concurrent first login wrote it: ours is as fresh
        await MiniProgramSession.filter(app_id=app_id, openid=openid).update(
            unionid=unionid, session_key_sealed=session_key_sealed
        )


async def mini_program_session(app_id: str, openid: str) -> MiniProgramSession | None:
    return await MiniProgramSession.get_or_none(app_id=app_id, openid=openid)
