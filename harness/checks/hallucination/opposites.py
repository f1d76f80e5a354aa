"""Opposites for the ``grounded`` check: which words contradict which, and reversed roles.

Two lexicons, read from files shipped in ``harness/checks/data`` (never from a system WordNet):

- ``antonyms.yaml``: pairs written by hand for the course's vocabulary ("encoder"/"decoder");
- ``antonyms_wordnet.txt``: WordNet 3.0's antonyms (made by :mod:`harness.checks.make_antonyms`):
  direct pairs of every part of speech, and indirect adjective pairs through similar-to clusters.

``lexicon`` chooses how much of them a check uses: ``course`` (the hand list), ``direct`` (plus
WordNet's direct pairs) or ``wordnet`` (plus the indirect ones). An indirect pair is a weaker
relation ("tiny" is only similar to the opposite of "large"), so it counts only in the same frame
(below), never merely in the same sentence. Words are compared by stem, with WordNet's irregular
forms ("better" for "good") read as their lemma.

Two rules use them beyond the aligned sentence (:func:`framed_oppositions`, :func:`reversals`):

- an opposite **in the same frame**: the output's word and the source's opposite share the
  nearest content word before or after them ("AI systems with *narrow* capabilities" for "AI
  systems with *broad* capabilities"), whatever sentence aligns best, and the source never puts
  the output's word in that frame (when it does, it draws the contrast itself: "higher" in
  "higher altitudes" does not excuse "a *higher* temperature" for "a lower temperature");
- a **reversed role**: "A into B" where the source says "B into A" for the same two head words
  (and never "A into B"): "turns natural speech into written text" for "turns written text
  into natural speech".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from harness.checks.hallucination.align import IndexedSentence, SourceIndex
from harness.checks.text import Token, is_content, stem
from harness.yamlsource import load_yaml

DATA = Path(__file__).resolve().parent.parent / "data"
COURSE_FILE = DATA / "antonyms.yaml"
WORDNET_FILE = DATA / "antonyms_wordnet.txt"
Lexicon = Literal["course", "direct", "wordnet"]
DIRECT, INDIRECT = frozenset("avnr"), frozenset("s")  # the part-of-speech tags of antonyms_wordnet.txt
# "A into B" and "B from A" name the same direction; "A over B" (preferred over) is its own relation
FORWARD = frozenset({"into", "to", "onto", "toward", "towards"})
RELATIONS = {**{word: "to" for word in FORWARD}, "from": "from", "over": "over"}
ARTICLES = frozenset({"a", "an", "the"})
MAX_GROUP = 3  # content words before or after a connective that make up a role
REACH = 3  # words a frame's neighbour may stand away, across stopwords ("internet, which is older")


@cache
def opposites_table(lexicon: Lexicon, framed: bool = False) -> dict[str, frozenset[str]]:
    """Each stem's opposite stems, both directions of every pair of the chosen lexicon. Weaker
    relations count only for the ``framed`` rule: the hand list's ``framed_pairs`` ("times" /
    "divided": "times" is also a noun) and ``exclusive`` groups (colours: "red" is not the
    opposite of "green", but a pigment cannot be both), and WordNet's indirect pairs."""
    course = load_yaml(COURSE_FILE)[0]
    pairs: list[tuple[str, str]] = [(left, right) for left, right in course["pairs"]]
    if framed:
        pairs += [(left, right) for left, right in course["framed_pairs"]]
        pairs += [pair for group in course["exclusive"] for pair in itertools.combinations(group, 2)]
    forms: dict[str, tuple[str, ...]] = {}
    if lexicon != "course":
        tags = DIRECT | (INDIRECT if framed and lexicon == "wordnet" else frozenset())
        pairs += _wordnet_pairs(tags)
        forms = _wordnet_forms(tags)
    table: dict[str, set[str]] = {}
    for left, right in pairs:
        for word in forms.get(left, (left,)):
            table.setdefault(stem(word), set()).update(stem(w) for w in forms.get(right, (right,)))
        for word in forms.get(right, (right,)):
            table.setdefault(stem(word), set()).update(stem(w) for w in forms.get(left, (left,)))
    return {word: frozenset(others - {word}) for word, others in table.items()}


def _wordnet_lines() -> Iterator[list[str]]:
    for line in WORDNET_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split()


def _wordnet_pairs(tags: frozenset[str]) -> list[tuple[str, str]]:
    return [(fields[1], fields[2]) for fields in _wordnet_lines() if fields[0] in tags]


def _wordnet_forms(tags: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Each lemma with its irregular forms ("good": "better", "best") and, for an adjective of
    three letters (which the stemmer leaves alone), its regular comparative and superlative
    ("old": "older", "oldest"); longer ones share their stem with them already."""
    forms: dict[str, list[str]] = {}
    for fields in _wordnet_lines():
        if fields[0] == "=":
            forms.setdefault(fields[3], [fields[3]]).append(fields[2])
        elif fields[0] in tags and fields[0] in "as":
            for word in fields[1:]:
                if len(word) == 3:
                    forms.setdefault(word, [word]).extend(_compared(word))
    return {lemma: tuple(dict.fromkeys(words)) for lemma, words in forms.items()}


def _compared(word: str) -> list[str]:
    """Regular comparative and superlative of a short adjective ("big": "bigger", "biggest")."""
    if word.endswith("e"):
        return [word + "r", word + "st"]
    if word.endswith("y"):
        return [word[:-1] + "ier", word[:-1] + "iest"]
    base = word + word[-1] if word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou" else word
    return [word + "er", word + "est", base + "er", base + "est"]


@dataclass(frozen=True)
class Opposition:
    """An output span that contradicts the source: the words, what the source says, and where."""

    start: int
    end: int
    said: str  # the source's words
    source_sentence: IndexedSentence
    reversed_roles: bool = False
    swapped: bool = False  # source words put in place of others of the statement (swaps.py)


def neighbours(tokens: tuple[Token, ...], index: int) -> tuple[str | None, str | None]:
    """The stems of the nearest content words before and after ``tokens[index]``, at most
    :data:`REACH` words away (None when there is none)."""
    before = _nearest(tokens, range(index - 1, max(index - 1 - REACH, -1), -1))
    after = _nearest(tokens, range(index + 1, min(index + 1 + REACH, len(tokens))))
    return before, after


def _nearest(tokens: tuple[Token, ...], indices: range) -> str | None:
    for index in indices:
        if is_content(tokens[index]):
            return tokens[index].stem
    return None


def framed_oppositions(
    sentence: IndexedSentence, source: SourceIndex, table: dict[str, frozenset[str]]
) -> list[Opposition]:
    """Output words whose opposite stands in a source sentence with the same nearest content word
    before or after it (the frame), while the source never puts the output's word in that frame:
    a source that says both "lower temperature" and "higher temperature" draws the contrast
    itself, one that says "higher altitudes" and "lower temperature" does not."""
    tokens = sentence.sentence.tokens
    found = []
    for index, token in enumerate(tokens):
        opposites = table.get(token.stem)
        if not opposites:
            continue
        frame = neighbours(tokens, index)
        # a source that holds the word somewhere may draw the contrast itself: both neighbours must match
        both = token.stem in source.stems or token.lower in source.lowers
        for indexed in source.sentences:
            hit = framed_in(indexed, opposites, frame, both)
            if hit is not None and not _said_in_frame(source, token.stem, frame):
                found.append(Opposition(token.start, token.end, hit, indexed))
                break
    return found


def framed_in(
    indexed: IndexedSentence, opposites: frozenset[str], frame: tuple[str | None, str | None], both: bool = False
) -> str | None:
    """The opposite in ``indexed`` ("broad") that stands in the output word's ``frame``: beside the
    same content word before or after it, or with ``both``, before and after it."""
    if opposites.isdisjoint(indexed.all_stems):
        return None  # (the common case)
    tokens = indexed.sentence.tokens
    before, after = frame
    for index, token in enumerate(tokens):
        if token.stem not in opposites:
            continue
        their_before, their_after = neighbours(tokens, index)
        same_before = before is not None and before == their_before
        same_after = after is not None and after == their_after
        if (same_before and same_after) or (not both and (same_before or same_after)):
            return token.text
    return None


def _said_in_frame(source: SourceIndex, word: str, frame: tuple[str | None, str | None]) -> bool:
    """Whether some source sentence puts ``word`` beside one of the output's neighbours of it, on
    the same side: the output restates that statement ("smaller models"), whatever opposite
    stands beside its other neighbour."""
    for indexed in source.sentences:
        tokens = indexed.sentence.tokens
        for index, token in enumerate(tokens):
            if token.stem != word:
                continue
            before, after = neighbours(tokens, index)
            if (frame[0] is not None and frame[0] == before) or (frame[1] is not None and frame[1] == after):
                return True
    return False


@dataclass(frozen=True)
class _Role:
    relation: str
    first: str  # head stem of the role the relation starts from
    second: str
    start: int
    end: int


def _roles(sentence: IndexedSentence) -> list[_Role]:
    """Each "A into B" / "A from B" / "A over B" of a sentence, by the head (last) content word of
    each side; "B from A" is stored as "A to B" so the two spellings of a direction compare."""
    tokens = sentence.sentence.tokens
    roles = []
    for index, token in enumerate(tokens):
        relation = RELATIONS.get(token.lower)
        if relation is None:
            continue
        before = _group(tokens, index - 1, -1)
        after = _group(tokens, index + 1, 1)
        if not before or not after:
            continue
        first, second = before[-1], after[-1]
        start, end = before[0].start, after[-1].end
        if relation == "from":
            roles.append(_Role("to", second.stem, first.stem, start, end))
        else:
            roles.append(_Role(relation, first.stem, second.stem, start, end))
    return roles


def _group(tokens: tuple[Token, ...], index: int, step: int) -> list[Token]:
    """Up to :data:`MAX_GROUP` content words from ``index`` in direction ``step`` (an article
    after the connective skipped), in text order."""
    if step == 1 and 0 <= index < len(tokens) and tokens[index].lower in ARTICLES:
        index += 1
    group: list[Token] = []
    while 0 <= index < len(tokens) and len(group) < MAX_GROUP and is_content(tokens[index]):
        group.append(tokens[index])
        index += step
    return group if step == 1 else group[::-1]


def reversals(sentence: IndexedSentence, source: SourceIndex) -> list[Opposition]:
    """The output's roles that the source states the other way round, and never this way."""
    mine = _roles(sentence)
    if not mine:
        return []
    theirs = [(role, indexed) for indexed in source.sentences for role in _roles(indexed)]
    said = {(r.relation, r.first, r.second) for r, _ in theirs}
    found = []
    for role in mine:
        if role.first == role.second or (role.relation, role.first, role.second) in said:
            continue
        for other, indexed in theirs:
            if (other.relation, other.first, other.second) == (role.relation, role.second, role.first):
                text = indexed.sentence.text
                words = text[other.start - indexed.sentence.start : other.end - indexed.sentence.start]
                found.append(Opposition(role.start, role.end, words, indexed, reversed_roles=True))
                break
    return found
