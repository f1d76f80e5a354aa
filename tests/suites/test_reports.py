"""Metric results in the HTML report: intervals and signatures on student pages, a cohort summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from harness.evidence import OtherEvidence
from harness.reports.html import HtmlReporter, metric_summaries, metric_views
from harness.results import BankRef, CohortResult, QuestionInfo, QuestionResult, Status, StudentResult

BANK = BankRef(id="gen", title="Generation", version="1", content_hash="0" * 64)
SIGNATURE = "bleu|nrefs:1|bs:1000|seed:0|tok:13a|case:mixed|eff:no|smooth:exp|version:2.6.0|harness:0.1.0"


def metric(score: float, low: float | None = None, high: float | None = None, **extra: Any) -> dict[str, Any]:
    entry = {
        "id": "bleu",
        "metric": "bleu",
        "score": score,
        "ci_low": low,
        "ci_high": high,
        "confidence": 0.95 if low is not None else None,
        "higher_is_better": True,
        "threshold": 40.0,
        "passed": score >= 40,
        "weight": 2.0,
        "fraction": min(1.0, max(0.0, (score - 10) / 50)),
        "signature": SIGNATURE,
        "worst": [],
    }
    return {**entry, **extra}


def result(student_score: float, entries: list[dict[str, Any]], reveal: bool = True) -> QuestionResult:
    return QuestionResult(
        question_id="gen-translate",
        kind="generation",
        topic="evaluation",
        score=student_score,
        max_score=4,
        status=Status.PARTIAL,
        feedback=["bleu: ..."],
        answer="translations.jsonl",
        evidence={
            "type": "generation",
            "suite": "translation v1",
            "outputs_sha256": "0" * 64,
            "samples": 4,
            "metrics": entries,
        },
        reveal=reveal,
    )


def cohort(*questions: QuestionResult) -> CohortResult:
    info = QuestionInfo(
        id="gen-translate", bank_id="gen", kind="generation", prompt="Translate.", points=4, visibility="public"
    )
    students = [
        StudentResult(student_id=f"s{i}", banks=[BANK], score=q.score, max_score=4, questions=[q])
        for i, q in enumerate(questions, start=1)
    ]
    return CohortResult(cohort="demo", mode="grade", banks=[BANK], questions=[info], students=students)


def test_student_page_shows_each_metric_with_its_interval_and_signature(tmp_path: Path) -> None:
    run = cohort(result(2.4, [metric(36.07, 29.13, 42.52)]), result(4, [metric(82.18, 76.5, 87.37)]))
    HtmlReporter().write(run, tmp_path)
    page = (tmp_path / "students" / "s1.html").read_text(encoding="utf-8")
    assert '<td class="num">36.07</td><td class="num">[29.13, 42.52]</td>' in page
    assert '≥ 40 <span class="tag tag-missed">not met</span>' in page
    assert '<th scope="col" class="num">95% interval</th>' in page
    assert f"<li><code>{SIGNATURE}</code></li>" in page
    assert '<td class="num">52%</td>' in page  # (36.07 - 10) / 50 of the metric's points


def test_cohort_page_summarises_the_metric_over_students(tmp_path: Path) -> None:
    run = cohort(result(2.4, [metric(36.07, 29.13, 42.52)]), result(4, [metric(82.18, 76.5, 87.37)]), result(0, []))
    [summary] = metric_summaries(run)
    assert (summary.question_id, summary.label, summary.n, summary.passed) == ("gen-translate", "bleu", 2, 1)
    assert (summary.mean, summary.minimum, summary.maximum) == (
        "59.12",
        "36.07",
        "82.18",
    )  # 59.125 rounds half to even in binary
    HtmlReporter().write(run, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="#metrics">Generation metrics</a>' in index
    assert '<td class="num">1 of 2</td>' in index


def test_withheld_questions_show_no_metrics(tmp_path: Path) -> None:
    run = cohort(result(2.4, [metric(36.07, 29.13, 42.52)], reveal=False))
    HtmlReporter().write(run, tmp_path)
    page = (tmp_path / "students" / "s1.html").read_text(encoding="utf-8")
    assert "36.07" not in page and SIGNATURE not in page


def test_a_metric_without_interval_threshold_or_points_shows_dashes() -> None:
    [view] = metric_views(result(0, [metric(0.0523, threshold=None, passed=None, fraction=None)]))
    assert (view.score, view.interval, view.threshold, view.points, view.confidence) == ("0.0523", "—", "—", "—", "")


def test_odd_evidence_is_refused_where_the_log_is_read() -> None:
    with pytest.raises(ValidationError, match="metrics"):
        result(0, "not a list")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="score"):
        result(0, [{"score": "x"}])


def test_evidence_of_an_unknown_type_shows_no_metrics() -> None:
    odd = result(0, []).model_copy(update={"evidence": OtherEvidence(type="someone-elses", metrics=[1])})
    assert metric_views(odd) == []
