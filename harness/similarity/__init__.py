"""Similarity across a cohort: who handed in the same code, or the same words.

Code is compared as MOSS does (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms
for document fingerprinting", SIGMOD 2003): Python tokens with identifiers and literals
normalised and comments and layout dropped (:mod:`.tokens`), hashes of every k tokens,
and a winnowed subset of them as the file's fingerprints (:mod:`.fingerprints`). Text
answers are compared by their normalised word n-grams (:mod:`.text`). Fingerprints of the
starter code and of the reference solution are excluded, and so are those that most of the
cohort shares (the idioms an exercise forces). :mod:`.pairs` scores every pair and locates
the matching regions; :mod:`.cohort` reads a cohort and a bank. See ``docs/similarity.md``.
"""

from harness.similarity.pairs import Document, Match, Region, SimilaritySettings, compare_documents

__all__ = ["Document", "Match", "Region", "SimilaritySettings", "compare_documents"]
