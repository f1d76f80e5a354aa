"""The result log's typed evidence, its problem codes, and the reading of version-1 logs.

``tests/data/results/v1-cohort.json`` holds one question of each kind and status from the
sample cohort's golden as version 1 wrote it (main at d98b355); ``v2-cohort.json`` the same
questions as version 2 writes them (the golden regenerated with this schema).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from harness.cli import main
from harness.errors import HarnessError
from harness.evidence import (
    CodeEvidence,
    Evidence,
    OtherEvidence,
    UngradedEvidence,
    evidence_model,
    register_evidence,
)
from harness.grading import runner
from harness.reports import stats
from harness.reports.release import released
from harness.results import (
    NON_ATTEMPT,
    SCHEMA_VERSION,
    CohortResult,
    Problem,
    ProblemCode,
    QuestionResult,
    Status,
    StudentJson,
    dump_json,
    read_cohort,
    upgrade_v1,
    write_cohort_json,
)

DATA = Path(__file__).parent / "data" / "results"
V1, V2 = DATA / "v1-cohort.json", DATA / "v2-cohort.json"


class PluginEvidence(Evidence):
    """What a third-party kind would declare."""

    type: Literal["test-plugin-kind"] = "test-plugin-kind"
    heard: list[str]
    loudness: float


def _question(evidence: object, status: Status = Status.CORRECT, kind: str = "test-plugin-kind") -> QuestionResult:
    return QuestionResult.model_validate(
        {"question_id": "q", "kind": kind, "score": 1, "max_score": 1, "status": status, "evidence": evidence}
    )


def test_a_version_1_log_reads_as_the_version_2_log_of_the_same_run() -> None:
    old, new = read_cohort(V1), read_cohort(V2)
    assert json.loads(V1.read_text(encoding="utf-8"))["schema_version"] == 1
    assert old.schema_version == new.schema_version == SCHEMA_VERSION == 2
    assert old == new
    kinds = {(q.kind, type(q.evidence).__name__) for s in new.students for q in s.questions}
    assert ("code", "CodeEvidence") in kinds and ("choice", "UngradedEvidence") in kinds
    assert ("generation", "GenerationEvidence") in kinds and ("text", "TextEvidence") in kinds


def test_a_version_2_log_is_written_back_byte_for_byte(tmp_path: Path) -> None:
    write_cohort_json(read_cohort(V2), tmp_path / "results.json")
    assert (tmp_path / "results.json").read_bytes() == V2.read_bytes()


def test_a_students_record_joined_from_its_questions_json_is_its_own_dump() -> None:
    """One question of each kind and status, shared between records as a run shares them, a
    record without questions, a released copy, and a string UTF-8 cannot encode."""
    students = read_cohort(V2).students
    first = students[0]
    shared = first.model_copy(update={"student_id": "twin", "questions": [*first.questions, *first.questions]})
    odd = first.questions[0].model_copy(update={"feedback": ["lone \ud800 surrogate"], "hidden_points": 1.5})
    records = [
        *students,
        shared,
        first.model_copy(update={"questions": []}),
        released(
            first.model_copy(
                update={
                    "questions": [q.model_copy(update={"reveal": i % 2 == 0}) for i, q in enumerate(first.questions)]
                }
            )
        ),
        first.model_copy(update={"questions": [odd, first.questions[1]]}),
    ]
    writer = StudentJson()
    for record in [*records, *records]:  # the second time, every question's JSON is remembered
        assert writer.text(record) + "\n" == dump_json(record)


def test_harness_report_renders_a_version_1_log_as_its_version_2_log(tmp_path: Path) -> None:
    for name, log in (("old", V1), ("new", V2)):
        result = CliRunner().invoke(main, ["report", str(log), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    old = {p.relative_to(tmp_path / "old"): p.read_bytes() for p in (tmp_path / "old").rglob("*") if p.is_file()}
    new = {p.relative_to(tmp_path / "new"): p.read_bytes() for p in (tmp_path / "new").rglob("*") if p.is_file()}
    assert Path("index.html") in old and old == new


@pytest.mark.parametrize("version", [0, 3, "2", None])
def test_another_version_is_refused_in_one_line(tmp_path: Path, version: object) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"schema_version": version, "students": []}), encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        read_cohort(path)
    message = str(caught.value)
    assert "\n" not in message and f"schema_version {version!r}, this harness reads 1 and 2" in message


def test_a_version_1_self_check_moves_hidden_points_to_the_result() -> None:
    code = {"question_id": "q-mean", "kind": "code", "score": 0, "max_score": 2, "status": "missing"}
    graded = {**code, "question_id": "q-var", "status": "partial", "score": 1}
    student = {
        "schema_version": 1,
        "student_id": "s",
        "banks": [],
        "score": 1,
        "max_score": 4,
        "questions": [
            {**code, "evidence": {"expected": "stats.py", "hidden_points": 3}},
            {
                **graded,
                "evidence": {
                    "sandbox": "bwrap",
                    "tests": [{"id": "t", "passed": False, "points": 1, "visibility": "public", "why": "wrong"}],
                    "expected": "stats.py",
                    "hidden_points": 1.5,
                },
            },
        ],
    }
    v1 = {"schema_version": 1, "cohort": "c", "mode": "check", "banks": [], "questions": [], "students": [student]}
    missing, partial = CohortResult.model_validate(upgrade_v1(v1)).students[0].questions
    assert missing.evidence == UngradedEvidence(expected="stats.py") and missing.hidden_points == 3
    assert isinstance(partial.evidence, CodeEvidence) and partial.hidden_points == 1.5
    assert partial.evidence.tests[0].verdict == "wrong" and partial.evidence.sandbox == "bwrap"


def test_hidden_points_are_absent_from_a_grading_runs_log() -> None:
    assert "hidden_points" not in _question({"type": "ungraded"}).model_dump_json()
    assert (
        '"hidden_points":3.0'
        in _question({"type": "ungraded"}).model_copy(update={"hidden_points": 3.0}).model_dump_json()
    )


def test_a_plugins_evidence_reads_back_as_its_own_model() -> None:
    result = _question(PluginEvidence(heard=["a"], loudness=0.5, expected="a"))
    again = QuestionResult.model_validate_json(result.model_dump_json())
    assert isinstance(again.evidence, PluginEvidence) and again == result
    assert evidence_model("test-plugin-kind") is PluginEvidence
    with pytest.raises(ValidationError, match="loudness"):
        _question({"type": "test-plugin-kind", "heard": ["a"]})


def test_an_unknown_type_is_kept_as_json_and_written_back_unchanged() -> None:
    raw = {"type": "not-installed-here", "expected": None, "spans": [[0, 4]], "why": {"a": 1.5}}
    result = _question(raw, kind="not-installed-here")
    assert isinstance(result.evidence, OtherEvidence)
    assert json.loads(result.model_dump_json())["evidence"] == raw


def test_evidence_without_a_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="type"):
        _question({"chosen": ["a"]}, kind="choice")


def test_student_text_in_evidence_is_made_printable() -> None:
    result = _question({"type": "not-installed-here", "ids": ["ex-\udcff", "\ud800"]})
    assert json.loads(result.model_dump_json())["evidence"]["ids"] == ["ex-\\xff", "\\ud800"]


def test_two_models_cannot_claim_one_type() -> None:
    with pytest.raises(TypeError, match="'test-plugin-kind' is taken by"):

        class Clash(Evidence):
            type: Literal["test-plugin-kind"] = "test-plugin-kind"

    with pytest.raises(TypeError, match="needs a fixed type"):
        register_evidence(OtherEvidence)


def test_problem_codes_are_one_enum_and_non_attempts_are_defined_once() -> None:
    assert Problem(code="no-answers", message="m").code is ProblemCode.NO_ANSWERS
    with pytest.raises(ValidationError):
        Problem(code="made-up", message="m")
    assert {ProblemCode.NO_ANSWERS, ProblemCode.ANSWERS_UNREADABLE} == NON_ATTEMPT
    assert runner.NON_ATTEMPT is NON_ATTEMPT and stats.NON_ATTEMPT is NON_ATTEMPT
