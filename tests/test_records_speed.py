"""The fast paths of the result log: they must give exactly what the slow paths give."""

from __future__ import annotations

import gc
import textwrap
from pathlib import Path

from harness.grading.lifecycle import _collector_for_a_run
from harness.records import printable_data
from harness.results import CohortResult, QuestionResult, Status, StudentResult, dump_json, write_cohort_json


def test_plain_data_comes_back_unrebuilt() -> None:
    plain = {"a": [1, 2.5, True, None, "text"], "b": {"c": "d"}}
    assert printable_data(plain) is plain


def test_data_that_is_not_plain_is_still_cleaned() -> None:
    assert printable_data({"k": ("x", "\udcff")}) == {"k": ["x", "\\xff"]}  # tuple -> list, byte shown
    assert printable_data(["ok", {"\ud800": 1}]) == ["ok", {"\\ud800": 1}]
    assert printable_data("café") == "café"  # non-ASCII but printable: unchanged


def test_the_streamed_cohort_json_is_dump_json_byte_for_byte(tmp_path: Path) -> None:
    question = QuestionResult(
        question_id="q1", kind="text", score=1.0, max_score=2.0, status=Status.PARTIAL, feedback=["a\nb"]
    )
    students = [
        StudentResult(student_id=f"s{i}", banks=[], score=1.0, max_score=2.0, questions=[question]) for i in range(2)
    ]
    cohort = CohortResult(cohort="c", mode="grade", banks=[], questions=[], students=students)
    write_cohort_json(cohort, tmp_path / "results.json")
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == dump_json(cohort)
    indented = textwrap.indent(dump_json(students[0]).rstrip("\n"), "    ")
    assert indented in dump_json(cohort)


def test_a_run_spares_the_collector_and_restores_it() -> None:
    before = gc.get_threshold()
    with _collector_for_a_run():
        assert gc.get_threshold()[0] >= 50_000
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
