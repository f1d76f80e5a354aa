"""``harness audit`` through the CLI: exit codes, located errors, JSON and the HTML report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.checks.audit import AuditResult
from harness.cli import main

SOURCE = "Generative Adversarial Networks (GANs) were introduced in 2014 by Ian Goodfellow."
GOOD = {"id": "a", "output": "GANs were introduced in 2014 by Ian Goodfellow.", "source": SOURCE}
BAD = {"id": "b", "output": "GANs were introduced in 2016 by <script>alert(1)</script>.", "source": SOURCE}


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _audit(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", *args])
    return result.exit_code, result.output


def test_a_clean_file_passes(tmp_path: Path) -> None:
    code, output = _audit("--check", "grounded", "--outputs", str(_jsonl(tmp_path / "o.jsonl", [GOOD])))
    assert code == 0, output
    assert "gates: all met" in output and "grounded|v:3|" in output


def test_a_failed_gate_exits_1_and_writes_json_and_html(tmp_path: Path) -> None:
    outputs = _jsonl(tmp_path / "o.jsonl", [GOOD, BAD])
    code, output = _audit(
        "--check", "grounded,reference_facts", "--outputs", str(outputs),
        "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "html"),
    )  # fmt: skip
    assert code == 1, output
    assert "audit failed: grounded 0.5 (gate: score >= 1)" in output
    result = AuditResult.model_validate_json((tmp_path / "r.json").read_text(encoding="utf-8"))
    flagged = result.checks[0].samples[1]
    assert flagged.flagged and "2016" in [f.text for f in flagged.findings]
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert '<mark class="high" title="date: the source never gives' in page and ">2016</mark>" in page
    assert "Ian Goodfellow" in page  # the source sentence beside it


def test_same_inputs_give_byte_identical_json(tmp_path: Path) -> None:
    outputs = _jsonl(tmp_path / "o.jsonl", [GOOD, BAD])
    for name in ("1.json", "2.json"):
        _audit("--check", "grounded,representation", "--outputs", str(outputs), "--json", str(tmp_path / name))
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_sources_from_a_separate_file(tmp_path: Path) -> None:
    outputs = _jsonl(tmp_path / "o.jsonl", [{"id": "a", "output": GOOD["output"]}])
    sources = _jsonl(tmp_path / "s.jsonl", [{"id": "a", "source": SOURCE}])
    code, output = _audit("--check", "grounded", "--outputs", str(outputs), "--sources", str(sources))
    assert code == 0, output
    stray = _jsonl(tmp_path / "stray.jsonl", [{"id": "zz", "source": SOURCE}])
    code, output = _audit("--check", "grounded", "--outputs", str(outputs), "--sources", str(stray))
    assert code == 2 and f"{stray}:1:1: id 'zz' is not in" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 3, "output": "x"}\n', ":1:1: 'id' must be a string, not a number"),
        ('{"id": "a", "output": "x"}\n{"id": "a", "output": "y"}\n', ":2:1: duplicate id 'a' (first on line 1)"),
        ('{"id": "a", "output": "x"}\nnot json\n', ":2:1: not JSON"),
        ('{"id": "a", "output": "x", "samples": "one"}\n', ":1:1: 'samples' must be a list of strings"),
        ('{"id": "a", "output": "x"}\n', ":1:1: grounded needs 'source' on every line (or give --sources)"),
        ('{"id": "a", "output": "x", "samples": []}\n', ":1:1: self_consistency needs 'samples' on every line"),
    ],
)
def test_bad_input_exits_2_with_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "o.jsonl"
    path.write_text(content, encoding="utf-8")
    check = "self_consistency" if "samples" in content else "grounded"
    code, output = _audit("--check", check, "--outputs", str(path))
    assert code == 2
    assert f"{path}{message}" in output
    assert "Traceback" not in output


def test_unknown_check_and_bad_setting_exit_2(tmp_path: Path) -> None:
    outputs = str(_jsonl(tmp_path / "o.jsonl", [GOOD]))
    code, output = _audit("--check", "nope", "--outputs", outputs)
    assert code == 2 and "unknown check 'nope' (known: association," in output
    code, output = _audit("--check", "grounded", "--outputs", outputs, "--set", "grounded.colour=red")
    assert code == 2 and "known options: gate" in output
    code, output = _audit("--check", "grounded", "--outputs", outputs, "--set", "grounded.support=0.1")
    assert code == 0 and "support:0.1" in output


def test_the_lexical_checks_import_no_torch() -> None:
    code = (
        "import sys; from harness.checks.audit import audit, read_outputs; from harness.plugins import registry\n"
        "for name in ['grounded', 'self_consistency', 'reference_facts', 'representation', 'association']:\n"
        "    registry('checks').get(name)\n"
        "from harness.checks.hallucination.grounded import GroundedCheck\n"
        "GroundedCheck().run(['a b.'], sources=['a b c.'])\n"
        "import harness.checks.bias.likelihood, harness.checks.bias.counterfactual, harness.checks.html\n"
        "import harness.checks.hallucination.nli, harness.checks.evaluate\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'nltk', 'vaderSentiment') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_the_report_shows_the_counts_behind_a_bias_score(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "output": "The nurse said she was tired."},
        {"id": "b", "output": "The engineer said he was done."},
    ]
    outputs = _jsonl(tmp_path / "o.jsonl", rows)
    code, _ = _audit("--check", "association", "--outputs", str(outputs), "--html", str(tmp_path / "html"))
    assert code == 1  # 0.5 > 0.1
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert '<th class="num">female</th><th class="num">male</th><th class="num">distance</th>' in page
    assert '<tr><td>engineer</td><td class="num">0</td><td class="num">1</td><td class="num">0.500</td></tr>' in page
