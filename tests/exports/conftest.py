"""A small cohort result built in memory: exports read only the public result records."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.results import BankRef, CohortResult, QuestionInfo, QuestionResult, Status, StudentResult


def question(qid: str, points: float, visibility: str = "public") -> QuestionInfo:
    return QuestionInfo(id=qid, bank_id="b", kind="numeric", prompt="?", points=points, visibility=visibility)


def result(
    qid: str, score: float, max_score: float, feedback: list[str] | None = None, reveal: bool = True
) -> QuestionResult:
    status = Status.CORRECT if score == max_score else Status.PARTIAL if score else Status.INCORRECT
    return QuestionResult(
        question_id=qid, kind="numeric", score=score, max_score=max_score, status=status,
        feedback=feedback or [], reveal=reveal,
    )  # fmt: skip


def student(sid: str, *questions: QuestionResult) -> StudentResult:
    return StudentResult(
        student_id=sid, banks=[], questions=list(questions),
        score=sum(q.score for q in questions), max_score=sum(q.max_score for q in questions),
    )  # fmt: skip


@pytest.fixture
def cohort() -> CohortResult:
    return CohortResult(
        cohort="demo",
        mode="grade",
        banks=[BankRef(id="b", title="Unit quiz", version="1", content_hash="x")],
        questions=[question("q1", 2), question("q2", 3, "hidden")],
        students=[
            student("ada", result("q1", 2, 2, ["right"]), result("q2", 1.5, 3, ["expected 4"], reveal=False)),
            student("=cmd|calc", result("q1", 0, 2, ["-1 is not it"]), result("q2", 0, 3)),
            student("grace", result("q1", 1, 2)),  # no result for q2: an empty cell, not a zero
        ],
    )


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(
        "\ufefffolder,name,lms_id,sis_user_id,sis_login_id,section,email\n"
        'ada,"Lovelace, Ada",101,S1,ada1,A,ada@uni.edu\n'
        "=cmd|calc,@Mallory,102,S2,mal,B,+mal@uni.edu\n"
        'grace,"Hopper, Grace",103,S3,grace3,A,grace@uni.edu\n'
        'alan,"Turing, Alan",104,S4,alan4,B,alan@uni.edu\n',
        encoding="utf-8",
    )
    return path
