"""`catalog.update-implementation`: staff in scope edit a region's terms; residents see them."""

from __future__ import annotations

import httpx
import pytest

from gateway.schemas import StaffScope
from gateway.service import Gateway
from services.catalog.models import Department, Hall
from tests.catalog.helpers import CITY, HAICANG, HULI, SIMING, data, edit, staff

pytestmark = pytest.mark.usefixtures("demo")

CITY_EDITOR = staff(StaffScope(region_code=CITY))


class TestEdit:
    @pytest.mark.asyncio
    async def test_changes_what_residents_see_at_once(
        self, gateway: Gateway, client: httpx.AsyncClient
    ) -> None:
        before = await data(client, "item", {"code": "MZ001", "region": HAICANG})
        result = await edit(
            gateway,
            CITY_EDITOR,
            item="MZ001",
            region=HAICANG,
            fee_fen=0,
            online_level="one_visit",
            notes="周末可预约",
        )
        assert result.ok, result
        assert result.data["online_level"] == "one_visit"
        after = await data(client, "item", {"code": "MZ001", "region": HAICANG})
        assert before["online_level"] == "counter"
        assert (after["online_level"], after["implementation"]["notes"]) == (
            "one_visit",
            "周末可预约",
        )
        themes = await data(client, "browse", {"region": HAICANG, "online_level": "one_visit"})
        assert "MZ001" in {i["code"] for i in themes["items"]}

    @pytest.mark.asyncio
    async def test_fields_left_out_are_kept_and_null_restores_the_standard(
        self, gateway: Gateway, client: httpx.AsyncClient
    ) -> None:
        assert (await edit(gateway, CITY_EDITOR, item="GA002", region=HAICANG, fee_fen=500)).ok
        item = await data(client, "item", {"code": "GA002", "region": HAICANG})
        assert (item["fee_fen"], item["promised_days"]) == (500, 10)
        assert (await edit(gateway, CITY_EDITOR, item="GA002", region=HAICANG, fee_fen=None)).ok
        item = await data(client, "item", {"code": "GA002", "region": HAICANG})
        assert (item["fee_fen"], item["promised_days"]) == (2000, 10)

    @pytest.mark.asyncio
    async def test_the_city_edit_reaches_districts_without_their_own(
        self, gateway: Gateway, client: httpx.AsyncClient
    ) -> None:
        assert (await edit(gateway, CITY_EDITOR, item="GA002", region=CITY, promised_days=12)).ok
        assert (await data(client, "item", {"code": "GA002", "region": HULI}))[
            "promised_days"
        ] == 12
        assert (await data(client, "item", {"code": "GA002", "region": HAICANG}))[
            "promised_days"
        ] == 10


class TestScope:
    @pytest.mark.asyncio
    async def test_another_district_is_out_of_scope(
        self, gateway: Gateway, client: httpx.AsyncClient
    ) -> None:
        result = await edit(
            gateway, staff(StaffScope(region_code=SIMING)), item="MZ001", region=HAICANG, notes="x"
        )
        assert (result.status, result.code) == (403, "OUT_OF_SCOPE")
        item = await data(client, "item", {"code": "MZ001", "region": HAICANG})
        assert item["implementation"]["notes"] != "x"

    @pytest.mark.asyncio
    async def test_a_district_cannot_edit_the_city(self, gateway: Gateway) -> None:
        result = await edit(
            gateway, staff(StaffScope(region_code=HAICANG)), item="GA002", region=CITY, notes="x"
        )
        assert result.code == "OUT_OF_SCOPE"

    @pytest.mark.asyncio
    async def test_a_department_scope_covers_its_own_implementations_only(
        self, gateway: Gateway
    ) -> None:
        civil = await Department.get(code=f"{HAICANG}-civil_affairs")
        editor = staff(StaffScope(region_code=HAICANG, department_id=civil.id))
        assert (await edit(gateway, editor, item="MZ001", region=HAICANG, notes="ok")).ok
        refused = await edit(gateway, editor, item="GA002", region=HAICANG, notes="x")
        assert refused.code == "OUT_OF_SCOPE"

    @pytest.mark.asyncio
    async def test_a_hall_scope_covers_what_the_hall_handles(self, gateway: Gateway) -> None:
        haicang_hall = await Hall.get(code="350205-center")
        simin_hall = await Hall.get(code="350203-center")
        assert (
            await edit(
                gateway,
                staff(StaffScope(hall_id=haicang_hall.id)),
                item="MZ001",
                region=HAICANG,
                notes="ok",
            )
        ).ok
        refused = await edit(
            gateway,
            staff(StaffScope(hall_id=simin_hall.id)),
            item="MZ001",
            region=HAICANG,
            notes="x",
        )
        assert refused.code == "OUT_OF_SCOPE"

    @pytest.mark.asyncio
    async def test_residents_and_staff_without_the_permission_are_refused(
        self, gateway: Gateway
    ) -> None:
        anonymous = await edit(gateway, None, item="MZ001", region=HAICANG, notes="x")
        assert anonymous.code == "LOGIN_REQUIRED"
        reader = staff(StaffScope(region_code=CITY), permissions=frozenset({"queue.call"}))
        assert (
            await edit(gateway, reader, item="MZ001", region=HAICANG)
        ).code == "PERMISSION_DENIED"


class TestRefusals:
    @pytest.mark.asyncio
    async def test_a_region_without_its_own_implementation(self, gateway: Gateway) -> None:
        result = await edit(gateway, CITY_EDITOR, item="MZ001", region=HULI, notes="x")
        assert (result.status, result.code) == (404, "CATALOG_NOT_IMPLEMENTED")
        assert result.message == f"行政区划 {HULI} 未设置事项 MZ001 的实施清单"

    @pytest.mark.asyncio
    async def test_unknown_item_and_region(self, gateway: Gateway) -> None:
        assert (await edit(gateway, CITY_EDITOR, item="NOPE", region=HAICANG)).code == (
            "CATALOG_ITEM_NOT_FOUND"
        )
        assert (await edit(gateway, CITY_EDITOR, item="MZ001", region="359999")).code == (
            "REGION_NOT_FOUND"
        )

    @pytest.mark.asyncio
    async def test_a_promise_beyond_the_legal_limit(self, gateway: Gateway) -> None:
        result = await edit(gateway, CITY_EDITOR, item="MZ001", region=HAICANG, promised_days=5)
        assert (result.status, result.code) == (422, "CATALOG_PROMISE_EXCEEDS_LEGAL")

    @pytest.mark.asyncio
    async def test_a_negative_fee_is_invalid(self, gateway: Gateway) -> None:
        result = await edit(gateway, CITY_EDITOR, item="MZ001", region=HAICANG, fee_fen=-1)
        assert result.code == "VALIDATION_FAILED"
