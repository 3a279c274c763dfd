"""Chinese full-text search over the catalogue, in memory, identical on SQLite and PostgreSQL.

Text is cut with jieba (search mode) and into character bigrams, so a query matches whether or
not jieba splits it the way the item name was split. Abbreviations residents type (社保, 医保,
公积金 …) are expanded both ways through a small synonym table.

Ranking, best first: the name equals the query; the name contains the query; the name holds
most of the query's words; the keywords or summary contain the query; they hold most of its
words. Within a tier the query as typed beats its synonyms, then shorter names come first.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# Abbreviation or everyday word -> the words official item names use.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "社保": ("社会保险", "社会保障"),
    "医保": ("医疗保险", "医疗保障"),
    "公积金": ("住房公积金",),
    "户口": ("户籍",),
    "身份证": ("居民身份证",),
    "驾照": ("驾驶证",),
    "房产证": ("不动产权证书", "不动产"),
    "过户": ("转移登记",),
    "出生证": ("出生医学证明",),
    "低保": ("最低生活保障",),
    "残疾证": ("残疾人证",),
    "准生证": ("生育登记",),
    "个税": ("个人所得税",),
    "执照": ("营业执照",),
    "开公司": ("公司设立",),
    "车检": ("机动车检验",),
    "港澳通行证": ("往来港澳通行证",),
    "养老金": ("基本养老金", "养老保险"),
    "网约车": ("网络预约出租汽车",),
    "报销": ("零星报销", "手工报销"),
}

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+")

_TIER_NAME_EXACT = 5000
_TIER_NAME_PHRASE = 4000
_TIER_NAME_WORDS = 3000
_TIER_TEXT_PHRASE = 2000
_TIER_TEXT_WORDS = 1000
_MIN_COVERAGE = 0.5  # share of the query's words a partial match must hold
_SYNONYM_PENALTY = 50  # within a tier, the resident's own spelling ranks above a synonym's


def normalize(text: str) -> str:
    """Lower case without spaces or punctuation: the form phrases are compared in."""
    return _PUNCTUATION.sub("", text.lower())


class _Segmenter:
    """One jieba dictionary per process, loaded on first use (about half a second)."""

    def __init__(self) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._ready = False
        self._lock = threading.Lock()

    def cut(self, text: str) -> list[str]:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self._tokenizer.initialize()
                    for word in (*SYNONYMS, *(w for words in SYNONYMS.values() for w in words)):
                        self._tokenizer.add_word(word)
                    self._ready = True
        return list(self._tokenizer.cut_for_search(text))


_segmenter = _Segmenter()


@lru_cache(maxsize=20_000)
def terms(text: str) -> frozenset[str]:
    """Words (jieba, search mode), character bigrams and single characters of `text`."""
    lowered = text.lower()
    found: set[str] = set(_WORD.findall(lowered))
    for run in _CJK.findall(lowered):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
        found.update(w for w in _segmenter.cut(run) if len(w) > 1)
    return frozenset(found)


def query_terms(phrase: str) -> frozenset[str]:
    """The words a partial match is measured on (single characters only for 1-character queries)."""
    all_terms = terms(phrase)
    if len(phrase) == 1:
        return all_terms
    return frozenset(t for t in all_terms if len(t) > 1)


def variants(query: str) -> tuple[str, ...]:
    """The normalized query and its spellings with abbreviations expanded or contracted."""
    phrase = normalize(query)
    if not phrase:
        return ()
    found = [phrase]
    for short, longs in SYNONYMS.items():
        for long in longs:
            if short in phrase:
                found.append(phrase.replace(short, long))
            if long in phrase:
                found.append(phrase.replace(long, short))
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Document:
    """What is searched of one item: its name, and its keywords and summary."""

    key: str
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class _Indexed:
    key: str
    name: str
    text: str
    name_terms: frozenset[str]
    text_terms: frozenset[str]


class SearchIndex:
    """An inverted index from terms to documents, scored by the tiers in the module docstring."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._docs: list[_Indexed] = []
        self._postings: dict[str, list[int]] = {}
        for document in documents:
            name, text = normalize(document.name), normalize(document.text)
            indexed = _Indexed(document.key, name, text, terms(name), terms(text))
            position = len(self._docs)
            self._docs.append(indexed)
            for term in indexed.name_terms | indexed.text_terms:
                self._postings.setdefault(term, []).append(position)

    def search(self, query: str, allowed: Iterable[str] | None = None) -> list[str]:
        """Keys of the matching documents, best first; only keys in `allowed` when given."""
        permitted = None if allowed is None else set(allowed)
        best: dict[int, float] = {}
        for rank, phrase in enumerate(variants(query)):
            wanted = query_terms(phrase)
            penalty = 0 if rank == 0 else _SYNONYM_PENALTY
            for position in self._candidates(wanted):
                doc = self._docs[position]
                if permitted is not None and doc.key not in permitted:
                    continue
                score = _score(doc, phrase, wanted) - penalty
                if score > best.get(position, 0.0):
                    best[position] = score
        ranked = sorted(best, key=lambda p: (-best[p], len(self._docs[p].name), self._docs[p].key))
        return [self._docs[p].key for p in ranked]

    def _candidates(self, wanted: frozenset[str]) -> set[int]:
        found: set[int] = set()
        for term in wanted:
            found.update(self._postings.get(term, ()))
        return found


def _coverage(wanted: frozenset[str], have: frozenset[str]) -> float:
    total = sum(len(t) for t in wanted)
    return 0.0 if total == 0 else sum(len(t) for t in wanted & have) / total


def _score(doc: _Indexed, phrase: str, wanted: frozenset[str]) -> float:
    if doc.name == phrase:
        return _TIER_NAME_EXACT
    if phrase in doc.name:
        return _TIER_NAME_PHRASE + (100 if doc.name.startswith(phrase) else 0)
    name_share = _coverage(wanted, doc.name_terms)
    if name_share >= _MIN_COVERAGE:
        return _TIER_NAME_WORDS + 100 * name_share
    if phrase in doc.text:
        return _TIER_TEXT_PHRASE
    text_share = _coverage(wanted, doc.text_terms)
    if text_share >= _MIN_COVERAGE:
        return _TIER_TEXT_WORDS + 100 * text_share
    return 0.0
