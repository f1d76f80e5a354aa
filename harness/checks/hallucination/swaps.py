"""Words of the source put in each other's place, for the ``grounded`` check.

A contradiction need not bring a new word: it can move the source's own words. No word list
knows that "drones" and "workers" exclude each other, but the passage says so by listing them
side by side; a reader also sees that "tells fakes from fakes" has lost what "fakes" was told
from. Two rules, both over the source's words only:

- a **swapped word** (:func:`swapped_words`): where the output sentence and its aligned source
  sentence differ by one to three words in the same place ("*Drones* collect nectar" for
  "*Workers* collect nectar"), the output's words are the source's and the source's words are
  gone from the output sentence, and either the output also says its words where the statement
  says them (it copied them into the other's place: "fakes from fakes", "into glucose and carbon
  dioxide") or the source
  coordinates the two ("thousands of female workers and a few hundred male drones": members of
  one list are alternatives);
- **crossed roles** (:func:`crossed_roles`): two words on either side of the same content word
  in the opposite order to the source's, within :data:`ROLE_REACH` content words ("*sound*
  travels faster than *light*" for "light travels much faster than sound", "Kasparov defeated
  Deep Blue" for "Deep Blue defeated ... Kasparov"), while the source never has that order; a
  passive ("by" on one side only) turns the order round, so it is left alone.

A synonym swap ("produces" for "creates", both in the source) is neither: the two words are not
listed together and the output does not repeat itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from harness.checks.hallucination.align import IndexedSentence, SourceIndex
from harness.checks.hallucination.opposites import Opposition
from harness.checks.text import Token, is_content

MAX_SLOT = 3  # words on either side of a swap
SAME_ROOT = 5  # letters two forms of one word share
COORDINATORS = frozenset({"and", "or"})
MAX_LEAD = 4  # words ("a few hundred") between a coordinator and the head of the next member
ROLE_REACH = 5  # content words on either side of the shared word that may hold a role
BREAK_MARKS = frozenset(",;:()[]—–")
CLAUSE_BREAKS = frozenset(
    "and or but so which that while whereas because since when where who whom whose then if".split()
)


def swapped_words(sentence: IndexedSentence, best: IndexedSentence, source: SourceIndex) -> list[Opposition]:
    """Source words the output puts in the place of other source words of ``best`` (see above)."""
    mine, theirs = sentence.sentence.tokens, best.sentence.tokens
    gone = best.stems - sentence.stems
    if not gone:
        return []  # nothing of the statement was replaced
    listed = _coordinated(_BySource(source))
    stems = [t.stem for t in mine if is_content(t)]
    partners = {word for pair in listed if pair & gone for word in pair}
    if len(set(stems)) == len(stems) and not partners & sentence.stems:
        return []  # no word said twice, none listed beside a word that is gone
    matcher = SequenceMatcher(None, [t.stem for t in mine], [t.stem for t in theirs], autojunk=False)
    opcodes = matcher.get_opcodes()
    # words the output says where the statement says them: a copy of one of them is a swap
    kept = {t.stem for tag, begin, end, _, _ in opcodes if tag == "equal" for t in mine[begin:end]}
    found = []
    for tag, begin, end, their_begin, their_end in opcodes:
        if tag != "replace" or end - begin > MAX_SLOT or their_end - their_begin > MAX_SLOT:
            continue
        new = [t for t in mine[begin:end] if is_content(t)]
        old = [t for t in theirs[their_begin:their_end] if is_content(t)]
        if not new or not old or any(t.stem not in source.stems for t in new):
            continue  # a word the source never has is the substitution rule's to explain
        if any(t.stem in sentence.stems for t in old):
            continue  # the source's word is still said
        if any(_variants(a.stem, b.stem) for a in new for b in old):
            continue  # "data" for "datasets": one word, two forms
        repeated = all(t.stem in kept for t in new)
        if repeated or frozenset({new[-1].stem, old[-1].stem}) in listed:
            said = _text(best, old[0], old[-1])
            found.append(Opposition(new[0].start, new[-1].end, said, best, swapped=True))
    return found


def _variants(a: str, b: str) -> bool:
    """Whether two stems are forms of one word: one begins with the other, or both with the same
    :data:`SAME_ROOT` letters ("data"/"dataset", "generat"/"generator")."""
    return a.startswith(b) or b.startswith(a) or (len(a) > SAME_ROOT and a[:SAME_ROOT] == b[:SAME_ROOT])


@lru_cache(maxsize=256)
def _coordinated(key: _BySource) -> frozenset[frozenset[str]]:
    """Pairs of head words the source lists side by side: the word before "and" / "or" and the
    last word of the first run of content words after it, skipping up to
    :data:`MAX_LEAD` others ("workers and a few hundred male drones": workers, drones)."""
    pairs = set()
    for indexed in key.source.sentences:
        tokens = indexed.sentence.tokens
        for index in range(1, len(tokens)):
            left = tokens[index - 1]
            if not is_content(left) or tokens[index].lower not in COORDINATORS:
                continue
            head = _next_head(tokens, index + 1)
            if head is not None and head.stem != left.stem:
                pairs.add(frozenset({left.stem, head.stem}))
    return frozenset(pairs)


def _next_head(tokens: tuple[Token, ...], index: int) -> Token | None:
    """The last word of the first run of content words from ``index`` (at most :data:`MAX_LEAD`
    words skipped before it)."""
    skipped = 0
    while index < len(tokens) and not is_content(tokens[index]):
        index, skipped = index + 1, skipped + 1
        if skipped > MAX_LEAD:
            return None
    head = None
    while index < len(tokens) and is_content(tokens[index]):
        head, index = tokens[index], index + 1
    return head


@dataclass(frozen=True)
class _Place:
    """A content word of the source: its sentence, its clause's content words and its index there."""

    sentence: IndexedSentence
    clause: tuple[Token, ...]
    index: int

    @cached_property
    def stems_before(self) -> frozenset[str]:
        return frozenset(t.stem for t in self.clause[max(0, self.index - ROLE_REACH) : self.index])

    @cached_property
    def stems_after(self) -> frozenset[str]:
        return frozenset(t.stem for t in self.clause[self.index + 1 : self.index + 1 + ROLE_REACH])

    def may_cross(self, firsts: list[Token], seconds: list[Token]) -> bool:
        """Whether a word of ``seconds`` stands before this one and one of ``firsts`` after it."""
        return any(t.stem in self.stems_before for t in seconds) and any(t.stem in self.stems_after for t in firsts)

    def before(self, stem: str) -> Token | None:
        """The word of that stem within reach before this one (None if there is none)."""
        return next((t for t in self.clause[max(0, self.index - ROLE_REACH) : self.index] if t.stem == stem), None)

    def after(self, stem: str) -> Token | None:
        """The word of that stem within reach after this one (None if there is none)."""
        return next((t for t in self.clause[self.index + 1 : self.index + 1 + ROLE_REACH] if t.stem == stem), None)


def crossed_roles(sentence: IndexedSentence, source: SourceIndex) -> list[Opposition]:
    """Two words around a shared content word in the order opposite to the source's (see above);
    one finding per shared word of the output, from the first crossed word to the last."""
    places = _places(_BySource(source))
    found: dict[tuple[int, int], Opposition] = {}
    for clause in _clauses(sentence):
        for index, middle in enumerate(clause):
            theirs = places.get(middle.stem, ())
            if not theirs:
                continue
            firsts = [t for t in clause[max(0, index - ROLE_REACH) : index] if t.stem != middle.stem]
            seconds = [t for t in clause[index + 1 : index + 1 + ROLE_REACH] if t.stem != middle.stem]
            if not any(place.may_cross(firsts, seconds) for place in theirs):
                continue  # the common case, checked with two set lookups per place
            crossed = _crossings(sentence, middle, firsts, seconds, theirs)
            if crossed:
                place = crossed[0][2]
                start, end = min(c[0].start for c in crossed), max(c[1].end for c in crossed)
                said = _text(place.sentence, *_reach(place))
                found.setdefault((start, end), Opposition(start, end, said, place.sentence, reversed_roles=True))
    return list(found.values())


def _crossings(
    sentence: IndexedSentence, middle: Token, firsts: list[Token], seconds: list[Token], theirs: tuple[_Place, ...]
) -> list[tuple[Token, Token, _Place]]:
    """Each (first, second) around ``middle`` that a place of the source has the other way round,
    and none this way, with the voice alike ("A was beaten by B" says "B beat A")."""
    crossed = []
    for first in firsts:
        for second in seconds:
            if first.stem == second.stem:
                continue
            places = [p for p in theirs if p.before(second.stem) is not None and p.after(first.stem) is not None]
            passive = _passive(sentence, middle, second)
            places = [p for p in places if _passive_at(p, first.stem) == passive]
            if places and not _said_in_order(theirs, first.stem, second.stem):
                crossed.append((first, second, places[0]))
    return crossed


def _said_in_order(places: tuple[_Place, ...], first: str, second: str) -> bool:
    return any(place.before(first) is not None and place.after(second) is not None for place in places)


class _BySource:
    """A source, hashed and compared by its text, so its places are found once per source."""

    def __init__(self, source: SourceIndex) -> None:
        self.source = source

    def __hash__(self) -> int:
        return hash(self.source.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _BySource) and other.source.text == self.source.text


@lru_cache(maxsize=256)
def _places(key: _BySource) -> dict[str, tuple[_Place, ...]]:
    """Each content stem of the source with every place it stands in."""
    places: dict[str, list[_Place]] = {}
    for indexed in key.source.sentences:
        for clause in _clauses(indexed):
            for index, token in enumerate(clause):
                places.setdefault(token.stem, []).append(_Place(indexed, clause, index))
    return {stem: tuple(found) for stem, found in places.items()}


def _reach(place: _Place) -> tuple[Token, Token]:
    """The first and last words within reach of a place (what the evidence quotes)."""
    clause = place.clause
    return clause[max(0, place.index - ROLE_REACH)], clause[min(len(clause) - 1, place.index + ROLE_REACH)]


def _clauses(indexed: IndexedSentence) -> list[tuple[Token, ...]]:
    """The content words of a sentence, cut where a clause or a list item may end: punctuation
    (, ; : brackets, dashes) and the words of :data:`CLAUSE_BREAKS`. Roles are compared within
    a clause only, since word order says nothing across a comma."""
    part = indexed.sentence
    clauses: list[list[Token]] = [[]]
    previous_end = part.start
    for token in part.tokens:
        gap = part.text[previous_end - part.start : token.start - part.start]
        if not BREAK_MARKS.isdisjoint(gap) or token.lower in CLAUSE_BREAKS:
            clauses.append([])
        if is_content(token):
            clauses[-1].append(token)
        previous_end = token.end
    return [tuple(c) for c in clauses if len(c) >= 3]


def _passive(indexed: IndexedSentence, middle: Token, second: Token) -> bool:
    """Whether "by" stands between the shared word and the second word."""
    return any(t.lower == "by" and middle.end <= t.start < second.start for t in indexed.sentence.tokens)


def _passive_at(place: _Place, second: str) -> bool:
    """:func:`_passive` at a place of the source, ``second`` the stem of the word after it."""
    target = place.after(second)
    return target is not None and _passive(place.sentence, place.clause[place.index], target)


def _text(indexed: IndexedSentence, first: Token, last: Token) -> str:
    """The source's words from ``first`` to ``last``, as written."""
    part = indexed.sentence
    return part.text[first.start - part.start : last.end - part.start]
