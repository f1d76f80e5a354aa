"""Similarity across a cohort: who handed in the same code, or the same words.

Code is compared as MOSS does (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms
for document fingerprinting", SIGMOD 2003): Python tokens with identifiers and literals
normalised and comments and layout dropped (:mod:`.tokens`), hashes of every k tokens,
and a winnowed subset of them as the file's fingerprints (:mod:`.fingerprints`). Text
answers are compared by their normalised word n-grams (:mod:`.text`). Fingerprints of the
starter code and of the reference solution are excluded, and so are those that most of the
cohort shares (the idioms an exercise forces). :mod:`.pairs` scores every pair and locates
the matching regions; :mod:`.cohort` reads a cohort and a bank. See ``docs/similarity.md``.

The names below are imported from :mod:`.pairs` when first asked for: every result log
imports :mod:`.record` (this package's pydantic records), and reading or writing one must not
import the comparison code (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.similarity.pairs import Document, Match, Region, SimilaritySettings, compare_documents

__all__ = ["Document", "Match", "Region", "SimilaritySettings", "compare_documents"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("harness.similarity.pairs"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
