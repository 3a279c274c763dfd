"""Taking numbers: format, one open number per resident, no number ever handed out twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from config.runtime import Runtime
from services.appointments.settings import appointment_settings
from services.queue.models import Lane, Ticket
from services.queue.numbering import counter_key
from tests.appointments.factories import citizen, invoke, make_place
from tests.queue.conftest import QueuePlace, make_queue
from tests.queue.helpers import take


def local_today() -> datetime:
    return datetime.now(UTC).astimezone(appointment_settings().zone)


class TestTake:
    @pytest.mark.asyncio
    async def test_numbers_carry_the_queue_code_and_count_up(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        first = await take(app, 1, qp.queue.id)
        second = await take(app, 2, qp.queue.id)
        assert (first["label"], first["ahead"], first["status"]) == ("A001", 0, "waiting")
        assert (second["label"], second["ahead"]) == ("A002", 1)
        assert second["estimated_wait_seconds"] == qp.queue.default_service_seconds

    @pytest.mark.asyncio
    async def test_one_open_number_per_resident_and_queue(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        held = await take(app, 1, qp.queue.id)
        again = await invoke(app, "queue", "take", {"queue_id": qp.queue.id}, citizen(1))
        assert (again.code, again.status) == ("QUEUE_NUMBER_ACTIVE", 409)
        assert held["label"] in again.message
        other = await make_queue(qp.place, "B")
        assert (await take(app, 1, other.id))["label"] == "B001"

    @pytest.mark.asyncio
    async def test_closed_hall_hands_out_no_numbers(self, app: FastAPI, db: None) -> None:
        place = await make_place(all_day=False)
        queue = await make_queue(place)
        result = await invoke(app, "queue", "take", {"queue_id": queue.id}, citizen(1))
        assert (result.code, result.status) == ("QUEUE_CLOSED", 409)

    @pytest.mark.asyncio
    async def test_numbers_start_again_each_day(self, app: FastAPI, qp: QueuePlace) -> None:
        yesterday = local_today().date() - timedelta(days=1)
        now = datetime.now(UTC)
        await Ticket.create(
            queue=qp.queue,
            day=yesterday,
            number=57,
            label="A057",
            channel="web",
            lane=Lane.REGULAR,
            queued_at=now,
            taken_at=now,
        )
        assert (await take(app, 1, qp.queue.id))["label"] == "A001"


class TestNoDuplicateNumbers:
    @pytest.mark.asyncio
    async def test_five_hundred_concurrent_takes(self, app: FastAPI, qp: QueuePlace) -> None:
        results = await asyncio.gather(
            *(
                invoke(app, "queue", "take", {"queue_id": qp.queue.id}, citizen(1000 + n))
                for n in range(500)
            )
        )
        assert [r.code for r in results].count("OK") == 500
        numbers = sorted(int(r.data["label"][1:]) for r in results)
        assert numbers == list(range(1, 501))
        assert await Ticket.filter(queue_id=qp.queue.id).count() == 500


class TestCounterLost:
    @pytest.mark.asyncio
    async def test_numbering_continues_after_the_store_lost_the_counter(
        self, app: FastAPI, qp: QueuePlace, rt: Runtime
    ) -> None:
        for n in range(5):
            await take(app, n + 1, qp.queue.id)
        key = counter_key(qp.queue.id, local_today().date())
        assert await rt.store.get(key) == "5"
        await rt.store.delete(key)  # what a Redis restart without persistence does
        after = await take(app, 6, qp.queue.id)
        assert after["label"] == "A006"

    @pytest.mark.asyncio
    async def test_counter_lost_while_numbers_are_being_taken(
        self, app: FastAPI, qp: QueuePlace, rt: Runtime
    ) -> None:
        key = counter_key(qp.queue.id, local_today().date())

        async def take_then_maybe_lose(n: int) -> str:
            if n % 25 == 0:
                await rt.store.delete(key)
            result = await invoke(
                app, "queue", "take", {"queue_id": qp.queue.id}, citizen(2000 + n)
            )
            assert result.code == "OK", result.message
            label: str = result.data["label"]
            return label

        labels = await asyncio.gather(*(take_then_maybe_lose(n) for n in range(150)))
        assert len(set(labels)) == 150
        rows = await Ticket.filter(queue_id=qp.queue.id).values_list("number", flat=True)
        assert len(set(rows)) == len(rows) == 150
