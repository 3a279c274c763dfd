"""WeChat jobs: the sweep that sends late official-account replies still undelivered, and the
daily purge of callback de-duplication rows WeChat can no longer retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from channels.wechat import repository
from channels.wechat.service import official_accounts
from config.jobs import broker

KEEP_CALLBACK_MESSAGES = timedelta(days=7)


@broker.task(task_name="wechat.sweep_late_replies", schedule=[{"cron": "* * * * *"}])
async def sweep_late_replies() -> int:
    return await official_accounts.sweep_late_replies()


@broker.task(task_name="wechat.purge_messages", schedule=[{"cron": "40 3 * * *"}])
async def purge_messages() -> int:
    return await repository.purge_messages(datetime.now(UTC) - KEEP_CALLBACK_MESSAGES)
