"""Which of a student's code questions share one sandbox job, and splitting its report."""

from __future__ import annotations

from harness.kinds import kind_registry
from harness.kinds.code import CodeQuestion, StudentCode
from harness.kinds.code_engine.channel import RunReport
from harness.kinds.code_engine.grouping import group_test_id, question_part, shared_file_groups


def _question(qid: str, file: str = "stats.py") -> CodeQuestion:
    example = kind_registry().get("code").example.question
    question = CodeQuestion.model_validate({**example, "id": qid, "file": file})
    return question


def test_questions_of_one_file_and_source_form_a_group_and_others_groups_of_their_own() -> None:
    same, other_source, other_file = StudentCode("a = 1", []), StudentCode("a = 2", []), StudentCode("a = 1", [])
    jobs = [
        (_question("q1"), same),
        (_question("q2"), same),
        (_question("q3"), other_source),  # the same file name, but another text: a job of its own
        (_question("q4", "other.py"), other_file),
    ]
    groups = shared_file_groups(jobs)
    assert [[q.id for q, _ in group] for group in groups] == [["q1", "q2"], ["q3"], ["q4"]]


def test_a_group_report_splits_back_under_each_question_own_test_ids() -> None:
    events = {group_test_id(0, "t"): {"ok": True, "value": 1}, group_test_id(1, "t"): {"ok": True, "value": 2}}
    report = RunReport(events=events, import_error=None)
    assert question_part(report, 1).events == {"t": {"ok": True, "value": 2, "id": "t"}}
    assert question_part(report, 0).events["t"]["value"] == 1
