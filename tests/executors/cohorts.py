"""What the executor tests grade: the course's quiz banks on the sample cohort, and a cohort of
generated students for a bank of one kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import REPO

TODAY = dt.date(2026, 11, 23)
SEED_SECRET = "executor-tests"
QUIZ_BANKS = [REPO / "question_bank" / "probability.yaml", REPO / "question_bank" / "foundations.yaml"]
SAMPLE_COHORT = REPO / "submissions" / "sample-cohort"


def true_false_cohort(root: Path, kind: str, students: int) -> tuple[Path, Path]:
    """A bank of two ``kind`` questions (true/false-like) and ``students`` folders answering them."""
    bank = root / "bank.yaml"
    bank.write_text(
        f"id: tfx\ntitle: Executors\nversion: 1\nquestions:\n"
        f"  - {{id: q1, kind: {kind}, prompt: One, answer: true}}\n"
        f"  - {{id: q2, kind: {kind}, prompt: Two, answer: false}}\n",
        encoding="utf-8",
    )
    cohort = root / "cohort"
    for i in range(students):
        folder = cohort / f"s{i:02d}"
        folder.mkdir(parents=True)
        (folder / "answers.yaml").write_text(f"q1: {str(i % 2 == 0).lower()}\nq2: false\n", encoding="utf-8")
    (cohort / "s99-empty").mkdir()  # no answers file: a problem recorded on the student
    return bank, cohort
