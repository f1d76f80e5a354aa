"""Attacks on the grader's protocol and judging, through the real bwrap sandbox.

The stub shares its process with the student's code, so a student can patch it or write on
the result channel directly. What must hold all the same: a statistical test is judged on
exactly the draws asked for, with seeds no student can know in advance; anything on the
channel that is not the expected sequence of events is the student's protocol problem; no
hidden test's input reaches the feedback; and no answer, however odd, makes the grader fail
(status ``error``) instead of giving a verdict.

One cohort (attack files in ``attacks/protocol/``) is graded once, with honest students
before and after the attackers.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.kinds.code_engine import sequential
from harness.results import QuestionResult
from tests.security.conftest import ATTACKS, requires_bwrap

pytestmark = [requires_bwrap, pytest.mark.sandbox]

PROTOCOL_ATTACKS = ATTACKS / "protocol"
TRIALS = 400
FIRST_ROUND = sequential.plan(TRIALS, 0.001).looks[0].draws  # the draws a student's job first asks for
HONEST = ("aaa-honest", "zzz-honest")

BANK = """\
id: protocol
title: Attacks on the protocol
version: "1"
defaults: {{visibility: public}}
questions:
  - id: code-protocol
    kind: code
    prompt: echo(x), draw(seed), gauss(seed), big()
    file: solution.py
    reference: reference.py
    limits: {{cpu_seconds: 5, wall_seconds: 10, memory_mb: 1024, processes: 32, file_size_mb: 8, tmp_mb: 32}}
    tests:
      - {{id: echo, call: echo, args: [public-input], time_limit: 2}}
      - {{id: hidden-echo, call: echo, args: [HIDDEN-INPUT-{token}], visibility: hidden, time_limit: 2}}
      - id: draw
        call: draw
        statistical: {{trials: {trials}, seed_kwarg: seed, alpha: 0.001}}
        time_limit: 5
      - id: gauss
        call: gauss
        statistical: {{trials: {trials}, seed_kwarg: seed, alpha: 0.001}}
        time_limit: 5
      - {{id: big, call: big, time_limit: 2}}
      - id: hidden-draw
        call: draw
        statistical: {{trials: {trials}, seed_kwarg: seed, alpha: 0.001}}
        visibility: hidden
        time_limit: 5
"""

REFERENCE = """\
import random


def echo(x):
    return x


def draw(seed):
    return random.Random(seed).choices(range(4), [0.7, 0.1, 0.1, 0.1])[0]


def gauss(seed):
    return random.Random(seed).gauss(0.0, 1.0)


def big():
    return 1.5
"""


@dataclass
class ProtocolRun:
    token: str
    results_text: str
    questions: dict[str, QuestionResult]
    seed_secret: Any

    def tests(self, student: str) -> dict[str, dict[str, Any]]:
        return {t["id"]: t for t in self.questions[student].evidence.model_dump().get("tests", [])}

    def feedback(self, student: str) -> str:
        return "\n".join(self.questions[student].feedback)


def attack_files() -> list[str]:
    return sorted(p.stem for p in PROTOCOL_ATTACKS.glob("*.py"))


@pytest.fixture(scope="module")
def protocol_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProtocolRun]:
    root = tmp_path_factory.mktemp("protocol")
    token = secrets.token_hex(8)
    (root / "bank").mkdir()
    bank = root / "bank" / "protocol.yaml"
    bank.write_text(BANK.format(token=token, trials=TRIALS), encoding="utf-8")
    (root / "bank" / "reference.py").write_text(REFERENCE, encoding="utf-8")
    students = {name: REFERENCE for name in HONEST}
    students |= {
        f"atk-{name.replace('_', '-')}": (PROTOCOL_ATTACKS / f"{name}.py").read_text() for name in attack_files()
    }
    for student, source in students.items():
        folder = root / "cohort" / student
        folder.mkdir(parents=True)
        (folder / "solution.py").write_text(source, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HARNESS_CACHE", str(root / "cache"))
        run = api.grade([bank], root / "cohort", root / "out", formats=["json"], sandbox="bwrap")
    yield ProtocolRun(
        token=token,
        results_text=(root / "out" / "results.json").read_text(encoding="utf-8"),
        questions={s.student_id: s.questions[0] for s in run.cohort.students},
        seed_secret=getattr(run.cohort, "seed_secret", None),
    )


def _failed(run: ProtocolRun, student: str, test: str) -> None:
    result = run.tests(student).get(test)
    assert result is not None and result["passed"] is False, f"{student} passed {test}: {run.feedback(student)}"


@pytest.mark.parametrize("student", HONEST)
def test_honest_students_get_full_marks(protocol_run: ProtocolRun, student: str) -> None:
    result = protocol_run.questions[student]
    assert result.score == result.max_score == 6, protocol_run.feedback(student)


def test_no_attack_makes_the_grader_fail(protocol_run: ProtocolRun) -> None:
    """Every answer gets a verdict: status `error` means "the grader failed on this answer"."""
    errors = {s: q.feedback for s, q in protocol_run.questions.items() if q.status == "error"}
    assert errors == {}


# --- statistical tests: the draws asked for, with seeds no one can know ----------------------


def test_a_patched_stub_cannot_report_fewer_draws(protocol_run: ProtocolRun) -> None:
    _failed(protocol_run, "atk-draws-truncated", "draw")
    assert f"expected {FIRST_ROUND} draws, got 10" in protocol_run.feedback("atk-draws-truncated")


def test_a_short_list_of_draws_sent_first_is_refused(protocol_run: ProtocolRun) -> None:
    _failed(protocol_run, "atk-draws-one-per-outcome", "draw")
    assert f"expected {FIRST_ROUND} draws, got 4" in protocol_run.feedback("atk-draws-one-per-outcome")


def test_a_sampler_right_only_for_small_seeds_fails(protocol_run: ProtocolRun) -> None:
    _failed(protocol_run, "atk-seeds-small-only", "draw")
    _failed(protocol_run, "atk-seeds-small-only", "gauss")


def test_the_seed_secret_is_recorded_for_the_instructor_only(protocol_run: ProtocolRun) -> None:
    secret = protocol_run.seed_secret
    assert isinstance(secret, str) and len(secret) >= 32, secret
    assert protocol_run.results_text.count(secret) == 1  # once, at the cohort level
    for student, result in protocol_run.questions.items():
        assert secret not in result.model_dump_json(), student


# --- the channel carries exactly the expected sequence of events ------------------------------


def test_a_result_sent_ahead_for_a_later_test_does_not_stand(protocol_run: ProtocolRun) -> None:
    _failed(protocol_run, "atk-result-sent-ahead", "big")
    assert "out of turn" in protocol_run.feedback("atk-result-sent-ahead")


# --- hidden tests: nothing but pass or fail reaches the student ------------------------------


@pytest.mark.parametrize(
    "student",
    ["atk-hidden-inputs-in-feedback", "atk-hidden-inputs-at-import", "atk-hidden-inputs-after-the-public-phase"],
)
def test_hidden_inputs_never_reach_the_results(protocol_run: ProtocolRun, student: str) -> None:
    feedback = protocol_run.feedback(student)
    assert protocol_run.token not in protocol_run.results_text, f"a hidden test's input reached the results: {feedback}"
    assert "PROBE found=[]" in feedback, f"the attack must report back, or this proves nothing: {feedback}"
    assert "hidden test 1:" in feedback  # hidden-echo, shown by number


def test_hidden_tests_record_no_p_value(protocol_run: ProtocolRun) -> None:
    """Students get their record back: a hidden statistical test's p-value, which the code's
    draws steer, could carry what it read of the hidden inputs out."""
    for student in protocol_run.questions:
        for test in protocol_run.tests(student).values():
            if test["visibility"] == "hidden":
                assert set(test) == {"id", "passed", "points", "visibility", "verdict", "p_value"}, (student, test)
                assert test["p_value"] is None, (student, test)


# --- odd answers are the student's problem, never the grader's -------------------------------


@pytest.mark.parametrize(
    ("student", "test", "phrase"),
    [
        ("atk-deep-json-line", "echo", "not a result on the result channel"),
        ("atk-list-result-id", "echo", "out of turn"),
        ("atk-huge-int-return", "big", "expected 1.5, got an integer of 4001 digits"),
        ("atk-forged-huge-array", "big", "could not be read"),
        ("atk-forged-bad-traceback", "big", "not a result on the result channel"),
        ("atk-huge-draw", "gauss", "a draw is too large to be a float"),
    ],
)
def test_an_odd_answer_gets_a_verdict(protocol_run: ProtocolRun, student: str, test: str, phrase: str) -> None:
    result = protocol_run.questions[student]
    assert result.status != "error", result.feedback
    _failed(protocol_run, student, test)
    assert phrase in protocol_run.feedback(student)


def test_an_honest_huge_int_costs_only_its_own_test(protocol_run: ProtocolRun) -> None:
    tests = protocol_run.tests("atk-huge-int-return")
    assert {t: r["passed"] for t, r in tests.items()} == {
        "echo": True,
        "hidden-echo": True,
        "draw": True,
        "gauss": True,
        "big": False,
        "hidden-draw": True,
    }


def test_attack_files_are_all_graded(protocol_run: ProtocolRun) -> None:
    assert {f"atk-{n.replace('_', '-')}" for n in attack_files()} <= protocol_run.questions.keys()
    assert len(attack_files()) >= 12
    assert Path(PROTOCOL_ATTACKS).is_dir()
