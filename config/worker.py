"""Entry point of `govhub worker`: the broker with the runtime opened around the worker's life."""

from __future__ import annotations

from contextlib import AsyncExitStack

from taskiq import TaskiqEvents, TaskiqState

from config.jobs import broker
from config.runtime import started
from config.settings import get_settings

# Every module that declares jobs, so the worker knows them.
TASK_MODULES: list[str] = [
    "gateway.tasks",
    "channels.wechat.tasks",
    "payments.tasks",
    "payments.reconciliation.tasks",
    "services.appointments.tasks",
    "notify.tasks",
    "services.bills.tasks",
    "services.traffic.tasks",
    "services.demands.tasks",
    "services.consultations.tasks",
]

_stack = AsyncExitStack()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _startup(state: TaskiqState) -> None:
    await _stack.enter_async_context(started(get_settings(), with_broker=False))


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _shutdown(state: TaskiqState) -> None:
    await _stack.aclose()


__all__ = ["TASK_MODULES", "broker"]
