"""The labeled similarity set (tests/data/similarity, made by its make_set.py) and how the
detector does on it: used by the tests and by bench/eval_similarity.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from harness.similarity.code import code_document, code_hashes
from harness.similarity.pairs import SimilaritySettings, compare_documents

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "similarity"


@dataclass(frozen=True)
class Scored:
    exercise: str
    a: str
    b: str
    copy: bool  # True: both come from the same original
    score: float  # 0 when the pair was not reported at threshold 0 (too few shared fingerprints)


@dataclass(frozen=True)
class Figures:
    threshold: float
    copies: int
    independent: int
    recall: float
    false_positive_rate: float
    precision: float


def labels() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
    return loaded


def scored_pairs(split: str, settings: SimilaritySettings) -> list[Scored]:
    """Every same-exercise pair of the split with its score (reference excluded)."""
    data = labels()
    everything = settings.__class__(**{**settings.__dict__, "threshold": 0.0})
    out: list[Scored] = []
    for exercise in data["split"][split]:  # type: ignore[index]
        docs = [d for d in data["documents"] if d["exercise"] == exercise]  # type: ignore[attr-defined]
        excluded: set[int] = set()
        for reference in data["references"][exercise]:  # type: ignore[index]
            excluded |= code_hashes((REPO / reference).read_text(encoding="utf-8"), settings)
        documents = [
            code_document(d["path"], exercise, (DATA / d["path"]).read_text(encoding="utf-8"), everything) for d in docs
        ]
        found = {(m.a, m.b): m.score for m in compare_documents(documents, excluded, everything)}
        origin = {d["path"]: d["origin"] for d in docs}
        for x, y in combinations(sorted(origin), 2):
            out.append(Scored(exercise, x, y, origin[x] == origin[y], found.get((x, y), 0.0)))
    return out


def figures(pairs: list[Scored], threshold: float) -> Figures:
    copies = [p for p in pairs if p.copy]
    independent = [p for p in pairs if not p.copy]
    hit = sum(p.score >= threshold for p in copies)
    false = sum(p.score >= threshold for p in independent)
    return Figures(
        threshold,
        len(copies),
        len(independent),
        hit / len(copies),
        false / len(independent),
        hit / (hit + false) if hit + false else 1.0,
    )
