"""A metric suite's ``checks:`` section: validated at load, run and gated by ``harness score``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.suites import load_suite, read_system, score_system
from harness.suites.errors import SuiteErrors

SOURCE = "Generative Adversarial Networks (GANs) were introduced in 2014 by Ian Goodfellow."
SUITE = """\
id: tiny-summaries
title: Tiny summaries
version: "1"
data:
  jsonl: data.jsonl
bootstrap: 0
metrics:
  - metric: exact_match
    points: {{curve: pass, at: 1}}
checks:
{checks}
"""


def _suite(folder: Path, checks: str, sources: bool = True) -> Path:
    item = {"id": "s1", "input": "Summarise.", "reference": "GANs appeared in 2014."}
    (folder / "data.jsonl").write_text(json.dumps({**item, **({"source": SOURCE} if sources else {})}) + "\n")
    path = folder / "suite.yaml"
    path.write_text(SUITE.format(checks=checks), encoding="utf-8")
    return path


def _outputs(folder: Path, text: str) -> Path:
    path = folder / "outputs.jsonl"
    path.write_text(json.dumps({"id": "s1", "output": text}) + "\n", encoding="utf-8")
    return path


def test_checks_run_with_the_suite_and_gate_it(tmp_path: Path) -> None:
    suite = load_suite(_suite(tmp_path, "  - check: grounded\n  - check: representation\n    gate: 0.5"))
    good = score_system(suite, read_system(suite, _outputs(tmp_path, "GANs were introduced in 2014.")))
    assert [c.check for c in good.checks] == ["grounded", "representation"]
    assert good.checks[1].gate == 0.5 and good.checks[0].passed
    bad = score_system(suite, read_system(suite, _outputs(tmp_path, "GANs were introduced in 2016.")))
    assert not bad.checks[0].passed and bad.passed is False
    assert bad.checks[0].samples[0].findings[0].text == "2016"


def test_harness_score_prints_the_checks_and_fails_on_a_gate(tmp_path: Path) -> None:
    suite = _suite(tmp_path, "  - check: grounded")
    outputs = _outputs(tmp_path, "GANs were introduced in 2016.")
    result = CliRunner().invoke(main, ["score", "--suite", str(suite), "--outputs", str(outputs), "--check"])
    assert result.exit_code == 1
    assert "grounded  0.0000  score >= 1  NO" in result.output
    assert "thresholds: NOT met by grounded" in result.output
    assert "error: gate failed: check failed: grounded = 0 (score >= 1)" in result.output  # harness eval's words


@pytest.mark.parametrize(
    ("checks", "sources", "message"),
    [
        ("  - check: nope", True, ":11:12: unknown check 'nope' (known checks: association,"),
        ("  - check: grounded\n    options: {colour: red}", True, ":12:14: grounded: bad options"),
        ("  - check: counterfactual", True, ":11:12: counterfactual needs counterfactuals, which a suite's outputs"),
        ("  - check: grounded", False, ":11:12: grounded needs a `source` on every item of the data set"),
    ],
)
def test_a_bad_check_is_reported_at_its_line(tmp_path: Path, checks: str, sources: bool, message: str) -> None:
    path = _suite(tmp_path, checks, sources)
    with pytest.raises(SuiteErrors) as caught:
        load_suite(path)
    assert f"{path}{message}" in str(caught.value)


def test_a_suite_without_checks_scores_as_before(tmp_path: Path) -> None:
    path = _suite(tmp_path, "  []")
    suite = load_suite(path)
    score = score_system(suite, read_system(suite, _outputs(tmp_path, "GANs appeared in 2014.")))
    assert score.checks == [] and score.passed is None


def test_a_generation_question_reports_its_checks_without_changing_points(tmp_path: Path) -> None:
    from harness.bank.variants import draw_variant
    from harness.kinds import GradeContext, kind_registry
    from harness.kinds.generation import GenerationQuestion, SubmittedOutputs

    kind = kind_registry().get("generation")
    suite = _suite(tmp_path, "  - check: grounded")
    outputs = _outputs(tmp_path, "GANs were introduced in 2016 by Yann LeCun.")
    q = GenerationQuestion.model_validate({**kind.example.question, "suite": str(suite)})
    result = kind.grade(q, SubmittedOutputs(outputs), GradeContext("s", "bank", draw_variant(q, "bank", "s")))
    assert "grounded: 1 of 1 output(s) flagged; gate score >= 1 NOT met (reported, no points)." in result.feedback
    assert any(line.startswith("s1: '2016': the source never gives '2016'") for line in result.feedback)
    check = result.evidence.model_dump()["checks"][0]
    assert (check["check"], check["passed"], check["flagged"]) == ("grounded", False, 1)
    assert check["examples"][0]["findings"][0]["text"] == "2016"
    # the points come from the metrics alone: exact match 0 -> 0 points, flagged or not
    assert result.score == 0.0


def _two_item_suite(folder: Path, checks: str, points: str = "{curve: pass, at: 0}") -> Path:
    items = [
        {"id": "s1", "input": "Summarise.", "reference": "x", "source": SOURCE},
        {"id": "s2", "input": "Summarise.", "reference": "y", "source": SOURCE},
    ]
    (folder / "data.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    suite = SUITE.format(checks=checks).replace("{curve: pass, at: 1}", points)
    path = folder / "suite.yaml"
    path.write_text(suite, encoding="utf-8")
    return path


def test_a_check_with_a_penalty_takes_points_off_per_flagged_output(tmp_path: Path) -> None:
    from harness.bank.variants import draw_variant
    from harness.kinds import GradeContext, kind_registry
    from harness.kinds.generation import GenerationQuestion, SubmittedOutputs

    suite = _two_item_suite(tmp_path, "  - check: grounded\n    penalty: 0.5")  # exact match >= 0: full points
    outputs = tmp_path / "outputs.jsonl"
    lines = ["GANs were introduced in 2014 by Ian Goodfellow.", "GANs were introduced in 2016 by Yann LeCun."]
    outputs.write_text("".join(json.dumps({"id": f"s{i + 1}", "output": t}) + "\n" for i, t in enumerate(lines)))
    loaded = load_suite(suite)
    score = score_system(loaded, read_system(loaded, outputs))
    # one of two outputs flagged, penalty 0.5: 0.5 x 1/2 of the points off
    assert (score.check_deduction, score.check_deductions, score.fraction) == (0.25, [0.25], 0.75)
    from harness.suites.table import score_lines

    assert "points: 75.0% of full credit (from exact_match, less 25.0% for outputs the checks flagged)" in score_lines(
        score
    )
    kind = kind_registry().get("generation")
    q = GenerationQuestion.model_validate({**kind.example.question, "suite": str(suite)})
    result = kind.grade(q, SubmittedOutputs(outputs), GradeContext("s", "bank", draw_variant(q, "bank", "s")))
    assert result.score == 0.75 * result.max_score
    assert "grounded: 1 of 2 output(s) flagged; gate score >= 1 NOT met (-25.0% of the points)." in result.feedback
    # without the penalty the same outputs keep full points
    unpenalised = load_suite(_two_item_suite(tmp_path, "  - check: grounded"))
    assert score_system(unpenalised, read_system(unpenalised, outputs)).fraction == 1.0


def test_the_points_never_drop_below_zero(tmp_path: Path) -> None:
    suite = load_suite(
        _two_item_suite(tmp_path, "  - check: grounded\n    penalty: 1\n  - check: grounded\n    penalty: 1")
    )
    outputs = tmp_path / "outputs.jsonl"
    outputs.write_text("".join(json.dumps({"id": f"s{i}", "output": "Introduced in 2016."}) + "\n" for i in (1, 2)))
    score = score_system(suite, read_system(suite, outputs))
    assert score.check_deduction == 2.0 and score.fraction == 0.0


@pytest.mark.parametrize(
    ("penalty", "points", "message"),
    [
        ("1.5", "{curve: pass, at: 0}", ":12:14: checks.0.penalty: Input should be less than or equal to 1"),
        (
            "0.5",
            "null",
            ":12:14: a check's `penalty` takes points off: give one of the suite's metrics a `points` curve",
        ),
    ],
)
def test_a_bad_penalty_is_an_error_at_its_line(tmp_path: Path, penalty: str, points: str, message: str) -> None:
    path = _two_item_suite(tmp_path, f"  - check: grounded\n    penalty: {penalty}", points)
    with pytest.raises(SuiteErrors) as caught:
        load_suite(path)
    assert any(message in str(e) for e in caught.value.errors), [str(e) for e in caught.value.errors]
