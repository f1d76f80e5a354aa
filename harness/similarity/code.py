"""Code files as documents: normalised tokens, k-gram hashes, winnowed fingerprints."""

from __future__ import annotations

from harness.similarity.fingerprints import kgram_hashes, winnow
from harness.similarity.pairs import Document, SimilaritySettings
from harness.similarity.tokens import code_tokens


def code_document(student: str, item: str, source: str, settings: SimilaritySettings) -> Document:
    tokens = code_tokens(source)
    hashes = kgram_hashes([t.text for t in tokens], settings.k)
    return Document(student, item, "code", winnow(hashes, settings.window, settings.k), [t.line for t in tokens])


def code_hashes(source: str, settings: SimilaritySettings) -> set[int]:
    """Every k-gram hash of ``source`` (starter code, a reference): none of them may count.

    All k-grams, not only the winnowed ones, so that a student's fingerprint of the same
    code is excluded whichever window chose it.
    """
    return set(kgram_hashes([t.text for t in code_tokens(source)], settings.k))
