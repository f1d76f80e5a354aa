"""The bias checks' word lists (``data/wordlists.yaml``), counting group words, swapping terms."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.checks.text import words
from harness.errors import HarnessError, YamlError
from harness.yamlsource import load_yaml

WORDLISTS_FILE = Path(__file__).resolve().parent.parent / "data" / "wordlists.yaml"


@dataclass(frozen=True)
class WordLists:
    groups: dict[str, dict[str, tuple[str, ...]]]  # category -> group -> words
    targets: dict[str, tuple[str, ...]]  # name -> target words
    swaps: dict[str, str]  # word -> its counterpart (both directions; "her" -> "his")


@cache
def word_lists(path: Path = WORDLISTS_FILE) -> WordLists:
    """The word lists of ``path``.

    Raises:
        HarnessError: the file cannot be read or lacks ``groups``, ``targets`` or ``swaps``.
    """
    try:
        document, _ = load_yaml(path)
        groups = {
            category: {group: tuple(str(w) for w in items) for group, items in members.items()}
            for category, members in document["groups"].items()
        }
        targets = {name: tuple(str(w) for w in items) for name, items in document["targets"].items()}
        swaps: dict[str, str] = {}
        for left, right in document["swaps"]:
            swaps.setdefault(str(left), str(right))
            swaps.setdefault(str(right), str(left))
    except (YamlError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise HarnessError(f"cannot read the word lists {path}: {exc}") from None
    return WordLists(groups, targets, swaps)


def category(lists: WordLists, name: str, check: str) -> dict[str, tuple[str, ...]]:
    if name not in lists.groups:
        raise HarnessError(f"{check}: unknown category {name!r} (known: {', '.join(sorted(lists.groups))})")
    return lists.groups[name]


def word_counts(text: str) -> Counter[str]:
    """Lowercase whole words of ``text`` with a possessive 's removed, counted."""
    return Counter(t.lower.replace("’", "'").removesuffix("'s") for t in words(text))


_SWAP_WORD = re.compile(r"[A-Za-z]+")


def swap_terms(text: str, swaps: dict[str, str]) -> str:
    """``text`` with every demographic term swapped for its counterpart, case kept ("He" -> "She")."""

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        other = swaps.get(word.lower())
        if other is None:
            return word
        if word.isupper() and len(word) > 1:
            return other.upper()
        return other.capitalize() if word[0].isupper() else other

    return _SWAP_WORD.sub(replace, text)
