"""``harness eval`` end to end with python models: the gate's exit codes, the reports, the baseline."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import api
from harness.cli import main
from harness.evaluation.baseline import holm
from harness.evaluation.result import EvalResult
from tests.conftest import REPO
from tests.evaluation.conftest import WriteSuite

FAKE = "python:tests.evaluation.fake_models"
GROUNDED = "checks:\n  - check: grounded\n"


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)  # the python adapter finds tests.evaluation.fake_models from here
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["eval", *args])
    return result.exit_code, result.output


def test_a_model_that_meets_every_threshold_exits_0(write_suite: WriteSuite, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    code, output = run("--suite", str(write_suite()), "--model", f"{FAKE}:echo", "--json", str(out))
    assert code == 0, output
    result = EvalResult.model_validate_json(out.read_text(encoding="utf-8"))
    assert result.passed and result.score.metric("exact_match").result.score == 1.0
    assert [s.output for s in result.samples][:2] == ["item number 0", "item number 1"]
    assert result.model.adapter == "python" and result.task.samples == 1


def test_a_missed_threshold_exits_1_with_the_reason(write_suite: WriteSuite) -> None:
    code, output = run("--suite", str(write_suite()), "--model", f"{FAKE}:wrong")
    assert code == 1
    assert output.strip().splitlines()[-1] == "error: gate failed: threshold missed: exact_match = 0 (needs >= 0.9)"


@pytest.mark.parametrize(
    ("model", "options", "message"),
    [
        ("hf:/no/such/model", [], "hf:/no/such/model: is not a folder"),
        ("nonsense", [], "expected ADAPTER:TARGET"),
        ("gguf:x", [], "unknown model adapter 'gguf' (known: command, hf, openai, python)"),
        (f"{FAKE}:missing", [], "has no function 'missing'"),
        ("openai:m", ["base_url=http://127.0.0.1:9/v1", "retries=0"], "gave up after 1 attempts"),
        ("command:/no/such/program", [], "is not a program"),
    ],
)
def test_setup_problems_exit_2_with_one_line(
    write_suite: WriteSuite, model: str, options: list[str], message: str
) -> None:
    extra = [f"--model-option={o}" for o in options]
    code, output = run("--suite", str(write_suite()), "--model", model, *extra)
    assert code == 2, output
    assert len(output.strip().splitlines()) == 1 and message in output, output


def test_a_bad_suite_exits_2(tmp_path: Path, write_suite: WriteSuite) -> None:
    code, output = run("--suite", str(tmp_path / "missing.yaml"), "--model", f"{FAKE}:echo")
    assert code == 2 and "Traceback" not in output
    broken = write_suite(task="task: {prompt: '{% for %}'}")
    code, output = run("--suite", str(broken), "--model", f"{FAKE}:echo")
    assert code == 2 and "does not compile" in output and f"{broken}:" in output


def test_a_rerun_makes_no_model_call(write_suite: WriteSuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "calls.log"
    monkeypatch.setenv("EVAL_CALL_LOG", str(log))
    suite = str(write_suite())
    first = api.evaluate(suite, f"{FAKE}:logged")
    second = api.evaluate(suite, f"{FAKE}:logged")
    assert (first.stats.called, second.stats.called, second.stats.cached) == (20, 0, 20)
    assert len(log.read_text(encoding="utf-8").splitlines()) == 20
    assert first.result.to_json() == second.result.to_json()  # nothing about the run itself is recorded


def test_the_outputs_are_what_harness_score_reads(write_suite: WriteSuite, tmp_path: Path) -> None:
    suite, outputs = write_suite(), tmp_path / "outputs.jsonl"
    run_ = api.evaluate(suite, f"{FAKE}:half_right", reports={"outputs": outputs})
    scored = api.score(suite, outputs, bootstrap=200)
    assert scored.metrics == run_.result.score.metrics


def test_a_significant_regression_fails_the_gate(write_suite: WriteSuite, tmp_path: Path) -> None:
    suite = str(write_suite(items=60, threshold=0.0))
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    assert run("--suite", suite, "--model", f"{FAKE}:echo", "--json", str(good))[0] == 0
    code, output = run("--suite", suite, "--model", f"{FAKE}:half_right", "--baseline", str(good), "--json", str(bad))
    assert code == 1, output
    assert "significantly worse than the baseline: exact_match" in output
    result = EvalResult.model_validate_json(bad.read_text(encoding="utf-8"))
    compared = {c.metric: c for c in result.comparisons}
    assert compared["exact_match"].verdict == "worse" and compared["exact_match"].alpha == 0.05
    assert compared["exact_match"].delta == pytest.approx(-0.5)
    assert "Holm over 2 metric(s)" in compared["exact_match"].method
    assert compared["exact_match"].p_adjusted >= compared["exact_match"].p_value  # type: ignore[operator]
    assert not result.passed and result.baseline is not None and result.baseline.model is not None
    # the same model against itself: no difference, and the gate passes
    code, output = run("--suite", suite, "--model", f"{FAKE}:echo", "--baseline", str(good))
    assert code == 0, output
    assert "no significant difference" in output


def test_a_baseline_on_other_items_exits_2(write_suite: WriteSuite, tmp_path: Path) -> None:
    small, large = write_suite(items=5, name="small"), write_suite(items=6, name="large")
    base = tmp_path / "base.json"
    assert run("--suite", str(small), "--model", f"{FAKE}:echo", "--json", str(base))[0] == 0
    code, output = run("--suite", str(large), "--model", f"{FAKE}:echo", "--baseline", str(base))
    assert code == 2 and "ran on other items" in output


def test_holm_adjusts_like_the_textbook() -> None:
    # Holm (1979), worked by hand: sorted p = 0.01, 0.03, 0.04 -> 3*0.01, max(0.03, 2*0.03), max(0.06, 1*0.04)
    assert holm([0.04, 0.01, 0.03]) == pytest.approx([0.06, 0.03, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm([]) == []


def test_the_reports(write_suite: WriteSuite, tmp_path: Path) -> None:
    suite = str(write_suite(items=30, checks=GROUNDED, sources=True, threshold=0.0))
    base = tmp_path / "base.json"
    assert run("--suite", suite, "--model", f"{FAKE}:echo", "--json", str(base))[0] == 0
    junit, markdown, html = tmp_path / "r.xml", tmp_path / "r.md", tmp_path / "html"
    code, output = run(
        "--suite", suite, "--model", f"{FAKE}:half_right", "--baseline", str(base),
        "--junit", str(junit), "--markdown", str(markdown), "--html", str(html),
    )  # fmt: skip
    assert code == 1, output
    cases = ET.parse(junit).getroot().findall("testsuite/testcase")
    assert [c.get("classname", "").rsplit(".", 1)[1] for c in cases] == ["threshold", "check", "baseline", "baseline"]
    assert [c.find("failure") is not None for c in cases] == [False, False, True, True]  # both metrics worse
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("### ❌ failed") and "| exact_match | 0.5 |" in text and "**worse**" in text
    assert f"baseline <code>{base}</code>" in text  # the path's underscores are inside words: not escaped
    properties = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert properties["model"] == f"{FAKE}:half_right" and properties["baseline"] == str(base)
    page = (html / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page.replace("https://json-schema", "")
    assert "<h2>Checks</h2>" in page and "grounded" in page
    assert 'id="q001"' in page and "(-1)" in page  # an item that got worse shows its difference


def test_check_findings_are_highlighted_in_the_html(write_suite: WriteSuite, tmp_path: Path) -> None:
    suite = str(write_suite(items=4, checks=GROUNDED, sources=True, threshold=0.0, task="task: {prompt: 'Paris'}"))
    html = tmp_path / "html"
    run_ = api.evaluate(suite, f"{FAKE}:echo", reports={"html": html})
    flagged = [s for c in run_.result.score.checks for s in c.samples if s.findings]
    assert flagged, "the grounded check found nothing to flag"
    page = (html / "index.html").read_text(encoding="utf-8")
    assert '<mark class="' in page and ">Paris</mark>" in page


def test_schema_of_the_result() -> None:
    result = CliRunner().invoke(main, ["schema", "--result"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "genai-harness eval result"
    assert {"model", "task", "score", "samples", "comparisons", "gate"} <= set(schema["properties"])


def test_the_cli_starts_without_torch_or_the_adapters() -> None:
    code = "import sys, harness.cli; print(sorted(m for m in ('torch', 'transformers', 'harness.models.hf', 'harness.evaluation.pipeline') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_several_samples_per_item_reach_the_outputs_and_the_result(write_suite: WriteSuite, tmp_path: Path) -> None:
    suite = write_suite(items=3, task="task: {prompt: '{{ input }}', samples: 3}")
    outputs = tmp_path / "outputs.jsonl"
    run_ = api.evaluate(suite, f"{FAKE}:echo", reports={"outputs": outputs})
    assert (run_.stats.requests, run_.stats.called) == (9, 9)  # each sample is its own call (its own seed)
    lines = [json.loads(line) for line in outputs.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"id": "q000", "output": "item number 0", "samples": ["item number 0"] * 3}
    assert run_.result.samples[0].samples == ["item number 0"] * 3
