"""Text answers as word n-grams: case, accents, punctuation and spacing normalised away.

Words are normalised as the text kind's rubric normalises them
(:func:`harness.kinds.text.normalize_text`), and every run of ``n`` words is a fingerprint:
answers are short, so nothing is winnowed away.
"""

from __future__ import annotations

from harness.kinds.text import normalize_text
from harness.similarity.fingerprints import kgram_hashes, winnow
from harness.similarity.pairs import Document


def text_words(text: str) -> list[str]:
    return normalize_text(text).split()


def text_document(student: str, question_id: str, answer: str, n: int) -> Document:
    words = text_words(answer)
    fingerprints = winnow(kgram_hashes(words, n), 1, n)
    return Document(student, question_id, "text", fingerprints, list(range(1, len(words) + 1)))


def text_hashes(text: str, n: int) -> set[int]:
    """The n-gram hashes of a text that no match should count (the prompt, the reference)."""
    return set(kgram_hashes(text_words(text), n))
