"""The anonymous catalogue actions over HTTP, on the demo catalogue."""

from __future__ import annotations

import httpx
import pytest

from tests.catalog.helpers import CITY, GULOU, HAICANG, HAIHONG, HULI, SIMING, call, data

pytestmark = pytest.mark.usefixtures("demo")


class TestThemes:
    @pytest.mark.asyncio
    async def test_lists_themes_with_counts_of_items_offered_in_the_region(
        self, client: httpx.AsyncClient
    ) -> None:
        themes = {t["code"]: t for t in await data(client, "themes", {"region": HAICANG})}
        assert len(themes) >= 12
        assert themes["marriage"]["name"] == "婚姻登记"
        marriage = await data(client, "browse", {"region": HAICANG, "theme": "marriage"})
        assert themes["marriage"]["item_count"] == marriage["total"] > 0

    @pytest.mark.asyncio
    async def test_a_region_offering_nothing_counts_zero(self, client: httpx.AsyncClient) -> None:
        themes = await data(client, "themes", {"region": GULOU})
        assert {t["item_count"] for t in themes} == {0}


class TestLifeEventsAndTargetGroups:
    @pytest.mark.asyncio
    async def test_life_events_carry_counts(self, client: httpx.AsyncClient) -> None:
        events = {e["code"]: e for e in await data(client, "life-events", {"region": CITY})}
        assert {"birth", "schooling", "employment", "marriage", "home_buying", "retirement"} <= set(
            events
        )
        assert events["birth"]["name"] == "出生"
        assert events["birth"]["item_count"] >= 4

    @pytest.mark.asyncio
    async def test_fast_lane_groups_are_marked(self, client: httpx.AsyncClient) -> None:
        groups = {g["code"]: g for g in await data(client, "target-groups")}
        fast = {code for code, g in groups.items() if g["fast_lane"]}
        assert fast == {"elderly", "disabled", "minors", "pregnant", "farmers", "hmt"}
        assert not groups["residents"]["fast_lane"]


class TestDepartments:
    @pytest.mark.asyncio
    async def test_a_district_is_served_by_its_own_and_the_city_departments(
        self, client: httpx.AsyncClient
    ) -> None:
        found = {d["code"]: d for d in await data(client, "departments", {"region": HAICANG})}
        assert {d["region_code"] for d in found.values()} == {CITY, HAICANG}
        assert found[f"{HAICANG}-civil_affairs"]["name"] == "海沧区民政局"
        assert found[f"{HAICANG}-civil_affairs"]["item_count"] == 1  # 结婚登记 only
        assert f"{SIMING}-civil_affairs" not in found


class TestBrowse:
    @pytest.mark.asyncio
    async def test_filters_by_theme_life_event_group_and_online_level(
        self, client: httpx.AsyncClient
    ) -> None:
        marriage = await data(client, "browse", {"region": CITY, "life_event": "marriage"})
        assert "MZ001" in {i["code"] for i in marriage["items"]}
        elderly = await data(client, "browse", {"region": CITY, "target_group": "elderly"})
        assert "MZ005" in {i["code"] for i in elderly["items"]}
        online = await data(
            client, "browse", {"region": CITY, "theme": "hukou", "online_level": "fully_online"}
        )
        assert {i["online_level"] for i in online["items"]} == {"fully_online"}
        assert "GA006" in {i["code"] for i in online["items"]}

    @pytest.mark.asyncio
    async def test_by_department_lists_what_it_handles(self, client: httpx.AsyncClient) -> None:
        page = await data(client, "browse", {"department": f"{HAICANG}-public_security"})
        assert [i["code"] for i in page["items"]] == ["GA002"]
        assert page["items"][0]["department"]["name"] == "厦门市公安局海沧分局"

    @pytest.mark.asyncio
    async def test_a_district_shows_its_local_terms(self, client: httpx.AsyncClient) -> None:
        haicang = await data(client, "browse", {"region": HAICANG, "theme": "business"})
        city = await data(client, "browse", {"region": CITY, "theme": "business"})
        local = {i["code"]: i for i in haicang["items"]}
        standard = {i["code"]: i for i in city["items"]}
        assert local["SC001"]["online_level"] == "fully_online"
        assert standard["SC001"]["online_level"] == "one_visit"
        assert "NY001" in local
        assert "NY001" not in standard


class TestPagination:
    @pytest.mark.asyncio
    async def test_pages_cover_every_item_once(self, client: httpx.AsyncClient) -> None:
        first = await data(client, "browse", {"region": CITY, "limit": 7})
        total = first["total"]
        assert total >= 60
        assert len(first["items"]) == 7
        codes = [i["code"] for i in first["items"]]
        cursor = first["next_cursor"]
        while cursor is not None:
            found = await data(client, "browse", {"region": CITY, "limit": 7, "cursor": cursor})
            assert found["total"] == total
            codes += [i["code"] for i in found["items"]]
            cursor = found["next_cursor"]
        assert len(codes) == len(set(codes)) == total

    @pytest.mark.asyncio
    async def test_a_made_up_cursor_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await call(client, "browse", {"region": CITY, "cursor": "eyJvZmZzZXQiOi0xfQ"})
        assert (response.status_code, response.json()["code"]) == (400, "CURSOR_INVALID")

    @pytest.mark.asyncio
    async def test_limit_is_bounded(self, client: httpx.AsyncClient) -> None:
        response = await call(client, "browse", {"limit": 1000})
        assert response.status_code == 422
        assert response.json()["code"] == "VALIDATION_FAILED"


class TestItem:
    @pytest.mark.asyncio
    async def test_detail_of_a_standard_item(self, client: httpx.AsyncClient) -> None:
        item = await data(client, "item", {"code": "BDC01"})
        assert item["name"] == "存量房买卖转移登记"
        assert item["fee_fen"] == 8000
        assert item["implementation"] is None
        shared = {m["shared_code"] for m in item["materials"]}
        assert {"id_card", "property_cert", "purchase_contract"} <= shared
        assert item["steps"]
        assert item["faqs"]
        assert item["themes"][0]["code"] == "real_estate"

    @pytest.mark.asyncio
    async def test_a_district_implementation_overrides_the_city(
        self, client: httpx.AsyncClient
    ) -> None:
        item = await data(client, "item", {"code": "GA002", "region": HAICANG})
        assert item["promised_days"] == 10
        local = item["implementation"]
        assert local["region_code"] == HAICANG
        assert local["department"]["name"] == "厦门市公安局海沧分局"
        assert [h["name"] for h in local["halls"]] == ["海沧区行政服务中心"]

    @pytest.mark.asyncio
    async def test_a_district_without_its_own_falls_back_to_the_city(
        self, client: httpx.AsyncClient
    ) -> None:
        item = await data(client, "item", {"code": "GA002", "region": HULI})
        assert item["promised_days"] == 15
        assert item["implementation"]["region_code"] == CITY
        assert item["implementation"]["department"]["name"] == "厦门市公安局"

    @pytest.mark.asyncio
    async def test_a_community_uses_its_district(self, client: httpx.AsyncClient) -> None:
        item = await data(client, "item", {"code": "MZ001", "region": HAIHONG})
        assert item["implementation"]["region_code"] == HAICANG

    @pytest.mark.asyncio
    async def test_a_region_not_offering_the_item_has_no_implementation(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await data(client, "item", {"code": "GA002", "region": GULOU}))[
            "implementation"
        ] is None
        assert (await data(client, "item", {"code": "NY001", "region": HULI}))[
            "implementation"
        ] is None

    @pytest.mark.asyncio
    async def test_fast_lane_items_are_marked(self, client: httpx.AsyncClient) -> None:
        assert (await data(client, "item", {"code": "MZ005"}))["fast_lane"] is True
        assert (await data(client, "item", {"code": "GA002"}))["fast_lane"] is False


class TestNotFound:
    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        ("action", "params", "code", "zh", "en"),
        [
            (
                "item",
                {"code": "NOPE"},
                "CATALOG_ITEM_NOT_FOUND",
                "未找到事项 NOPE",
                "No service item NOPE",
            ),
            (
                "browse",
                {"theme": "nope"},
                "CATALOG_THEME_NOT_FOUND",
                "未找到主题 nope",
                "No theme nope",
            ),
            (
                "item",
                {"code": "MZ001", "region": "359999"},
                "REGION_NOT_FOUND",
                "未找到行政区划 359999",
                "No region 359999",
            ),
            (
                "browse",
                {"life_event": "nope"},
                "CATALOG_LIFE_EVENT_NOT_FOUND",
                "未找到人生事件 nope",
                "No life event nope",
            ),
            (
                "browse",
                {"target_group": "x"},
                "CATALOG_TARGET_GROUP_NOT_FOUND",
                "未找到服务对象 x",
                "No target group x",
            ),
            (
                "browse",
                {"department": "x"},
                "CATALOG_DEPARTMENT_NOT_FOUND",
                "未找到部门 x",
                "No department x",
            ),
            (
                "regions",
                {"parent": "359999"},
                "REGION_NOT_FOUND",
                "未找到行政区划 359999",
                "No region 359999",
            ),
        ],
    )
    async def test_answers_the_envelope_in_both_languages(
        self,
        client: httpx.AsyncClient,
        action: str,
        params: dict[str, str],
        code: str,
        zh: str,
        en: str,
    ) -> None:
        for lang, message in (("zh-CN", zh), ("en-US,en;q=0.9", en)):
            response = await call(client, action, params, lang=lang)
            assert response.status_code == 404
            body = response.json()
            assert (body["code"], body["message"], body["data"]) == (code, message, None)
            assert body["request_id"] == response.headers["x-request-id"]

    @pytest.mark.asyncio
    async def test_a_malformed_region_code_is_invalid_input(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await call(client, "item", {"code": "MZ001", "region": "xiamen"})
        assert response.status_code == 422
        assert response.json()["data"][0]["field"] == "region"


class TestRegions:
    @pytest.mark.asyncio
    async def test_the_top_is_the_province(self, client: httpx.AsyncClient) -> None:
        top = await data(client, "regions")
        assert [(r["code"], r["name"], r["level"]) for r in top] == [
            ("350000", "福建省", "province")
        ]

    @pytest.mark.asyncio
    async def test_children_of_the_city_are_its_districts(self, client: httpx.AsyncClient) -> None:
        districts = {r["code"]: r for r in await data(client, "regions", {"parent": CITY})}
        assert {SIMING, HAICANG, HULI, "350211"} <= set(districts)
        assert {r["level"] for r in districts.values()} == {"district"}
        assert districts[HAICANG]["has_children"]
        assert not districts["350213"]["has_children"]
        assert districts[HAICANG]["parent_code"] == CITY


class TestHalls:
    @pytest.mark.asyncio
    async def test_halls_of_a_district(self, client: httpx.AsyncClient) -> None:
        halls = await data(client, "halls", {"region": HAICANG})
        assert [h["name"] for h in halls] == ["海沧区行政服务中心"]
        assert halls[0]["region_name"] == "海沧区"
        assert halls[0]["opening_hours"]

    @pytest.mark.asyncio
    async def test_the_city_has_halls_in_several_districts(self, client: httpx.AsyncClient) -> None:
        halls = await data(client, "halls", {"region": CITY})
        assert len({h["region_code"] for h in halls}) >= 3

    @pytest.mark.asyncio
    async def test_a_street_gets_the_halls_of_its_district(self, client: httpx.AsyncClient) -> None:
        halls = await data(client, "halls", {"region": "350203001"})
        assert [h["name"] for h in halls] == ["思明区行政服务中心"]


class TestDiscovery:
    @pytest.mark.asyncio
    async def test_every_action_is_listed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/services")
        catalog = next(s for s in response.json()["data"] if s["code"] == "catalog")
        actions = {a["name"]: a for a in catalog["actions"]}
        assert {
            "themes",
            "life-events",
            "target-groups",
            "departments",
            "browse",
            "search",
            "item",
            "regions",
            "halls",
            "update-implementation",
        } == set(actions)
        assert {a["identity"] for n, a in actions.items() if n != "update-implementation"} == {
            "anonymous"
        }
        assert actions["update-implementation"]["staff_permission"] == "catalog.edit"
        assert actions["update-implementation"]["mutates"] is True
