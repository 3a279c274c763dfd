"""Chinese search: segmentation, synonyms, bigrams and ranking tiers."""

from __future__ import annotations

import httpx
import pytest

from services.catalog.search import Document, SearchIndex, variants
from tests.catalog.helpers import CITY, GULOU, HAICANG, data


def index(*docs: tuple[str, str, str]) -> SearchIndex:
    return SearchIndex(Document(key, name, text) for key, name, text in docs)


class TestRanking:
    def test_exact_name_then_name_phrase_then_description(self) -> None:
        found = index(
            ("phrase", "内地居民结婚登记", ""),
            ("text", "户口迁移", "因结婚登记投靠配偶"),
            ("exact", "结婚登记", ""),
            ("other", "护照签发", "出国"),
        ).search("结婚登记")
        assert found == ["exact", "phrase", "text"]

    def test_the_whole_phrase_ranks_above_a_partial_match(self) -> None:
        found = index(
            ("partial", "参保人员社会保险关系转移", ""),
            ("phrase", "社会保险参保登记", ""),
        ).search("社会保险参保")
        assert found == ["phrase", "partial"]

    def test_a_name_match_ranks_above_a_keyword_match(self) -> None:
        found = index(
            ("keyword", "最低生活保障申请", "身份证 低保"),
            ("name", "居民身份证补领", ""),
        ).search("身份证")
        assert found == ["name", "keyword"]

    def test_words_not_adjacent_in_the_name_still_match(self) -> None:
        assert index(("a", "住房公积金提取（购房）", "")).search("公积金 购房") == ["a"]

    def test_too_little_in_common_is_no_match(self) -> None:
        assert index(("a", "失业保险金申领", "")).search("社会保险参保登记") == []

    def test_allowed_keys_restrict_the_results(self) -> None:
        built = index(("a", "结婚登记", ""), ("b", "补领结婚证", ""))
        assert built.search("结婚", allowed={"b"}) == ["b"]


class TestSynonyms:
    def test_an_abbreviation_finds_the_official_words(self) -> None:
        assert index(("a", "社会保险参保登记", "")).search("社保") == ["a"]
        assert index(("a", "住房公积金提取", "")).search("公积金") == ["a"]
        assert index(("a", "户籍证明开具", "")).search("户口证明") == ["a"]

    def test_official_words_find_the_abbreviation(self) -> None:
        assert index(("a", "医保卡挂失", "")).search("医疗保险") == ["a"]

    def test_variants_keep_the_typed_query_first(self) -> None:
        assert variants(" 社保 ")[:2] == ("社保", "社会保险")
        assert variants("，。") == ()


class TestSearchAction:
    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_marriage_finds_marriage_registration_first(
        self, client: httpx.AsyncClient
    ) -> None:
        names = [i["name"] for i in (await data(client, "search", {"q": "结婚"}))["items"]]
        assert names[0] == "内地居民结婚登记"
        assert names.index("涉港澳台居民结婚登记") < names.index("户口迁移（市内迁移）")

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_social_security_finds_social_insurance_items(
        self, client: httpx.AsyncClient
    ) -> None:
        names = [i["name"] for i in (await data(client, "search", {"q": "社保"}))["items"]]
        assert "社会保险参保登记（个人）" in names
        # 有限责任公司设立登记 mentions 社保 in its summary only: below every name match
        assert names.index("社会保险参保登记（个人）") < names.index("有限责任公司设立登记")

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_id_card_finds_resident_id_card_items(self, client: httpx.AsyncClient) -> None:
        names = [i["name"] for i in (await data(client, "search", {"q": "身份证"}))["items"]]
        assert set(names[:4]) == {
            "居民身份证首次申领",
            "居民身份证换领",
            "居民身份证补领",
            "临时居民身份证办理",
        }

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_results_are_those_offered_in_the_region(self, client: httpx.AsyncClient) -> None:
        assert (await data(client, "search", {"q": "捕捞", "region": CITY}))["total"] == 0
        assert (await data(client, "search", {"q": "捕捞", "region": HAICANG}))["total"] == 1
        assert (await data(client, "search", {"q": "结婚", "region": GULOU}))["total"] == 0

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_results_are_paginated(self, client: httpx.AsyncClient) -> None:
        everything = await data(client, "search", {"q": "登记"})
        first = await data(client, "search", {"q": "登记", "limit": 3})
        second = await data(
            client, "search", {"q": "登记", "limit": 3, "cursor": first["next_cursor"]}
        )
        assert everything["total"] > 6
        assert second["total"] == everything["total"]
        assert second["items"] == everything["items"][3:6]

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_an_empty_query_is_invalid(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/v1/services/catalog/search", json={"q": "  "})
        assert response.status_code == 422
