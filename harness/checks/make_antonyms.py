"""Build ``data/antonyms_wordnet.txt``, the antonym lexicon of the ``grounded`` check, from WordNet.

Run once by a maintainer where WordNet 3.0's database is installed (Debian: ``apt-get install
wordnet-base``); the check reads only the shipped file, never ``/usr/share`` at run time::

    python -m harness.checks.make_antonyms /usr/share/wordnet harness/checks/data/antonyms_wordnet.txt

What goes in:

- **direct antonyms**: every ``!`` pointer of ``data.adj``, ``data.verb``, ``data.noun`` and
  ``data.adv`` (a lexical relation between two words: "increase"/"decrease", "young"/"old");
- **indirect antonyms** of adjectives: a satellite synset is similar (``&``) to a head adjective,
  and each of its words is paired with the head's direct antonyms ("tiny" is similar to "small",
  whose antonym is "large": "tiny"/"large"), as WordNet's own documentation defines them;
- **irregular forms** of the words paired (``adj.exc``, ``verb.exc``, ``noun.exc``: "better" is a
  form of "good", "lost" of "lose"), so the check can read an inflected word as its lemma.

Only single lowercase alphabetic words of three letters or more are kept, and pairs whose words
share a stem are dropped (the check's negative-prefix rule covers "able"/"unable" already).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

POS_FILES = {"a": "adj", "v": "verb", "n": "noun", "r": "adv"}
_MARKER = re.compile(r"\([a-z]+\)$")  # adjective position markers: "galore(ip)"
_WORD = re.compile(r"^[a-z]{3,}$")
NOTICE = """\
# Antonym pairs from WordNet 3.0, for the `grounded` check (harness/checks/make_antonyms.py made it:
# direct antonyms of all parts of speech, indirect antonyms of adjectives through similar-to
# clusters, irregular forms). Lines: "POS WORD ANTONYM" (each pair once, both directions apply),
# or "= POS FORM LEMMA" (an irregular form of a word paired). POS: a adjective, v verb, n noun, r adverb,
# s an indirect adjective pair (a satellite's word and its head's antonym).
#
# WordNet Release 3.0. This software and database is being provided to you, the LICENSEE, by
# Princeton University under the following license. By obtaining, using and/or copying this
# software and database, you agree that you have read, understood, and will comply with these
# terms and conditions.:
#
# Permission to use, copy, modify and distribute this software and database and its
# documentation for any purpose and without fee or royalty is hereby granted, provided that you
# agree to comply with the following copyright notice and statements, including the disclaimer,
# and that the same appear on ALL copies of the software, database and documentation, including
# modifications that you make for internal use or for distribution.
#
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
#
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION,
# PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR
# ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL
# NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
#
# The name of Princeton University or Princeton may not be used in advertising or publicity
# pertaining to distribution of the software and/or database. Title to copyright in this
# software, database and any associated documentation shall at all times remain with Princeton
# University and LICENSEE agrees to preserve same.
"""


@dataclass(frozen=True)
class Synset:
    """One line of a WordNet data file: its words and its pointers (symbol, offset, pos, source/target)."""

    pos: str
    words: tuple[str, ...]
    pointers: tuple[tuple[str, str, str, str], ...]


def read_synsets(path: Path) -> dict[str, Synset]:
    """The synsets of one ``data.*`` file by offset (the license header's lines start with spaces)."""
    synsets = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(" "):
            continue
        fields = line.split(" | ")[0].split()
        count = int(fields[3], 16)
        words = tuple(_MARKER.sub("", w).lower() for w in fields[4 : 4 + 2 * count : 2])
        at = 4 + 2 * count
        pointer_count = int(fields[at])
        pointers = tuple(
            (fields[i], fields[i + 1], fields[i + 2], fields[i + 3])
            for i in range(at + 1, at + 1 + 4 * pointer_count, 4)
        )
        synsets[fields[0]] = Synset(fields[2], words, pointers)
    return synsets


def direct_antonyms(synsets: dict[str, Synset]) -> Iterator[tuple[str, str]]:
    """(word, antonym) for every ``!`` pointer of every synset."""
    for synset in synsets.values():
        yield from _antonyms_of(synset, synsets)


def _antonyms_of(synset: Synset, synsets: dict[str, Synset]) -> Iterator[tuple[str, str]]:
    """(word, antonym) for the ``!`` pointers of one synset (source and target: word numbers, hex)."""
    for symbol, offset, _pos, link in synset.pointers:
        if symbol == "!":
            source, target = int(link[:2], 16), int(link[2:], 16)
            yield synset.words[source - 1], synsets[offset].words[target - 1]


def indirect_antonyms(synsets: dict[str, Synset]) -> Iterator[tuple[str, str]]:
    """(satellite word, antonym of its head) for every adjective satellite similar to a head."""
    for synset in synsets.values():
        if synset.pos != "s":
            continue
        for symbol, offset, _pos, _link in synset.pointers:
            if symbol != "&":
                continue
            for _word, antonym in _antonyms_of(synsets[offset], synsets):
                for word in synset.words:
                    yield word, antonym


def irregular_forms(path: Path, lemmas: set[str]) -> Iterator[tuple[str, str]]:
    """(form, lemma) of an ``*.exc`` file, for the lemmas given."""
    for line in path.read_text(encoding="utf-8").splitlines():
        form, *bases = line.split()
        for base in bases:
            if base in lemmas and _WORD.match(form) and form != base:
                yield form, base


def build(wordnet: Path) -> list[str]:
    """The lines of the lexicon (sorted, so the file is the same on every run)."""
    from harness.checks.text import STOPWORDS, stem

    pairs: set[tuple[str, str, str]] = set()
    for pos, name in POS_FILES.items():
        synsets = read_synsets(wordnet / f"data.{name}")
        found = [(pos, left, right) for left, right in direct_antonyms(synsets)]
        if pos == "a":
            found += [("s", left, right) for left, right in indirect_antonyms(synsets)]
        for tag, left, right in found:
            if not (_WORD.match(left) and _WORD.match(right)) or {left, right} & STOPWORDS:
                continue
            if stem(left) != stem(right):
                pairs.add((tag, *sorted((left, right))))  # type: ignore[arg-type]
    direct = {(left, right) for tag, left, right in pairs if tag != "s"}
    pairs = {(tag, left, right) for tag, left, right in pairs if tag != "s" or (left, right) not in direct}
    lines = [f"{pos} {left} {right}" for pos, left, right in sorted(pairs)]
    forms: set[str] = set()
    for pos, name in POS_FILES.items():
        lemmas = {w for p, left, right in pairs if p == pos or (pos == "a" and p == "s") for w in (left, right)}
        forms |= {f"= {pos} {form} {lemma}" for form, lemma in irregular_forms(wordnet / f"{name}.exc", lemmas)}
    return lines + sorted(forms)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("wordnet", type=Path, help="WordNet 3.0's dict folder (/usr/share/wordnet)")
    parser.add_argument("output", type=Path, help="the lexicon to write")
    args = parser.parse_args(argv)
    lines = build(args.wordnet)
    args.output.write_text(NOTICE + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.output}: {sum(not line.startswith('=') for line in lines)} pairs, {len(lines)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
