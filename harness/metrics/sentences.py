"""An offline sentence splitter for rougeLsum: a few regexes, no NLTK download.

rouge-score's ``split_summaries=True`` calls ``nltk.sent_tokenize``, which needs the Punkt
model fetched from the internet. This splitter needs nothing. Lines are sentences of their
own; within a line, a sentence ends at ``.``, ``!`` or ``?`` (and any closing quotes or
brackets after it) followed by white space and an upper-case letter, a digit or an opening
quote or bracket, unless the word before the full stop is a known abbreviation ("e.g.",
"Dr.", "etc.", ...) or a single letter (an initial, as in "J. Smith").

It is simpler than Punkt, so its splits (and so rougeLsum with ``split_summaries=True``) can
differ from rouge-score with NLTK on abbreviations it does not know; the signature says
``split:regex``. Text that already has one sentence per line splits exactly as rouge-score's
default does.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_WORD_BEFORE = re.compile(r"""([^\s"'“‘(\[]*)$""")
ABBREVIATIONS = frozenset(
    "al approx cf dr e.g eq etc fig figs i.e inc jr ltd mr mrs ms no nos p pp prof sr st vol vs".split()
)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order; empty ones dropped."""
    sentences: list[str] = []
    for line in text.split("\n"):
        start = 0
        for boundary in _BOUNDARY.finditer(line):
            if _after_abbreviation(line, boundary.start(), boundary.group()):
                continue
            sentences.append(line[start : boundary.end()].strip())
            start = boundary.end()
        sentences.append(line[start:].strip())
    return [s for s in sentences if s]


def _after_abbreviation(line: str, end: int, mark: str) -> bool:
    if not mark.startswith("."):
        return False
    word = _WORD_BEFORE.search(line, 0, end)
    token = word.group(1).lower() if word else ""
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())
