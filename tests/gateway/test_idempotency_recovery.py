"""Idempotency across crashes: the claim is marked applied in the action's own transaction, so
a request that died after committing is never run again (its retry is told the answer was
lost), while one that died before committing is taken over by its retry once stale. Keys are
purged after their time to live."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest

from gateway.models import IdempotencyRecord
from gateway.tasks import purge_idempotency_records
from tests.gateway.conftest import Calls, bearer
from tests.gateway.test_pipeline import URL, assert_envelope

HEADERS = bearer("citizen-1")


def fingerprint(params: dict[str, object]) -> str:
    return hashlib.sha256(orjson.dumps(params, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def age(key: str, seconds: int) -> None:
    await IdempotencyRecord.filter(key=key).update(
        claimed_at=datetime.now(UTC) - timedelta(seconds=seconds)
    )


class TestCrashes:
    @pytest.mark.asyncio
    async def test_died_after_commit_is_never_run_again(
        self, demo: httpx.AsyncClient, calls: Calls
    ) -> None:
        headers = {**HEADERS, "Idempotency-Key": "after-commit"}
        died = await demo.post(f"{URL}/commit", json={"text": "crash"}, headers=headers)
        assert died.status_code == 500
        record = await IdempotencyRecord.get(key="after-commit")
        assert record.applied
        assert not record.completed
        soon = await demo.post(f"{URL}/commit", json={"text": "crash"}, headers=headers)
        assert_envelope(soon, 409, "IDEMPOTENCY_IN_PROGRESS")
        await age("after-commit", 600)
        later = await demo.post(f"{URL}/commit", json={"text": "crash"}, headers=headers)
        body = assert_envelope(later, 409, "IDEMPOTENCY_ANSWER_LOST")
        assert body["message"]
        assert calls.count == 1

    @pytest.mark.asyncio
    async def test_died_before_commit_is_taken_over_once_stale(
        self, demo: httpx.AsyncClient, calls: Calls
    ) -> None:
        learn = {**HEADERS, "Idempotency-Key": "learn-scope"}
        await demo.post(f"{URL}/commit", json={"text": "a"}, headers=learn)
        scope = (await IdempotencyRecord.get(key="learn-scope")).scope
        # What a killed request leaves: a claim, nothing applied, nothing answered.
        await IdempotencyRecord.create(
            scope=scope,
            key="killed",
            fingerprint=fingerprint({"text": "b"}),
            claimed_at=datetime.now(UTC),
        )
        headers = {**HEADERS, "Idempotency-Key": "killed"}
        waiting = await demo.post(f"{URL}/commit", json={"text": "b"}, headers=headers)
        assert_envelope(waiting, 409, "IDEMPOTENCY_IN_PROGRESS")
        await age("killed", 600)
        taken = await demo.post(f"{URL}/commit", json={"text": "b"}, headers=headers)
        assert assert_envelope(taken, 200, "OK")["data"] == {"text": "b#2"}
        again = await demo.post(f"{URL}/commit", json={"text": "b"}, headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert calls.count == 2


class TestTimeToLive:
    @pytest.mark.asyncio
    async def test_old_keys_are_purged_and_a_purged_key_is_new_again(
        self, demo: httpx.AsyncClient, calls: Calls
    ) -> None:
        headers = {**HEADERS, "Idempotency-Key": "old"}
        await demo.post(f"{URL}/commit", json={"text": "a"}, headers=headers)
        assert await purge_idempotency_records() == 0
        later = datetime.now(UTC) + timedelta(days=2)
        assert await purge_idempotency_records(later) == 1
        fresh = await demo.post(f"{URL}/commit", json={"text": "a"}, headers=headers)
        assert fresh.headers.get("idempotent-replayed") != "true"
        assert calls.count == 2
