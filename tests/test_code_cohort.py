"""The sample cohort's code, graded with the coding bank through the real bwrap sandbox.

``submissions/sample-cohort/`` holds a Python file (or notebook) per topic for most students,
written to match each one's quiz profile: s01-s04 strong (s02 hands in sampling as a notebook
with IPython magics), s05-s10 partly correct (typical bugs, missing functions), s11-s13 weak
(s11 a syntax error, s12 an infinite loop, s13 a notebook whose JSON is cut off), s14 a single
file, s15 code despite a malformed answers.yaml, s16 hostile (reads for the answer key, prints
"passed", forges results on the channel, exits at import, returns always-equal objects) and
s17 no code at all. The cohort is graded once per test session, with every bank (``sample_cohort``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.bwrap import BwrapSandbox
from tests.conftest import REPO, SampleCohortRun

BANK = REPO / "question_bank" / "coding.yaml"
CODING_BANK = "coding"  # its id

STRONG = ("s01-ada-lovelace", "s02-alan-turing", "s03-grace-hopper", "s04-katherine-johnson")
AVERAGE = (
    "s05-ravi-patel",
    "s06-maria-garcia",
    "s07-tom-nguyen",
    "s08-fatima-zahra",
    "s09-lukas-schmidt",
    "s10-emma-okafor",
)
WEAK = ("s11-jack-miller", "s12-chloe-dupont", "s13-omar-haddad")
SYNTAX_ERROR, SLOW, BROKEN_NOTEBOOK = WEAK
NOTEBOOK = "s02-alan-turing"
ONE_FILE = "s14-sofia-rossi"
BAD_ANSWERS_FILE = "s15-kenji-tanaka"
HOSTILE = "s16-priya-sharma"
NO_CODE = "s17-noah-bennett"

SAMPLING = ("code-softmax", "code-greedy", "code-top-k", "code-top-p", "code-sample-token")
PROBABILITY = ("code-discrete-distributions", "code-continuous-distributions")
MLE = ("code-mle", "code-log-likelihood")
ATTENTION = ("code-attention", "code-positional-encoding", "code-multi-head-attention")

# Text that lives only in the answer key, the reference solutions and the hidden tests: none of
# it may reach a results file, whatever the hostile student tried.
SECRETS = (
    "# Coding exercises (kind `code`",  # the first line of coding.yaml
    "harness validate --solutions coding.yaml",  # its header comment
    "Bonferroni",  # a comment next to the hidden statistical tests
    "Reference: a numerically stable softmax",  # exercises/softmax/reference.py
    "temperature -> top-k -> softmax -> top-p -> one seeded draw",  # exercises/sample_token/reference.py
    "The summaries are excellent and save me time.",  # the input of a hidden test
    "LEAKED",  # what the hostile sampling.py returns if it ever finds the key
)

_why = BwrapSandbox().unavailable_reason()
pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.slow,
    pytest.mark.skipif(
        _why is not None and not os.environ.get("CI"),
        reason=f"the bwrap sandbox cannot run here ({_why}); in CI these tests always run",
    ),
]


@dataclass
class Graded:
    text: str  # results.json as written
    cohort: dict[str, Any]
    students: dict[str, dict[str, Any]]

    def question(self, student: str, question_id: str) -> dict[str, Any]:
        (found,) = [q for q in self.students[student]["questions"] if q["question_id"] == question_id]
        return found

    def feedback(self, student: str, question_id: str) -> str:
        return "\n".join(self.question(student, question_id)["feedback"])

    def percent(self, student: str) -> float:
        s = self.students[student]
        return 100 * s["score"] / s["max_score"]

    def passed_tests(self, student: str, question_id: str) -> set[str]:
        return {t["id"] for t in self.question(student, question_id)["evidence"].get("tests", []) if t["passed"]}


@pytest.fixture(scope="module")
def graded(sample_cohort: SampleCohortRun) -> Graded:
    """The coding bank's part of the session's one run of the sample cohort (every bank, bwrap):
    only its questions, with each student's score and maximum summed over them."""
    cohort = sample_cohort.cohort
    coding = {q["id"] for q in cohort["questions"] if q["bank_id"] == CODING_BANK}
    cohort["questions"] = [q for q in cohort["questions"] if q["id"] in coding]
    for student in cohort["students"]:
        student["questions"] = [q for q in student["questions"] if q["question_id"] in coding]
        student["score"] = sum(q["score"] for q in student["questions"])
        student["max_score"] = sum(q["max_score"] for q in student["questions"])
    return Graded(sample_cohort.text, cohort, {s["student_id"]: s for s in cohort["students"]})


def test_the_whole_cohort_is_graded_in_bwrap(graded: Graded) -> None:
    assert graded.cohort["sandbox"] == "bwrap"
    assert len(graded.students) == 17
    assert {q["id"] for q in graded.cohort["questions"]} >= {*SAMPLING, *PROBABILITY, *MLE, *ATTENTION}
    assert all(s["max_score"] == 156 for s in graded.students.values())


def test_every_exercise_has_code_that_passes_and_code_that_fails(graded: Graded) -> None:
    for info in graded.cohort["questions"]:
        statuses = {graded.question(s, info["id"])["status"] for s in graded.students}
        assert "correct" in statuses, info["id"]
        assert statuses & {"partial", "incorrect"}, info["id"]


def test_strong_students_get_nearly_everything(graded: Graded) -> None:
    for student in STRONG:
        assert graded.percent(student) >= 90, student


def test_average_students_are_partly_right(graded: Graded) -> None:
    for student in AVERAGE:
        assert 30 <= graded.percent(student) <= 80, student
        statuses = {q["status"] for q in graded.students[student]["questions"]}
        assert {"correct", "partial"} <= statuses, student


def test_missing_functions_are_named_in_the_feedback(graded: Graded) -> None:
    # s05 left sample_token as a TODO: each public test says which function is missing
    feedback = graded.feedback("s05-ravi-patel", "code-sample-token")
    assert "no function 'sample_token'" in feedback
    assert graded.question("s05-ravi-patel", "code-sample-token")["score"] == 0


def test_weak_students_earn_little(graded: Graded) -> None:
    for student in WEAK:
        assert 0 < graded.percent(student) < 15, student
    assert all(graded.percent(w) < graded.percent(a) for w in WEAK for a in AVERAGE)


def test_an_infinite_loop_hits_the_per_call_time_limit(graded: Graded) -> None:
    greedy = graded.question(SLOW, "code-greedy")
    assert greedy["score"] == 0
    assert "timed out after 2 s" in graded.feedback(SLOW, "code-greedy")
    assert {t["verdict"] for t in greedy["evidence"]["tests"]} >= {"timeout"}
    # the loop costs only its own calls: the rest of the same file is still graded
    assert graded.question(SLOW, "code-softmax")["score"] > 0
    assert graded.question(SLOW, "code-top-k")["score"] > 0


def test_a_syntax_error_is_reported_with_its_line(graded: Graded) -> None:
    for question_id in ATTENTION:
        result = graded.question(SYNTAX_ERROR, question_id)
        feedback = graded.feedback(SYNTAX_ERROR, question_id)
        assert result["score"] == 0
        assert "could not be imported" in feedback
        assert "SyntaxError" in feedback
        assert re.search(r"line \d+", feedback), feedback
    # the student's other files are graded normally
    assert graded.question(SYNTAX_ERROR, "code-softmax")["score"] > 0


def test_a_notebook_with_broken_json_is_invalid(graded: Graded) -> None:
    for question_id in ATTENTION:
        result = graded.question(BROKEN_NOTEBOOK, question_id)
        assert result["status"] == "invalid"
        assert result["score"] == 0
        assert "not valid JSON" in graded.feedback(BROKEN_NOTEBOOK, question_id)
    assert graded.question(BROKEN_NOTEBOOK, "code-greedy")["status"] == "correct"


def test_a_notebook_runs_without_its_magics(graded: Graded) -> None:
    for question_id in SAMPLING:
        feedback = graded.feedback(NOTEBOOK, question_id)
        assert "removed '%matplotlib inline' (IPython only)" in feedback
        assert "removed '!pip install numpy' (IPython only)" in feedback
        assert "a cell magic (%%time) was skipped" in feedback
    earned = sum(graded.question(NOTEBOOK, q)["score"] for q in SAMPLING)
    assert earned >= 40  # of 41: only a hidden validation test is missed


def test_one_file_only(graded: Graded) -> None:
    graded_questions = {q["question_id"] for q in graded.students[ONE_FILE]["questions"] if q["status"] != "missing"}
    assert graded_questions == set(PROBABILITY)
    assert graded.students[ONE_FILE]["score"] > 0


def test_code_is_graded_even_when_the_answers_file_is_malformed(graded: Graded) -> None:
    student = graded.students[BAD_ANSWERS_FILE]
    assert "answers-unreadable" in {p["code"] for p in student["problems"]}
    assert graded.question(BAD_ANSWERS_FILE, "code-softmax")["status"] == "correct"
    assert graded.question(BAD_ANSWERS_FILE, "code-mle")["status"] == "correct"


def test_no_code_no_points(graded: Graded) -> None:
    questions = graded.students[NO_CODE]["questions"]
    assert {q["status"] for q in questions} == {"missing"}
    assert graded.students[NO_CODE]["score"] == 0


def test_the_hostile_student_earns_only_what_its_code_earned(graded: Graded) -> None:
    hostile = graded.students[HOSTILE]
    for question_id in (*SAMPLING, *MLE, *ATTENTION):
        assert graded.question(HOSTILE, question_id)["score"] == 0, question_id
    # probability.py answers with strings, fractions and decimals but raises ValueError as
    # asked: those two raise tests are all it passes
    assert graded.passed_tests(HOSTILE, "code-discrete-distributions") == {"bad-p"}
    assert graded.passed_tests(HOSTILE, "code-continuous-distributions") == {"bad-sigma"}
    assert hostile["score"] == 2


def test_the_hostile_tricks_are_recorded_clearly(graded: Graded) -> None:
    # sys.exit(0) while importing mle.py
    for question_id in MLE:
        assert "could not be imported: SystemExit" in graded.feedback(HOSTILE, question_id)
    # "passed" and forged events written to the result channel by attention.py
    for question_id in ATTENTION:
        assert "not a result on the result channel" in graded.feedback(HOSTILE, question_id)
    # always-equal objects and a float subclass are judged by their type, not their __eq__
    assert "got object of type AlwaysEqual" in graded.feedback(HOSTILE, "code-top-k")
    assert "got object of type SneakyFloat" in graded.feedback(HOSTILE, "code-top-p")
    # nothing was found to steal: greedy returns its fallback, "passed", and that is wrong
    assert "got 'passed'" in graded.feedback(HOSTILE, "code-greedy")


def test_nothing_from_the_answer_key_reaches_the_results(graded: Graded) -> None:
    for secret in SECRETS[:-1]:
        assert secret not in graded.text, secret
    # A student's own code is kept verbatim beside the tests it failed (evidence.source): the
    # hostile file's literals are its own. What the code *produced* must not get out.
    produced = _without_sources(json.loads(graded.text))
    assert SECRETS[-1] not in produced
    # the prints claiming success stay inside the sandbox
    assert "All tests passed!" not in produced
    assert "Ran 20 tests" not in produced


def _without_sources(cohort: dict[str, Any]) -> str:
    """The results as JSON with every student's recorded source left out."""
    students = [{**s, "questions": [_drop_source(q) for q in s["questions"]]} for s in cohort["students"]]
    return json.dumps({**cohort, "students": students}, ensure_ascii=False)


def _drop_source(question: dict[str, Any]) -> dict[str, Any]:
    evidence = {k: v for k, v in question["evidence"].items() if k != "source"}
    return {**question, "evidence": evidence}


def test_the_secrets_are_real(graded: Graded) -> None:
    """Each SECRETS entry (but the hostile marker) is really in the key, so the test above means something."""
    key_files = [BANK, *(BANK.parent / "exercises").glob("*/reference.py")]
    text = "\n".join(Path(f).read_text(encoding="utf-8") for f in key_files)
    for secret in SECRETS[:-1]:
        assert secret in text, secret


def test_no_grader_errors_besides_the_known_one(graded: Graded) -> None:
    errors = [
        (student, q["question_id"], q["feedback"][0])
        for student, result in graded.students.items()
        for q in result["questions"]
        if q["status"] == "error"
    ]
    assert errors == []


def test_an_always_equal_object_fails_a_property_test_cleanly(graded: Graded) -> None:
    result = graded.question(HOSTILE, "code-softmax")
    assert result["status"] == "incorrect", graded.feedback(HOSTILE, "code-softmax")
