"""Similar pairs as the result log records them, for the cohort report.

``harness grade --similarity`` runs :func:`harness.similarity.cohort.find_similar` after
grading and keeps the pairs at or above the threshold in ``CohortResult.similarity``, with the
texts of the students in a pair (only theirs), so the report can show each pair side by side
from the log alone. Pydantic records only: reading a log imports no similarity code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from harness.records import Record, Text

if TYPE_CHECKING:
    from harness.similarity.cohort import SimilarityReport


class SharedRegion(Record):
    """First and last line (code) or word (text), counted from 1, in each of the two texts."""

    a: tuple[int, int]
    b: tuple[int, int]


class SimilarPair(Record):
    item: Text  # a code question's file, or a text question's id
    kind: Literal["code", "text"]
    a: Text
    b: Text
    score: float
    shared: int  # distinctive fingerprints in common
    regions: list[SharedRegion]


class CohortSimilarity(Record):
    threshold: float
    documents: int  # texts compared
    items: list[Text]
    pairs: list[SimilarPair]  # highest score first
    skipped: list[Text]  # files that could not be read
    sources: dict[str, dict[str, Text]]  # item -> student -> text compared, for students in a pair


def cohort_similarity(report: SimilarityReport) -> CohortSimilarity:
    """What the log keeps of a similarity report: its pairs, and the paired students' texts."""
    pairs = [
        SimilarPair(
            item=m.item,
            kind=m.kind,
            a=m.a,
            b=m.b,
            score=round(m.score, 6),
            shared=m.shared,
            regions=[SharedRegion(a=r.a, b=r.b) for r in m.regions],
        )
        for m in report.pairs
    ]
    paired: dict[str, set[str]] = {}
    for pair in pairs:
        paired.setdefault(pair.item, set()).update((pair.a, pair.b))
    sources = {
        item: {sid: report.sources[item][sid] for sid in sorted(students) if sid in report.sources.get(item, {})}
        for item, students in sorted(paired.items())
    }
    return CohortSimilarity(
        threshold=report.settings.threshold,
        documents=report.documents,
        items=report.items,
        pairs=pairs,
        skipped=report.skipped,
        sources=sources,
    )
