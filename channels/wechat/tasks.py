"""WeChat jobs: the sweep that sends late official-account replies still undelivered."""

from __future__ import annotations

from channels.wechat.service import official_accounts
from config.jobs import broker


@broker.task(task_name="wechat.sweep_late_replies", schedule=[{"cron": "* * * * *"}])
async def sweep_late_replies() -> int:
    return await official_accounts.sweep_late_replies()
