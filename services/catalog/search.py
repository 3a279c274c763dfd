"""Chinese full-text search over the catalogue, in memory, identical on SQLite and PostgreSQL.

Text is cut into segments at spaces and punctuation, and each segment with jieba (search mode)
and into character bigrams, so a query matches whether or not jieba splits it the way the item
name was split, and a bigram never spans a separator. Abbreviations residents type (社保, 医保,
公积金 …) are expanded both ways through a small synonym table.

Ranking, best first: the name equals the query; the name contains the query; the name holds
at least half of the query's words (by characters); the keywords or summary contain the query;
they hold at least half of its words. The query is compared whole with its separators left
out ("出生 登记" as 出生登记), its words segment by segment. Within a tier, for words typed
apart, the items holding some of each (in the name or the text) come first; the query as typed
beats its synonyms, more of its words beat fewer; then shorter names come first.

`SearchIndex` scores only the documents that can match: those holding the rarest character
pair of the query (through an index of the pairs of the normalized texts) and those holding
one of its rarer words (through the term postings; the commonest words, which together weigh
less than the coverage threshold, are skipped, since a document holding only those cannot
reach it). Every other document would score 0; `scan`, scoring every document, is the
reference the tests hold the indexes to.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Container, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import jieba

jieba.setLogLevel(logging.WARNING)

V = TypeVar("V")

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
_EVERY_PART_BONUS = 200  # within a tier: a word of each segment beats more of one segment


def segments(text: str) -> tuple[str, ...]:
    """The lower-cased runs of `text` between spaces and punctuation."""
    return tuple(part for part in _PUNCTUATION.split(text.lower()) if part)


def normalize(text: str) -> str:
    """Lower case without spaces or punctuation: the form phrases are compared in."""
    return "".join(segments(text))


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
def _segment_terms(segment: str) -> frozenset[str]:
    """Words (jieba, search mode), character bigrams and single characters of one segment."""
    found: set[str] = set(_WORD.findall(segment))
    for run in _CJK.findall(segment):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
        found.update(w for w in _segmenter.cut(run) if len(w) > 1)
    return frozenset(found)


def terms(text: str) -> frozenset[str]:
    """The terms of every segment of `text`: none spans a space or punctuation."""
    return frozenset().union(*map(_segment_terms, segments(text)))


def _part_terms(part: str) -> frozenset[str]:
    """The words of two or more characters of a query segment; a 1-character segment itself."""
    words = _segment_terms(part)
    return words if len(part) == 1 else frozenset(w for w in words if len(w) > 1)


def query_terms(parts: tuple[str, ...]) -> frozenset[str]:
    """The words a partial match is measured on, of every segment of the query."""
    return frozenset().union(*map(_part_terms, parts))


def variants(query: str) -> tuple[tuple[str, ...], ...]:
    """The query's segments, then its spellings with one abbreviation expanded or contracted."""
    parts = segments(query)
    if not parts:
        return ()
    found = [parts]
    for short, longs in SYNONYMS.items():
        for long in longs:
            if any(short in part for part in parts):
                found.append(tuple(part.replace(short, long) for part in parts))
            if any(long in part for part in parts):
                found.append(tuple(part.replace(long, short) for part in parts))
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


@dataclass(frozen=True, slots=True)
class _Spelling:
    """One variant of a query: the phrase names are compared with, and its words."""

    phrase: str
    wanted: frozenset[str]
    weight: int  # the characters of all its words: what coverage is a share of
    # With two or more segments, the words of each: a partial match holding some of every one
    # ranks above the others of its tier.
    parts: tuple[frozenset[str], ...]

    @staticmethod
    def of(parts: tuple[str, ...]) -> _Spelling:
        wanted = query_terms(parts)
        each = tuple(w for w in map(_part_terms, parts) if w) if len(parts) > 1 else ()
        return _Spelling("".join(parts), wanted, sum(map(len, wanted)), each)


def _grams(text: str) -> set[str]:
    """The characters and pairs of adjacent characters of a normalized text."""
    found = set(text)
    found.update(text[i : i + 2] for i in range(len(text) - 1))
    return found


class SearchIndex:
    """Inverted indexes from terms and from character pairs to documents, scored by the tiers
    in the module docstring."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._docs: list[_Indexed] = []
        postings: dict[str, list[int]] = {}
        grams: dict[str, list[int]] = {}
        for document in documents:
            name, text = normalize(document.name), normalize(document.text)
            indexed = _Indexed(document.key, name, text, terms(document.name), terms(document.text))
            position = len(self._docs)
            self._docs.append(indexed)
            for term in indexed.name_terms | indexed.text_terms:
                postings.setdefault(term, []).append(position)
            for gram in _grams(name) | _grams(text):
                grams.setdefault(gram, []).append(position)
        self._postings = {term: tuple(found) for term, found in postings.items()}
        self._grams = {gram: tuple(found) for gram, found in grams.items()}

    def search(self, query: str, allowed: Container[str] | None = None) -> list[str]:
        """Keys of the matching documents, best first; only keys in `allowed` when given."""
        return self._ranked(query, allowed, self._candidates)

    def scan(self, query: str) -> list[str]:
        """`search` scoring every document: what the indexes must answer the same as."""
        return self._ranked(query, None, lambda _: range(len(self._docs)))

    def _ranked(
        self,
        query: str,
        allowed: Container[str] | None,
        candidates: Callable[[_Spelling], Iterable[int]],
    ) -> list[str]:
        best: dict[int, float] = {}
        for rank, parts in enumerate(variants(query)):
            spelling = _Spelling.of(parts)
            penalty = 0 if rank == 0 else _SYNONYM_PENALTY
            for position in candidates(spelling):
                doc = self._docs[position]
                if allowed is not None and doc.key not in allowed:
                    continue
                score = _score(doc, spelling) - penalty
                if score > best.get(position, 0.0):
                    best[position] = score
        ranked = sorted(best, key=lambda p: (-best[p], len(self._docs[p].name), self._docs[p].key))
        return [self._docs[p].key for p in ranked]

    def _candidates(self, spelling: _Spelling) -> set[int]:
        """The documents that may score above 0. Any other neither contains the phrase (it
        lacks one of its character pairs) nor can hold enough of its words to reach the
        coverage threshold (it holds none of the rarer ones)."""
        found = set(self._holding(spelling.phrase))
        found.update(self._sharing(spelling))
        return found

    def _holding(self, phrase: str) -> tuple[int, ...]:
        """Documents holding the rarest character pair of the phrase (its character when it
        has one): a superset of those whose name or text contains it."""
        pairs = {phrase[i : i + 2] for i in range(len(phrase) - 1)} or {phrase}
        return min((self._grams.get(g, ()) for g in pairs), key=len, default=())

    def _sharing(self, spelling: _Spelling) -> set[int]:
        """Documents holding one of the query's rarer words. The commonest words are left out
        while together they weigh less than the coverage threshold: a document holding none
        of the others cannot reach it, in its name or its text."""
        by_frequency = sorted(spelling.wanted, key=lambda t: (-len(self._postings.get(t, ())), t))
        left_out = 0
        found: set[int] = set()
        for term in by_frequency:
            if left_out + len(term) < _MIN_COVERAGE * spelling.weight:
                left_out += len(term)
                continue
            found.update(self._postings.get(term, ()))
        return found


def _every_part_bonus(doc: _Indexed, spelling: _Spelling) -> int:
    """For a query of several segments, when the name or text holds a word of each ("出生 登记":
    新生儿入户登记 has 登记 in its name and 出生 in its summary)."""
    if not spelling.parts:
        return 0
    every = all(
        not words.isdisjoint(doc.name_terms) or not words.isdisjoint(doc.text_terms)
        for words in spelling.parts
    )
    return _EVERY_PART_BONUS if every else 0


def _coverage(spelling: _Spelling, have: frozenset[str]) -> float:
    total = spelling.weight
    return 0.0 if total == 0 else sum(map(len, spelling.wanted & have)) / total


def _score(doc: _Indexed, spelling: _Spelling) -> float:
    phrase = spelling.phrase
    if doc.name == phrase:
        return _TIER_NAME_EXACT
    if phrase in doc.name:
        return _TIER_NAME_PHRASE + (100 if doc.name.startswith(phrase) else 0)
    name_share = _coverage(spelling, doc.name_terms)
    if name_share >= _MIN_COVERAGE:
        return _TIER_NAME_WORDS + 100 * name_share + _every_part_bonus(doc, spelling)
    if phrase in doc.text:
        return _TIER_TEXT_PHRASE
    text_share = _coverage(spelling, doc.text_terms)
    if text_share >= _MIN_COVERAGE:
        return _TIER_TEXT_WORDS + 100 * text_share + _every_part_bonus(doc, spelling)
    return 0.0


class ResultCache(Generic[V]):
    """The answers of the latest distinct searches, least recently used dropped first: at most
    `entries` of them, holding at most `results` results together (an answer larger than that
    is not kept). One per catalogue snapshot, so it goes with the snapshot it was filled from."""

    def __init__(self, entries: int, results: int) -> None:
        self._entries = entries
        self._results = results
        self._held: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._held.get(key)
            if found is None:
                return None
            self._held.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keeps `value`, counting as `size` results."""
        if size > self._results:
            return
        with self._lock:
            replaced = self._held.pop(key, None)
            if replaced is not None:
                self._size -= replaced[1]
            self._held[key] = (value, size)
            self._size += size
            while len(self._held) > self._entries or self._size > self._results:
                _, (_, dropped) = self._held.popitem(last=False)
                self._size -= dropped
