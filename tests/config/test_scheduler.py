"""Periodic jobs are found from their `schedule` labels, and the loop runs beside the app."""

from __future__ import annotations

import asyncio

import pytest

from config import scheduler


class TestPeriodicJobs:
    def test_every_sweep_is_scheduled(self) -> None:
        jobs = scheduler.periodic_jobs()
        assert "payments.expire_orders" in jobs
        assert "payments.sweep_outbox" in jobs
        assert "appointments.mark_no_shows" in jobs
        assert jobs["consultations.close_answered"] == ["* * * * *"]
        for crons in jobs.values():
            assert all(len(cron.split()) == 5 for cron in crons)

    @pytest.mark.asyncio
    async def test_in_process_loop_starts_and_stops(self) -> None:
        async with scheduler.in_process():
            await asyncio.sleep(0.05)
            running = [t for t in asyncio.all_tasks() if t.get_name() == "govhub-scheduler"]
            assert len(running) == 1
            assert not running[0].done()
        assert all(t.get_name() != "govhub-scheduler" or t.done() for t in asyncio.all_tasks())
