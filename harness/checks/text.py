"""The lexical machinery the checks share: sentences and words with their offsets, a light
stemmer, quantities with units ("7 million" = "7,000,000"), years, named entities and negations.

Standard library only (no nltk, no torch), so the lexical checks import in milliseconds. Every
function is deterministic and keeps character offsets into the original text, so a finding
can point at the exact span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"\w+(?:[-'’.,·/]\w+)*", re.UNICODE)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "st", "fig", "no", "al", "approx", "cf"}
)

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just may me might more most must my
    myself of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves one ones s t can
    many much well like via per using used use uses within across among each every whose thus however often""".split()
)
NEGATIONS = frozenset({"not", "no", "never", "cannot", "none", "neither", "nor", "without", "nothing", "nobody"})
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "half": 0.5, "double": 2, "twice": 2,
    # ordinals ("second" is left out: it is also a unit of time)
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
MONTHS = frozenset("january february march april may june july august september october november december".split())
_SHORT_SCALE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|b|bn)$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text: its exact text, offsets into the text, lowercase form and stem."""

    text: str
    start: int
    end: int
    lower: str
    stem: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text, with its offsets and its words."""

    text: str
    start: int
    end: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class Quantity:
    """A number found in a text, normalised (``value``), with the words it spans."""

    value: float
    is_year: bool
    start: int
    end: int
    text: str
    unit: str  # the noun after it ("parameters", "%"), or "" when there is none


def words(text: str, offset: int = 0) -> tuple[Token, ...]:
    """The words of ``text`` (numbers with separators and hyphenated names stay whole)."""
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group().rstrip(".,")
        begin = offset + match.start()
        tokens.append(Token(word, begin, begin + len(word), word.lower(), stem(word)))
    return tuple(tokens)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with offsets (abbreviations such as "e.g." do not end one)."""
    cuts = [0]
    for match in _BOUNDARY.finditer(text):
        if _word_before(text, match.start()).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        cuts += [match.start(), match.end()]
    cuts.append(len(text))
    result = []
    for begin, finish in zip(cuts[::2], cuts[1::2], strict=True):
        chunk = text[begin:finish]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            result.append(Sentence(body, begin + lead, begin + lead + len(body), words(body, begin + lead)))
    return result


def _word_before(text: str, end: int) -> str:
    """The last word of ``text[:end]`` once closing quotes, brackets and end marks are dropped.

    Walks back from ``end`` rather than slicing ``text[:end]``: a slice per sentence boundary
    made a long output (a model's runaway generation) quadratic to split.
    """
    while end > 0 and text[end - 1] in "\"'”’).!?":
        end -= 1
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: lowercase, possessive and common inflections removed ("models" -> "model",
    "generated" -> "generat", "generates" -> "generat"); enough to match a paraphrase's words."""
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s").removesuffix("'")
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ness", ""), ("ment", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + replacement
            break
    else:
        if w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    for suffix in ("ing", "ed", "ly", "er", "ion", "al"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    return w.removesuffix("e") if len(w) > 4 else w


def is_content(token: Token) -> bool:
    """Whether a word carries content (not a stopword, a negation, a number, a scale word or punctuation)."""
    return _is_content_word(token.lower)


@lru_cache(maxsize=65536)
def _is_content_word(lower: str) -> bool:
    if lower in STOPWORDS or lower in NEGATIONS or lower.endswith("n't") or lower in SCALES or lower == "percent":
        return False  # scale words belong to their number, which is checked as a number
    return any(c.isalpha() for c in lower) and _number(lower) is None


def is_negation(token: Token) -> bool:
    lower = token.lower.replace("’", "'")
    return lower in NEGATIONS or lower.endswith("n't")


def quantities(tokens: tuple[Token, ...], text: str, offset: int) -> list[Quantity]:
    """Numbers in a sentence's ``tokens`` (``text`` starting at ``offset``), normalised: digits with
    separators, decimals, number words, scale words and suffixes ("7 million", "7M", "7,000,000"
    are all 7e6), percentages; four-digit numbers from 1000 to 2199 without a scale are years."""
    found: list[Quantity] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        value = _number(token.text)
        if value is None:
            index += 1
            continue
        end_index = index
        scaled = False
        if index + 1 < len(tokens) and tokens[index + 1].lower in SCALES and len(tokens[index + 1].text) > 1:
            value *= SCALES[tokens[index + 1].lower]
            end_index, scaled = index + 1, True
        plain_year = bool(re.fullmatch(r"1\d{3}|2[01]\d{2}", token.text)) and not scaled
        unit = _unit(tokens, end_index, text, offset)
        start, end = token.start, tokens[end_index].end
        found.append(Quantity(value, plain_year, start, end, text[start - offset : end - offset], unit))
        index = end_index + 1
    return found


def _unit(tokens: tuple[Token, ...], last: int, text: str, offset: int) -> str:
    """What a number counts: "%" for percentages, else the stem of the content word after it."""
    following = tokens[last + 1] if last + 1 < len(tokens) else None
    if text[tokens[last].end - offset :].lstrip().startswith("%"):
        return "%"
    if following is not None and following.lower in ("percent", "per"):
        return "%"
    return stem(following.text) if following is not None and is_content(following) else ""


@lru_cache(maxsize=65536)
def _number(word: str) -> float | None:
    lower = word.lower()
    if lower in NUMBER_WORDS:
        return float(NUMBER_WORDS[lower])
    if _PLAIN_NUMBER.match(word):
        return float(word.replace(",", ""))
    short = _SHORT_SCALE.match(word)
    if short:
        return float(short.group(1)) * SCALES[short.group(2).lower()]
    return None


def entity_spans(sentence: Sentence, known_lower: frozenset[str]) -> list[tuple[int, int]]:
    """Runs of capitalised words (token index ranges, end exclusive) that look like names.

    A word is a name when it has a capital letter and is not a number: "OpenAI", "GPT-3", "Ian
    Goodfellow". The first word of a sentence counts only if it has a capital or digit after
    its first letter ("BERT", "GANs") or if ``known_lower`` (lowercase words of the texts
    compared) does not hold it as an ordinary word.
    """
    runs: list[tuple[int, int]] = []
    index = 0
    tokens = sentence.tokens
    while index < len(tokens):
        if not _looks_like_name(tokens[index], index == 0, known_lower):
            index += 1
            continue
        end = index + 1
        while end < len(tokens) and _looks_like_name(tokens[end], False, known_lower):
            end += 1
        runs.append((index, end))
        index = end
    return runs


def _looks_like_name(token: Token, first: bool, known_lower: frozenset[str]) -> bool:
    word = token.text
    if not word[0].isupper() or _number(word) is not None:
        return False
    lower = word.lower()
    if lower in STOPWORDS or lower in NEGATIONS or lower in MONTHS:
        return False
    inner_capital = any(c.isupper() or c.isdigit() for c in word[1:])
    if not first:
        return True
    return inner_capital or lower not in known_lower
