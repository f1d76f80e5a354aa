"""The course's suites run as tasks on the course's tiny models, end to end through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.evaluation.result import EvalResult
from tests.conftest import REPO, course_models

pytestmark = pytest.mark.slow  # torch and the tiny models


@pytest.fixture(scope="module")
def tiny_models() -> dict[str, Path]:
    return course_models("tiny-gpt2", "tiny-seq2seq", "tiny-imagegpt")


@pytest.mark.parametrize(
    ("suite", "model"),
    [
        ("text_generation.yaml", "tiny-gpt2"),
        ("summarization.yaml", "tiny-seq2seq"),
        ("procedural_art.yaml", "tiny-imagegpt"),  # its shipped task: 64 images, FID and KID
    ],
)
def test_a_course_suite_runs_on_a_tiny_model(
    suite: str, model: str, tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "run.json"
    args = ["eval", "--suite", str(REPO / "metric_suites" / suite), "--model", f"hf:{tiny_models[model]}"]
    args += ["--json", str(out), "--cache", str(tmp_path / "cache.sqlite3"), "--bootstrap", "100"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code in (0, 1), first.output  # a verdict, whichever it is
    result = EvalResult.model_validate_json(out.read_text(encoding="utf-8"))
    assert all(s.output for s in result.samples), "an item got an empty output"
    assert result.gate.passed == (first.exit_code == 0)
    again = CliRunner().invoke(main, [*args, "--json", str(tmp_path / "again.json")])
    assert again.exit_code == first.exit_code
    assert "0 model calls" in again.output
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
