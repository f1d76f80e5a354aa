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


# -- text answers: the sample cohort's answers (independent) and disguised copies of them -------

FILLERS = ["In my opinion,", "Basically", "As we saw in class,", "To summarise:"]


def disguised_text(answer: str, seed: str) -> str:
    """A copy as a student disguises prose: case and punctuation changed, sentences
    reordered, a filler phrase added (words themselves kept: a reworded answer is not a copy)."""
    import random
    import re

    rng = random.Random(seed)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s]
    rng.shuffle(sentences)
    text = " ".join(sentences)
    text = text.upper() if rng.random() < 0.3 else text.lower()
    text = text.replace(",", " ;").replace(" - ", ", ")
    return f"{rng.choice(FILLERS)} {text}"


def text_pairs(settings: SimilaritySettings, min_words: int = 12) -> list[Scored]:
    """Every pair of two students' answers to each text question of the course's banks (taken
    as independent), and each answer of at least ``min_words`` words against its disguised copy."""
    from harness import api
    from harness.kinds.text import TextQuestion
    from harness.similarity.text import text_document, text_hashes
    from harness.submissions import read_submission

    everything = settings.__class__(**{**settings.__dict__, "threshold": 0.0})
    cohort = sorted((REPO / "submissions" / "sample-cohort").iterdir())
    answers = {f.name: read_submission(f).answers for f in cohort}  # as grading reads them
    out: list[Scored] = []
    for bank in api.load([REPO / "question_bank"]):
        for bq in bank.questions:
            question = bq.question
            if not isinstance(question, TextQuestion):
                continue
            given = {s: a[question.id] for s, a in answers.items() if isinstance(a.get(question.id), str)}
            docs = [text_document(s, question.id, t, settings.text_n) for s, t in given.items()]
            copies = [
                text_document(f"{s}~copy", question.id, disguised_text(t, f"{question.id}/{s}"), settings.text_n)
                for s, t in given.items()
                if len(t.split()) >= min_words
            ]
            excluded = text_hashes(question.prompt, settings.text_n) | text_hashes(
                question.reference or "", settings.text_n
            )
            found = {(m.a, m.b): m.score for m in compare_documents(docs + copies, excluded, everything)}
            for x, y in combinations(sorted(given), 2):
                out.append(Scored(question.id, x, y, False, found.get((x, y), 0.0)))
            for copy in copies:
                student = copy.student.removesuffix("~copy")
                out.append(Scored(question.id, student, copy.student, True, found.get((student, copy.student), 0.0)))
    return out
