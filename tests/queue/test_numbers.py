"""Taking numbers: format, one open number per resident, no number ever handed out twice."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from tortoise.exceptions import IntegrityError

from config.runtime import Runtime
from gateway.models import AuditLog
from gateway.schemas import StaffScope
from services.appointments.settings import appointment_settings
from services.queue import repository
from services.queue.models import Lane, Ticket
from services.queue.numbering import counter_key
from services.queue.service import queue as queue_service
from tests.appointments.factories import citizen, invoke, make_place, ok, staff
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


class TestMyNumbers:
    @pytest.mark.asyncio
    async def test_pages_through_my_numbers_in_the_order_taken(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        queues = [qp.queue] + [await make_queue(qp.place, code) for code in "BCD"]
        taken = [await take(app, 1, q.id) for q in queues]
        second = await Ticket.get(id=taken[1]["id"])
        # The third taken at the same instant as the second, on the next page: a tie by id.
        await Ticket.filter(id=taken[2]["id"]).update(taken_at=second.taken_at)
        await take(app, 2, qp.queue.id)  # someone else's
        first = ok(await invoke(app, "queue", "my-numbers", {"limit": 2}, citizen(1)))
        assert len(first["items"]) == 2
        assert first["next_cursor"] is not None
        params = {"limit": 2, "cursor": first["next_cursor"]}
        rest = ok(await invoke(app, "queue", "my-numbers", params, citizen(1)))
        assert rest["next_cursor"] is None
        seen = [t["label"] for t in first["items"] + rest["items"]]
        assert seen == ["A001", "B001", "C001", "D001"]

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, app: FastAPI, qp: QueuePlace) -> None:
        result = await invoke(app, "queue", "my-numbers", {"cursor": "bad!"}, citizen(1))
        assert (result.code, result.status) == ("CURSOR_INVALID", 400)


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


def new_ticket(qp: QueuePlace, number: int) -> repository.TicketRow:
    now = datetime.now(UTC)
    return repository.TicketRow(
        queue_id=qp.queue.id,
        day=local_today().date(),
        number=number,
        label=f"A{number:03d}",
        channel="web",
        queued_at=now,
        taken_at=now,
    )


class TestNumbersWrittenTogether:
    @pytest.mark.asyncio
    async def test_each_concurrent_number_is_told_its_own_place(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        results = [
            r.data
            for r in await asyncio.gather(
                *(
                    invoke(app, "queue", "take", {"queue_id": qp.queue.id}, citizen(3000 + n))
                    for n in range(40)
                )
            )
        ]
        assert sorted(r["ahead"] for r in results) == list(range(40))
        near = queue_service.settings.near_ahead
        rows = {t.id: t for t in await Ticket.filter(queue_id=qp.queue.id)}
        for result in results:
            assert rows[result["id"]].label == result["label"]
            assert rows[result["id"]].near_notified is (result["ahead"] <= near)
        # The place told at once is the place the number holds: nobody came later and went first.
        for result in results:
            assert (await take_place(app, result)) <= result["ahead"]

    @pytest.mark.asyncio
    async def test_a_resident_taking_twice_at_once_fails_nobody_else(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        principals = [citizen(4000 + n) for n in range(30)] + [citizen(4000), citizen(4000)]
        results = await asyncio.gather(
            *(invoke(app, "queue", "take", {"queue_id": qp.queue.id}, p) for p in principals)
        )
        codes = [r.code for r in results]
        assert codes.count("OK") == 30
        assert codes.count("QUEUE_NUMBER_ACTIVE") == 2
        numbers = sorted(int(r.data["label"][1:]) for r in results if r.code == "OK")
        assert len(set(numbers)) == 30
        assert numbers[-1] <= 32  # only the refused takes' numbers are left unused
        assert await Ticket.filter(queue_id=qp.queue.id).count() == 30
        # the failed batch's audit rows went with it: each call is recorded once, as answered
        outcomes = [r.outcome for r in await AuditLog.filter(service="queue", action="take")]
        assert sorted(outcomes) == ["OK"] * 30 + ["QUEUE_NUMBER_ACTIVE"] * 2

    @pytest.mark.asyncio
    async def test_each_number_is_audited_once_before_it_is_answered(
        self, app: FastAPI, qp: QueuePlace
    ) -> None:
        kiosk = staff(StaffScope(hall_id=qp.hall.id), staff_id=70)

        async def issue_then_count(n: int) -> int:
            ok(await invoke(app, "queue", "issue", {"queue_id": qp.queue.id}, kiosk))
            principal = citizen(6000 + n)
            ok(await invoke(app, "queue", "take", {"queue_id": qp.queue.id}, principal))
            return await AuditLog.filter(actor_type="citizen", actor_id=6000 + n).count()

        assert await asyncio.gather(*(issue_then_count(n) for n in range(20))) == [1] * 20
        rows = await AuditLog.filter(service="queue", action__in=["issue", "take"])
        assert len(rows) == 40
        assert {(r.outcome, r.status) for r in rows} == {("OK", 200)}
        assert len({r.client_ip for r in rows}) == 40  # one row per call
        assert sum(r.action == "issue" and r.actor_id == 70 for r in rows) == 20

    @pytest.mark.asyncio
    async def test_a_batch_with_one_bad_row_stores_none_of_them(self, qp: QueuePlace) -> None:
        tickets = [new_ticket(qp, n) for n in (1, 2, 3, 2)]
        with pytest.raises(IntegrityError):
            await repository.insert_tickets(tickets)
        assert await Ticket.filter(queue_id=qp.queue.id).count() == 0

    @pytest.mark.asyncio
    async def test_a_batch_gets_the_ids_of_its_rows(self, qp: QueuePlace) -> None:
        tickets = [new_ticket(qp, n) for n in (3, 1, 2)]
        await repository.insert_tickets(tickets)
        for ticket in tickets:
            stored = await Ticket.get(id=ticket.id)
            assert stored.number == ticket.number
            assert stored.queued_at == ticket.queued_at

    def test_a_rows_defaults_are_the_models(self) -> None:
        fields_map = Ticket._meta.fields_map
        for row_field in dataclasses.fields(repository.TicketRow):
            if row_field.default is dataclasses.MISSING or row_field.name == "id":
                continue
            model_field = fields_map[row_field.name]
            assert model_field.default == row_field.default or (
                model_field.default is None and model_field.null
            ), row_field.name


async def take_place(app: FastAPI, taken: dict[str, object]) -> int:
    ticket = await Ticket.get(id=taken["id"])
    assert ticket.citizen_id is not None
    read = await invoke(
        app, "queue", "my-number", {"ticket_id": ticket.id}, citizen(ticket.citizen_id)
    )
    ahead: int = read.data["ahead"]
    return ahead
