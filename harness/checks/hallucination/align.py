"""Aligning an output sentence with the source sentences that best support it.

A source is prepared once (:class:`SourceIndex`: its sentences, their content stems, numbers and
entity words, and the whole source's vocabulary); each output sentence is then aligned with the
source sentence sharing the largest share of its content stems (ties: the earliest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from harness.checks.text import Quantity, Sentence, Token, is_content, is_negation, quantities, sentences


@dataclass(frozen=True)
class IndexedSentence:
    sentence: Sentence
    stems: frozenset[str]
    lowers: frozenset[str]
    quantities: tuple[Quantity, ...]
    negated: bool
    negation: Token | None

    @cached_property
    def all_stems(self) -> frozenset[str]:
        """The stems of every word, stopwords included ("before" and "after", "most" and "least"
        are opposites too); computed once, as the contradiction rules ask for it often."""
        return frozenset(t.stem for t in self.sentence.tokens)


@dataclass(frozen=True)
class SourceIndex:
    """A source text prepared for alignment."""

    text: str
    sentences: tuple[IndexedSentence, ...]
    stems: frozenset[str]
    lowers: frozenset[str]
    values: frozenset[float] = field(default_factory=frozenset)


def index_sentence(sentence: Sentence) -> IndexedSentence:
    content = [t for t in sentence.tokens if is_content(t)]
    negations = [t for t in sentence.tokens if is_negation(t)]
    found = tuple(quantities(sentence.tokens, sentence.text, sentence.start))
    return IndexedSentence(
        sentence=sentence,
        # numbers are content too: "#<value>" so that "7 million" and "7,000,000" align
        stems=frozenset(t.stem for t in content) | {f"#{q.value:g}" for q in found},
        lowers=frozenset(t.lower for t in sentence.tokens),
        quantities=found,
        negated=len(negations) % 2 == 1,
        negation=negations[0] if negations else None,
    )


def index_source(text: str) -> SourceIndex:
    indexed = tuple(index_sentence(s) for s in sentences(text))
    return SourceIndex(
        text=text,
        sentences=indexed,
        stems=frozenset().union(*(s.stems for s in indexed)),
        lowers=frozenset().union(*(s.lowers for s in indexed)),
        values=frozenset(q.value for s in indexed for q in s.quantities),
    )


def overlap(output: IndexedSentence, candidate: IndexedSentence) -> float:
    """Share of the output sentence's content stems that the candidate holds."""
    if not output.stems:
        return 0.0
    return len(output.stems & candidate.stems) / len(output.stems)


def best_matches(output: IndexedSentence, source: SourceIndex, top: int) -> list[tuple[float, IndexedSentence]]:
    """The ``top`` source sentences with the largest overlap, best first (ties: the earliest)."""
    scored = [(overlap(output, s), -i, s) for i, s in enumerate(source.sentences)]
    scored.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [(score, s) for score, _, s in scored[:top]]
