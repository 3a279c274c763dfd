"""Chinese search: segmentation, synonyms, bigrams, ranking tiers, the indexes and the
rankings kept per snapshot."""

from __future__ import annotations

import json
import random
from pathlib import Path

import httpx
import pytest

from bench.search import variant_code, variant_name
from services.catalog import demo_data
from services.catalog.schemas import SearchParams
from services.catalog.search import Document, ResultCache, SearchIndex, terms, variants
from services.catalog.service import catalog
from tests.catalog.helpers import CITY, GULOU, HAICANG, SIMING, data

# The demo catalogue's rankings (item codes, best first, every region) for 1,774 queries without
# spaces or punctuation (item names, keywords, synonyms, facets, their 1- to 4-character
# pieces), as the search answered them before it was indexed.
BEFORE = {
    query: codes.split()
    for query, codes in json.loads(
        (Path(__file__).parent / "demo_rankings.json").read_text()
    ).items()
}
# Queries whose answer held an item only through a character pair spanning two keywords or a
# punctuation mark (补结婚证 补离婚证 → 证补, 开公司 注册公司 → 司注): no bigram spans them now.
SPANNING = {
    "份证办",
    "份证办理",
    "份证补",
    "份证补领",
    "公司注销",
    "待证办",
    "待证办理",
    "种证办",
    "种证办理",
    "证办理",
    "金个人",
    "金个人住",
    "驶证补",
    "驶证补领",
}


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
        assert variants(" 社保 ")[:2] == (("社保",), ("社会保险",))
        assert variants("，。") == ()

    def test_an_abbreviation_is_expanded_in_its_own_segment(self) -> None:
        assert ("社会保险", "转移") in variants("社保 转移")


class TestSegments:
    def test_no_bigram_spans_a_space_or_punctuation(self) -> None:
        assert "生登" not in terms("出生 登记")
        assert "生登" not in terms("出生，登记")
        assert "生登" in terms("出生登记")

    def test_words_typed_apart_find_an_item_holding_each_in_name_or_text(self) -> None:
        built = index(
            ("job", "就业登记", "找工作"),
            ("birth", "新生儿入户登记", "上户口 出生一件事"),
            ("other", "护照签发", "出国"),
        )
        assert built.search("出生 登记") == ["birth", "job"]
        assert built.search("出生，登记") == ["birth", "job"]
        # typed together they are one phrase: the pair 生登 is one of its words
        assert built.search("出生登记") == []

    def test_a_pair_spanning_two_keywords_is_no_word_of_the_item(self) -> None:
        built = index(("company", "有限责任公司设立登记", "开公司 注册公司"))
        assert built.search("公司注销") == []
        assert built.search("注册公司") == ["company"]

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_birth_registration_with_a_space_finds_the_newborn_item_first(
        self, client: httpx.AsyncClient
    ) -> None:
        for query in ("出生 登记", "出生，登记"):
            found = await data(client, "search", {"q": query, "region": SIMING})
            assert found["items"][0]["name"] == "新生儿入户登记", query


def scaled_documents(scale: int) -> list[Document]:
    """The demo items and their variants as `python -m bench.search --scale` grows them."""
    return [
        Document(variant_code(i.code, n), variant_name(i.name, n), f"{i.keywords} {i.summary}")
        for n in range(scale)
        for i in demo_data.ITEMS
    ]


class TestIndexes:
    """The indexes only choose which documents to score: the answers are those of scoring
    every document, and on the demo catalogue those of the search before it was indexed."""

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_demo_rankings_are_those_before_the_index(self) -> None:
        current = await catalog.cache.current()
        changed = {}
        for query, before in BEFORE.items():
            page = current.search(SearchParams(q=query, limit=100))
            now = [item.code for item in page.items]
            if query in SPANNING:
                # only matches through a spanning pair are gone (or fall to a lower tier)
                assert now != before, query
                assert set(now) <= set(before), query
            elif now != before:
                changed[query] = (before, now)
        assert changed == {}

    @pytest.mark.parametrize("scale", [1, 10])
    def test_the_indexes_answer_as_scoring_every_document(self, scale: int) -> None:
        documents = scaled_documents(scale)
        built = SearchIndex(documents)
        rng = random.Random(16)
        words = rng.sample(sorted(BEFORE), 150)
        queries = [
            *words,
            *(f"{a} {b}" for a, b in zip(words[:50], words[50:100], strict=True)),
            *("户口", "社保 转移", "出生", "出生 登记", "港澳台居民", "跨省通办", "补办", "a"),
        ]
        allowed = {d.key for d in documents if rng.random() < 0.3}
        for query in queries:
            everything = built.scan(query)
            assert built.search(query) == everything, query
            assert built.search(query, allowed) == [k for k in everything if k in allowed], query
        assert sum(1 for q in queries if built.scan(q)) > len(queries) / 2


class TestKeptRankings:
    def test_the_least_recently_used_goes_first(self) -> None:
        kept: ResultCache[str] = ResultCache(entries=2, results=100)
        kept.put("a", "A", 1)
        kept.put("b", "B", 1)
        assert kept.get("a") == "A"
        kept.put("c", "C", 1)
        assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")
        assert len(kept) == 2

    def test_the_results_held_together_are_bounded(self) -> None:
        kept: ResultCache[str] = ResultCache(entries=10, results=5)
        kept.put("a", "A", 3)
        kept.put("b", "B", 2)
        kept.put("c", "C", 1)
        assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, "B", "C")
        kept.put("big", "BIG", 6)
        assert kept.get("big") is None
        kept.put("b", "B2", 4)  # replacing an entry counts its new size only
        assert (kept.get("b"), kept.get("c")) == ("B2", "C")

    @pytest.mark.usefixtures("demo")
    @pytest.mark.asyncio
    async def test_one_ranking_per_query_words_and_region(self) -> None:
        current = await catalog.cache.current()
        assert len(current.search_results) == 0
        first = current.search(SearchParams(q="出生 登记", limit=2))
        for params in (
            SearchParams(q="出生 登记", limit=2, cursor=first.next_cursor),
            SearchParams(q="出生，登记", limit=5),
            SearchParams(q=" 出生  登记 "),
        ):
            current.search(params)
        assert len(current.search_results) == 1
        together = current.search(SearchParams(q="出生登记"))
        in_region = current.search(SearchParams(q="出生 登记", region=SIMING))
        assert len(current.search_results) == 3
        assert together.total == 0
        assert 0 < in_region.total <= first.total


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
