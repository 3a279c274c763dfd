"""Background jobs of the notify module (listed in config/worker.py TASK_MODULES).

`deliver` is queued after the commit that wrote the message. `sweep` carries a `schedule` label,
so the scheduler (`govhub scheduler`, or the app itself when embedded) runs it every minute: it
turns other modules' pending events into messages and sends whatever is due (retries, the end of
quiet hours, messages whose job was lost with the broker or whose worker died). The outbox rows
are the truth; the queue only wakes workers up, and a sweep run twice does no harm.
"""

from __future__ import annotations

from config.jobs import broker
from notify.delivery import dispatcher

EVERY_MINUTE = [{"cron": "* * * * *"}]


@broker.task(task_name="notify.deliver")
async def deliver(notification_id: int) -> str | None:
    """Sends one message now if it is due and no other worker holds it."""
    status = await dispatcher.deliver(notification_id)
    return None if status is None else status.value


@broker.task(task_name="notify.sweep", schedule=EVERY_MINUTE)
async def sweep() -> int:
    """Relays pending events of other modules, then sends every message that is due."""
    from notify.relays import relay_queue_events  # it emits, and emitting queues `deliver`

    await relay_queue_events()
    return await dispatcher.deliver_due()
