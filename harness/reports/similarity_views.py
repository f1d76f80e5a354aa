"""The cohort report's "Similar submissions" section, from ``CohortResult.similarity``.

Each pair above the threshold is listed with a link to its side-by-side view on the same
page: the two texts with the regions they share marked (lines of code, words of text).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from harness.similarity.record import CohortSimilarity, SimilarPair


@dataclass(frozen=True)
class PairView:
    anchor: str  # the id of its side-by-side view
    pair: SimilarPair
    left: Markup
    right: Markup


def pair_views(similarity: CohortSimilarity | None) -> list[PairView]:
    """One view per recorded pair, highest score first (as recorded); none without a similarity run."""
    if similarity is None:
        return []
    views = []
    for number, pair in enumerate(similarity.pairs, start=1):
        texts = similarity.sources.get(pair.item, {})
        views.append(
            PairView(
                anchor=f"pair-{number}",
                pair=pair,
                left=mark_regions(texts.get(pair.a, ""), [r.a for r in pair.regions], pair.kind),
                right=mark_regions(texts.get(pair.b, ""), [r.b for r in pair.regions], pair.kind),
            )
        )
    return views


def mark_regions(text: str, spans: list[tuple[int, int]], kind: str) -> Markup:
    """``text`` escaped, the lines (code) or words (text) in ``spans`` (1-based, inclusive) marked."""
    units = text.splitlines() if kind == "code" else text.split()
    inside = {n for start, end in spans for n in range(start, end + 1)}
    shown = [
        Markup("<mark>{}</mark>").format(unit) if number in inside else escape(unit)
        for number, unit in enumerate(units, start=1)
    ]
    return Markup("\n" if kind == "code" else " ").join(shown)
