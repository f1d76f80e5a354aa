"""Scoring every pair of documents of one item (a file, or a text question) and locating
the regions they share.

A pair's score is the share of the smaller document's distinctive fingerprints that the
other holds too (containment, as MOSS reports it): a copy padded with dead code still
scores high, and the score is in [0, 1]. Distinctive means: not in the excluded set (the
starter code and the reference solution) and not shared by more than ``common_fraction`` of
the item's documents (what the exercise forces everyone to write). The share is taken of
at least ``min_size`` fingerprints, so that two files left with a handful of distinctive
fingerprints (most of them the reference's) do not score 1.0 for one standard formula
written alike. Pairs are found through an inverted index, so documents that share nothing
cost nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

from harness.similarity.fingerprints import Fingerprint

Kind = Literal["code", "text"]


@dataclass(frozen=True)
class SimilaritySettings:
    k: int = 5  # tokens per k-gram (code)
    window: int = 4  # winnowing window (code)
    text_n: int = 3  # words per n-gram (text)
    threshold: float = 0.7  # pairs scoring at least this are reported (chosen on the dev split)
    common_fraction: float = 0.5  # fingerprints in more than this share of an item's documents are ignored
    common_min: int = 3  # ... but only when they are in more than this many documents
    min_shared: int = 3  # a pair sharing fewer distinctive fingerprints is never reported
    min_size: int = 20  # code scores are out of at least this many fingerprints: one shared line is not a copy
    text_min_size: int = 8  # the same floor for text answers, in word n-grams (answers are short)


@dataclass(frozen=True)
class Document:
    student: str
    item: str  # the file name (code) or the question id (text)
    kind: Kind
    fingerprints: list[Fingerprint]
    positions: list[int]  # token index -> line (code) or word number (text), 1-based


@dataclass(frozen=True)
class Region:
    a: tuple[int, int]  # first and last line (code) or word (text) in a
    b: tuple[int, int]


@dataclass(frozen=True)
class Match:
    item: str
    kind: Kind
    a: str
    b: str
    score: float
    shared: int
    regions: list[Region] = field(default_factory=list)


def compare_documents(
    documents: Sequence[Document], excluded: Iterable[int], settings: SimilaritySettings
) -> list[Match]:
    """Every pair of ``documents`` (all of one item) scoring at least the threshold, best first."""
    kept = _distinctive(documents, set(excluded), settings)
    index: dict[int, list[int]] = defaultdict(list)
    for number, hashes in enumerate(kept):
        for value in hashes:
            index[value].append(number)
    floor = settings.min_size if documents and documents[0].kind == "code" else settings.text_min_size
    spans: dict[int, dict[int, tuple[int, int]]] = {}  # document -> hash -> its first span, when needed
    matches = []
    for i, hashes in enumerate(kept):
        shared = Counter(chain.from_iterable(index[value] for value in hashes))  # counted in C
        for j, count in shared.items():
            if j <= i or count < settings.min_shared:
                continue
            score = count / max(min(len(hashes), len(kept[j])), floor)
            if score >= settings.threshold:
                matches.append(_match(documents, i, j, kept[i] & kept[j], score, spans))
    return sorted(matches, key=lambda m: (-m.score, m.item, m.a, m.b))


def _distinctive(documents: Sequence[Document], excluded: set[int], settings: SimilaritySettings) -> list[set[int]]:
    hashes = [{fp.hash for fp in doc.fingerprints} - excluded for doc in documents]
    frequency = Counter(value for doc in hashes for value in doc)
    cap = max(settings.common_min, math.floor(settings.common_fraction * len(documents)))
    common = {value for value, count in frequency.items() if count > cap}
    return [doc - common for doc in hashes]


def _match(
    documents: Sequence[Document],
    i: int,
    j: int,
    shared: set[int],
    score: float,
    spans: dict[int, dict[int, tuple[int, int]]],
) -> Match:
    if documents[j].student < documents[i].student:
        i, j = j, i
    for number in (i, j):
        if number not in spans:
            spans[number] = first_spans(documents[number])
    a, b = documents[i], documents[j]
    return Match(
        a.item, a.kind, a.student, b.student, round(score, 4), len(shared), regions(spans[i], spans[j], shared)
    )


def first_spans(doc: Document) -> dict[int, tuple[int, int]]:
    """Each fingerprint's first line (or word) range in ``doc``."""
    last = len(doc.positions) - 1
    spans: dict[int, tuple[int, int]] = {}
    for fp in doc.fingerprints:
        if fp.hash not in spans:
            spans[fp.hash] = (doc.positions[fp.start], doc.positions[min(fp.end, last)])
    return spans


def regions(a: dict[int, tuple[int, int]], b: dict[int, tuple[int, int]], shared: set[int]) -> list[Region]:
    """The shared fingerprints as ranges of both documents, neighbours (within 2) merged."""
    found: list[Region] = []
    spans = sorted(zip(map(a.__getitem__, shared), map(b.__getitem__, shared), strict=True))  # one pass in C
    if not spans:
        return found
    (a0, a1), (b0, b1) = spans[0]
    for (x0, x1), (y0, y1) in spans[1:]:
        if x0 <= a1 + 2 and y0 <= b1 + 2 and y1 >= b0 - 2:  # continues the current region in both
            a1 = x1 if x1 > a1 else a1
            b0 = y0 if y0 < b0 else b0
            b1 = y1 if y1 > b1 else b1
        else:
            found.append(Region((a0, a1), (b0, b1)))
            (a0, a1), (b0, b1) = (x0, x1), (y0, y1)
    found.append(Region((a0, a1), (b0, b1)))
    return found
