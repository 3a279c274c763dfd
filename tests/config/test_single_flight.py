"""One drain of a consumer per process at a time, and nothing left behind by a skipped call."""

from __future__ import annotations

import asyncio

import pytest

from config.jobs import SingleFlight


class TestSingleFlight:
    @pytest.mark.asyncio
    async def test_calls_during_a_run_become_one_more_pass_of_that_run(self) -> None:
        flight = SingleFlight()
        passes = 0
        running = 0
        most_at_once = 0
        release = asyncio.Event()

        async def drain() -> int:
            nonlocal passes, running, most_at_once
            running += 1
            most_at_once = max(most_at_once, running)
            passes += 1
            if passes == 1:
                await release.wait()
            running -= 1
            return 1

        first = asyncio.create_task(flight.run(drain))
        await asyncio.sleep(0)
        skipped = [await flight.run(drain) for _ in range(3)]  # all while the first pass waits
        release.set()
        assert await first == 2  # the three calls asked for one more pass, not three
        assert skipped == [0, 0, 0]
        assert (passes, most_at_once) == (2, 1)

    @pytest.mark.asyncio
    async def test_a_failing_drain_does_not_block_later_runs(self) -> None:
        flight = SingleFlight()

        async def broken() -> int:
            raise RuntimeError("database away")

        async def fine() -> int:
            return 3

        with pytest.raises(RuntimeError):
            await flight.run(broken)
        assert await flight.run(fine) == 3
