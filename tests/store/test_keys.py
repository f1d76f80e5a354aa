"""The grade keys, written part by part for speed, are the bytes of the plain canonical dump.

A key that changed its bytes would make every store written before miss (a whole cohort graded
again) and, worse, two encodings could disagree on which answers are equal. The reference here
is the key's definition (``harness.store.keys`` docstring): the canonical JSON of one mapping,
its answer made JSON by a round trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.grading.runner import GradingPlan
from harness.results import Problem, ProblemCode
from harness.store.keys import GradeKeys, folder_digest, question_slots, run_fingerprint
from harness.submissions import Submission
from tests.test_cli import BANK

ANSWERS: list[dict[str, Any]] = [
    {},
    {"q-num": 0.3, "q-choice": "b", "q-tf": True, "q-text": "Générateur \U0001f600", "q-order": ["a", "b"]},
    {"q-num": float("nan"), "q-choice": ["b", "a"], "q-tf": 1, "q-text": "x\ud800y", "q-later": None},
    {"q-match": {"GAN": "latent", "VAE": "adversarial"}, "q-num": {2: "two", 10: "ten"}, "q-order": [{"b": 1, "a": 2}]},
    {"q-num": dt.date(2026, 1, 1), "q-order": ["a", 3, [1.5, None]], "q-match": {True: {"z": 1, "a": [2]}}},
    {"q-num": 10**30, "q-text": "", "q-choice": ("b",), "q-tf": {"set": {1, 2}}},
    {"q-num": -0.0, "q-text": float("-inf"), "q-later": float("inf"), "q-choice": [], "q-order": 1e300},
]


def _reference(plan: GradingPlan, run: str, submission: Submission, question_id: str, fingerprint: str) -> str:
    """The key as the store defines it: one mapping, dumped canonically, hashed."""
    question = next(bq.question for _, bq in plan.questions() if bq.question.id == question_id)
    lost = submission.unreadable.get(question_id)
    answer = json.loads(
        json.dumps(submission.answers.get(question_id), sort_keys=True, default=repr, ensure_ascii=False)
    )
    payload = {
        "run": run,
        "student": submission.student_id,
        "files": folder_digest(submission.folder),
        "no_answer": sorted(f"{p.code}:{p.message}" for p in submission.problems),
        "question": fingerprint,
        "answer": answer,
        "answered": question_id in submission.answers,
        "unreadable": [lost.message, lost.location] if lost else None,
        "reveal": question.is_public_on(plan.today),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@pytest.mark.parametrize("today", ["2026-01-01", "2030-01-01"])
@pytest.mark.parametrize("answers", ANSWERS, ids=range(len(ANSWERS)))
def test_each_key_is_the_plain_dump_of_its_fields(tmp_path: Path, answers: dict[str, Any], today: str) -> None:
    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    (tmp_path / "s\udcff1").mkdir()
    (tmp_path / "s\udcff1" / "notes.txt").write_text("hello", encoding="utf-8")
    plan = GradingPlan(api.load([bank]), "grade", dt.date.fromisoformat(today))
    submission = Submission("s\udcff1", tmp_path / "s\udcff1", answers=dict(answers))
    submission.problems.append(Problem(code=ProblemCode.NAME_NOT_UTF8, message="odd name", location="c/s"))
    submission.unreadable["q-tf"] = Problem(code=ProblemCode.ANSWER_UNREADABLE, message="dup", location="a.yaml:3")
    slots = question_slots(plan)
    run = run_fingerprint(plan)
    keys = GradeKeys(plan, run, slots).of(submission)
    assert list(keys) == [s.question_id for s in slots]
    for slot in slots:
        assert keys[slot.question_id] == _reference(plan, run, submission, slot.question_id, slot.fingerprint)
