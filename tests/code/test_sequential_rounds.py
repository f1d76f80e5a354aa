"""Statistical tests graded in rounds through a real sandbox: the first round rides in the
student's job, later rounds ask only for the next look's draws, and the decision is the
grader's (the sandbox only draws, one draw per seed sent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.kinds.code_engine import sequential
from harness.kinds.code_engine.sample_tests import trial_seeds
from harness.results import StudentResult
from tests.code.sent_jobs import record_jobs

BANK = """\
id: rounds
title: Draws in rounds
version: "1"
questions:
  - id: q-draw
    kind: code
    prompt: draw(seed)
    file: sampler.py
    reference: reference.py
    tests:
      - id: draw
        call: draw
        statistical: {trials: 400, seed_kwarg: seed, alpha: 0.001}
      - id: draw-hidden
        call: draw
        statistical: {trials: 400, seed_kwarg: seed, alpha: 0.001}
        visibility: hidden
"""

REFERENCE = """\
import random


def draw(seed):
    return random.Random(seed).choices([0, 1, 2, 3], weights=[4, 3, 2, 1])[0]
"""

STUDENTS = {
    "exact": "# my sampler\n" + REFERENCE,  # draws exactly as the reference: identical draws
    "greedy": "def draw(seed):\n    return 0\n",  # always the likeliest: no sampling at all
    # correct, but its generator is seeded otherwise: independent draws from the same law
    "reseeded": REFERENCE.replace("random.Random(seed)", "random.Random(seed ^ 0x5EED)"),
}
SECRET = "rounds-secret"
PLAN = sequential.plan(400, 0.001, 4)


@pytest.fixture
def graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, StudentResult], list[dict[str, Any]]]:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "rounds.yaml").write_text(BANK)
    (tmp_path / "bank" / "reference.py").write_text(REFERENCE)
    for name, source in STUDENTS.items():
        (tmp_path / "cohort" / name).mkdir(parents=True)
        (tmp_path / "cohort" / name / "sampler.py").write_text(source)
    sent = record_jobs(monkeypatch)
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))  # the reference runs here too
    result = api.grade(
        [tmp_path / "bank" / "rounds.yaml"], tmp_path / "cohort", tmp_path / "out", ["json"],
        dt.date(2026, 11, 23), "process", True, seed_secret=SECRET,
    )  # fmt: skip
    calls = [dict(c, source=files) for files, request in sent for c in request["calls"]]
    return {s.student_id: s for s in result.cohort.students}, calls


def _draws_asked(calls: list[dict[str, Any]], source: str, test: str) -> list[int]:
    return [len(c["seeds"]) for c in calls if c["id"] == test and "sampler.py" in c["source"]
            and c["source"]["sampler.py"] == source]  # fmt: skip


def _feedback(student: StudentResult) -> str:
    return "\n".join(student.questions[0].feedback)


def test_exact_and_plainly_wrong_samplers_stop_at_the_first_look(
    graded: tuple[dict[str, StudentResult], list[dict[str, Any]]],
) -> None:
    students, calls = graded
    first = PLAN.looks[0].draws
    assert students["exact"].score == students["exact"].max_score
    assert "look 1 of 4" in _feedback(students["exact"]) and "stop early" in _feedback(students["exact"])
    assert students["greedy"].score == 0 and "look 1 of 4" in _feedback(students["greedy"])
    for name in ("exact", "greedy"):
        assert _draws_asked(calls, STUDENTS[name], "draw") == [first]
        assert _draws_asked(calls, STUDENTS[name], "draw-hidden") == [first]


def test_an_undecided_test_draws_the_next_rounds_seeds_only(
    graded: tuple[dict[str, StudentResult], list[dict[str, Any]]],
) -> None:
    students, calls = graded
    assert students["reseeded"].score == students["reseeded"].max_score
    every = trial_seeds(SECRET, "q-draw/draw", PLAN.max_draws)
    rounds = [c["seeds"] for c in calls if c["id"] == "draw" and c["source"]["sampler.py"] == STUDENTS["reseeded"]]
    assert len(rounds) > 1  # with this secret the first look leaves it undecided
    assert [seed for r in rounds for seed in r] == every[: sum(map(len, rounds))]  # each seed once, in order
    assert [sum(map(len, rounds[: k + 1])) for k in range(len(rounds))] == [s.draws for s in PLAN.looks][: len(rounds)]


def test_every_public_round_comes_before_the_first_hidden_job(
    graded: tuple[dict[str, StudentResult], list[dict[str, Any]]],
) -> None:
    """A job can leave marks that a later job reads back (tests/security/test_hidden_inputs.py):
    a student's public jobs, rounds included, all run before any job holding a hidden input."""
    _, calls = graded
    for name, source in STUDENTS.items():
        order = [c["id"] for c in calls if c["source"].get("sampler.py") == source]
        assert "draw-hidden" in order and "draw" in order, (name, order)
        assert order.index("draw-hidden") > max(i for i, test in enumerate(order) if test == "draw"), (name, order)
