"""Answering official-account messages once each, within WeChat's five seconds.

A message is claimed under its dedupe key before anything runs, so retries and replays (also
in other processes) get the reply first given and never run the action again. When the action
outlasts the reply budget, WeChat gets `success` at once and the reply follows as a
customer-service message. The late reply is stored before it is sent, and a periodic sweep
(`wechat.sweep_late_replies`) sends what is still undelivered: a reply whose sending failed, or
an apology when the process running the action died before it had an answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from channels.wechat import repository
from channels.wechat.api import wechat_api
from channels.wechat.messages import InboundMessage, Reply
from channels.wechat.models import CallbackMessage, MessageState
from channels.wechat.render import RenderContext
from channels.wechat.responder import Responder
from channels.wechat.settings import OfficialAccount, wechat_config
from config.runtime import runtime
from gateway.clients import resident_pages_served
from gateway.service import Gateway

logger = logging.getLogger(__name__)

REPLAY_POLL_SECONDS = 0.05
CUSTOMER_SERVICE_SEND = "/cgi-bin/message/custom/send"
MAX_DELIVERY_ATTEMPTS = 5
# An action still unanswered after this long died with its process: the resident gets an apology.
ABANDONED_AFTER = timedelta(minutes=5)
APOLOGY = (
    "抱歉，刚才的请求处理时间过长，请重新发送。Sorry, that took too long: please send it again."
)


class OfficialAccountService:
    def __init__(self) -> None:
        self._background: set[asyncio.Task[None]] = set()

    async def answer(
        self,
        gateway: Gateway,
        account: OfficialAccount,
        message: InboundMessage,
        *,
        locale: str = "zh-CN",
        request_id: str = "-",
    ) -> Reply | None:
        """The passive reply, or None for `success` (nothing to say, or said later)."""
        budget = wechat_config().platform.reply_budget
        row, created = await repository.claim_message(account.app_id, message)
        if not created:
            return await self._replay(row.id, budget)
        context = RenderContext(
            locale,
            runtime().settings.public_base_url,
            account.app_id,
            pages_served=resident_pages_served(),
        )
        work = asyncio.create_task(
            Responder(gateway, account, context).respond(message, request_id)
        )
        try:
            reply = await asyncio.wait_for(asyncio.shield(work), budget)
        except TimeoutError:
            await repository.settle_message(row.id, MessageState.DEFERRED)
            self._keep(self._deliver_later(account, message, row.id, work))
            return None
        except Exception:
            await repository.forget_message(row.id)
            raise
        await repository.settle_message(row.id, MessageState.REPLIED, _stored(reply))
        return reply

    async def _replay(self, row_id: int, budget: float) -> Reply | None:
        """The first attempt's reply; `success` when it went (or will go) another way."""
        deadline = time.monotonic() + budget
        while True:
            row = await repository.message_by_id(row_id)
            if row is None:
                return None
            if row.state == MessageState.REPLIED:
                return None if row.reply is None else Reply.model_validate(row.reply)
            if row.state != MessageState.PROCESSING or time.monotonic() >= deadline:
                return None
            await asyncio.sleep(REPLAY_POLL_SECONDS)

    async def _deliver_later(
        self,
        account: OfficialAccount,
        message: InboundMessage,
        row_id: int,
        work: asyncio.Task[Reply | None],
    ) -> None:
        try:
            reply = await work
        except Exception:
            logger.exception("late %s message on %s failed", message.kind, account.app_id)
            reply = Reply.of_text(APOLOGY)
        if reply is None:
            await repository.settle_message(row_id, MessageState.DELIVERED)
            return
        await repository.settle_message(row_id, MessageState.DEFERRED, _stored(reply))
        row = await repository.message_by_id(row_id)
        if row is not None:
            await self.deliver(row)

    async def deliver(self, row: CallbackMessage) -> bool:
        """Sends a stored late reply (or the apology) as a customer-service message."""
        account = wechat_config().account(row.app_id)
        reply = Reply.model_validate(row.reply) if row.reply else Reply.of_text(APOLOGY)
        try:
            if account is None:
                raise LookupError(f"official account {row.app_id} is no longer configured")
            body = reply.customer_service_body(row.openid)
            await wechat_api().call(account.app, CUSTOMER_SERVICE_SEND, body)
        except Exception:
            attempts = row.delivery_attempts + 1
            logger.exception("late reply %s: attempt %d failed", row.id, attempts)
            await repository.count_delivery_attempt(row.id, attempts)
            if attempts >= MAX_DELIVERY_ATTEMPTS:
                await repository.settle_message(row.id, MessageState.FAILED, _stored(reply))
            return False
        await repository.settle_message(row.id, MessageState.DELIVERED, _stored(reply))
        return True

    async def sweep_late_replies(self, now: datetime | None = None) -> int:
        """Delivers stored replies that did not go out and apologises for abandoned actions."""
        now = now or datetime.now(UTC)
        delivered = 0
        for row in await repository.late_replies_due(now - timedelta(seconds=30)):
            if row.reply is None and row.updated_at > now - ABANDONED_AFTER:
                continue  # no answer yet: the action may still be running in its process
            delivered += await self.deliver(row)
        return delivered

    def _keep(self, job: Coroutine[Any, Any, None]) -> None:
        """Holds a reference until the task ends, so it is not collected halfway."""
        task = asyncio.create_task(job)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Waits for late replies still on their way (shutdown)."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)


def _stored(reply: Reply | None) -> dict[str, object] | None:
    return None if reply is None else reply.model_dump()


official_accounts = OfficialAccountService()
