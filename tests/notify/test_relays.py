"""Queue events become messages: each once, to the channel the number was taken on."""

from __future__ import annotations

import pytest

from gateway.schemas import Channel
from notify.delivery import Dispatcher
from notify.kinds import Kind
from notify.models import Notification, NotificationStatus
from notify.relays import relay_queue_events
from services.queue import events as queue_events
from services.queue.models import Queue, QueueEvent, Ticket
from tests.appointments.factories import make_place
from tests.notify.helpers import OA_APP_ID, FakeClock, Providers, ScriptedProvider, make_resident


async def ticket_for(citizen_id: int, clock: FakeClock) -> Ticket:
    place = await make_place()
    queue = await Queue.create(hall=place.hall, code="A", name="A类业务", name_en="A")
    return await Ticket.create(
        queue=queue,
        day=clock.now.date(),
        number=12,
        label="A012",
        citizen_id=citizen_id,
        channel=Channel.WECHAT_OA.value,
        queued_at=clock.now,
        taken_at=clock.now,
    )


class TestQueueEvents:
    @pytest.mark.asyncio
    async def test_near_and_called_are_sent_once_on_the_residents_channel(
        self, db: None, clock: FakeClock
    ) -> None:
        citizen = await make_resident([(Channel.WECHAT_OA, OA_APP_ID, "o-oa-queue")])
        ticket = await ticket_for(citizen, clock)
        await queue_events.emit(queue_events.QueueEventKind.NEAR, ticket, ahead=3)
        await queue_events.emit(
            queue_events.QueueEventKind.CALLED, ticket, window_name="3号窗口", recall=False
        )
        assert await relay_queue_events(now=clock.now) == 2
        assert await relay_queue_events(now=clock.now) == 0
        assert await QueueEvent.filter(consumed_at__isnull=True).count() == 0
        rows = await Notification.all().order_by("id")
        assert [(r.event, r.channel) for r in rows] == [
            ("queue_near", "wechat_oa"),
            ("queue_called", "wechat_oa"),
        ]
        wechat = ScriptedProvider("wechat_template", Kind.WECHAT_OA)
        await Dispatcher(Providers(wechat), clock=clock).deliver_due(clock.now)
        assert [m.rendered.text for m in wechat.sent] == [
            "您的排队号A012前面还有3位，请到等候区准备。",
            "请A012号到3号窗口办理。",
        ]
        assert all(r.status == NotificationStatus.SENT for r in await Notification.all())
