"""One timeline: a resident's applications and requests (and appointments and payments) in one
list, the newest first, paged across the sources, never another resident's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.applications.conftest import forms, resident
from tests.as_resident import invoke_as_resident, ok
from tests.consultations.test_consultations import QUESTION

__all__ = ["forms"]


async def mine(app: FastAPI, citizen_id: int, locale: str = "zh-CN", **params: Any) -> Any:
    return ok(await invoke_as_resident(app, "timeline", "mine", params, citizen_id, locale=locale))


async def act(app: FastAPI, service: str, action: str, params: dict[str, Any], who: int) -> Any:
    return ok(await invoke_as_resident(app, service, action, params, who))


class TestTimeline:
    @pytest.mark.asyncio
    async def test_every_kind_in_one_list_latest_first_paged(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        draft = await act(app, "applications", "start", {"item_code": "WS002"}, citizen)
        case = await act(app, "consultations", "submit", QUESTION, citizen)

        page = await mine(app, citizen)
        assert [(e["kind"], e["reference"]) for e in page["items"]] == [
            ("consultation", case["case_no"]),
            ("application", draft["application_no"]),
        ]
        assert page["next_cursor"] is None
        first, second = page["items"]
        assert first["state_name"] == "待答复"
        assert first["kind_name"] == "诉求"
        assert first["page"] == f"pages/consultations/detail?no={case['case_no']}"
        assert second["state_name"] == "草稿"
        assert second["page"] == f"pages/applications/detail?no={draft['application_no']}"

        # Each entry shows its current state; pages of one follow each other without a repeat.
        withdraw = {"application_no": draft["application_no"]}
        await act(app, "applications", "withdraw", withdraw, citizen)
        one = await mine(app, citizen, limit=1)
        assert [e["reference"] for e in one["items"]] == [case["case_no"]]
        two = await mine(app, citizen, limit=1, cursor=one["next_cursor"])
        assert [e["reference"] for e in two["items"]] == [draft["application_no"]]
        assert two["items"][0]["state"] == "withdrawn"
        assert two["next_cursor"] is None

    @pytest.mark.asyncio
    async def test_another_residents_matters_never_show(self, app: FastAPI, forms: None) -> None:
        owner, other = await resident(), await resident("13700137001")
        await act(app, "consultations", "submit", QUESTION, owner)
        assert (await mine(app, other))["items"] == []
        assert (await mine(app, owner, locale="en"))["items"][0]["kind_name"] == "Request"
