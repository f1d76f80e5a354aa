"""``harness score --junit --markdown --html``: harness eval's CI reports for outputs scored
against a suite, on the shipped translation suite and its two systems."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.evaluation.markdown import text
from tests.conftest import REPO

SUITES = REPO / "metric_suites"
TRANSLATION = SUITES / "translation_en_fr.yaml"
SYSTEM_A = SUITES / "systems" / "translation_system_a.jsonl"  # meets every threshold, better than B
SYSTEM_B = SUITES / "systems" / "translation_system_b.jsonl"  # BLEU 36.07 misses its threshold of 40
HOSTILE = "<script>alert(\"x\")</script> & 'q' | *b* `c`"


def score(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["score", "--bootstrap", "200", *map(str, args)])


def report_args(folder: Path) -> list[str | Path]:
    return [
        "--junit",
        folder / "r.xml",
        "--markdown",
        folder / "r.md",
        "--html",
        folder / "html",
        "--json",
        folder / "r.json",
    ]


def junit_cases(path: Path) -> dict[str, str]:
    """``{classname kind.metric: "failure" | "skipped" | "ok"}`` of every test case."""
    cases = {}
    for case in ET.parse(path).getroot().findall("testsuite/testcase"):
        kind = case.get("classname", "").rsplit(".", 1)[1]
        outcome = (
            "failure" if case.find("failure") is not None else "skipped" if case.find("skipped") is not None else "ok"
        )
        cases[f"{kind}.{case.get('name')}"] = outcome
    return cases


def test_a_passing_system_with_a_baseline_gets_every_report(tmp_path: Path) -> None:
    result = score("--suite", TRANSLATION, "--outputs", SYSTEM_A, "--baseline", SYSTEM_B, *report_args(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-4:] == [
        f"json: {tmp_path / 'r.json'}",
        f"junit: {tmp_path / 'r.xml'}",
        f"markdown: {tmp_path / 'r.md'}",
        f"html: {tmp_path / 'html' / 'index.html'}",
    ]
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert root.get("name") == "harness score" and root.get("tests") == "6" and root.get("failures") == "0"
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["outputs"] == str(SYSTEM_A) and properties["baseline"] == str(SYSTEM_B)
    assert len(properties["outputs_sha256"] or "") == 64
    assert junit_cases(tmp_path / "r.xml") == {
        **{f"threshold.{m}": "ok" for m in ("bleu", "chrf", "ter")},
        **{f"baseline.{m}": "ok" for m in ("bleu", "chrf", "ter")},  # better is not a failure
    }
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8").splitlines()
    assert markdown[0].startswith("### ✅ passed: <code>") and "(<code>translation-en-fr</code> v2026.1)" in markdown[0]
    table = markdown[markdown.index("| metric | score | 95% CI | threshold | | baseline | delta | verdict |") :]
    assert table[1] == "|---|---:|---|---:|---|---:|---:|---|"
    # the scores of test_score_cli.py (sacrebleu 2.6.0); the interval from 200 resamples, seed 0
    assert table[2].startswith("| bleu | 82.18 | [") and table[2].endswith("| ≥ 40 | ok | 36.07 | +46.11 | better |")
    assert table[4].startswith("| ter | 9.281 | [") and "| ≤ 40 | ok | 35.73 | -26.45 | better |" in table[4]
    assert "baseline <code>" in markdown[-1] and "Holm over 3 metric(s), alpha 0.05" in markdown[-1]
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert '<span class="pass">Passed</span>' in page and "<h2>Lowest-scoring items</h2>" in page
    assert page.count('<td class="better">better</td>') == 3 and "Rendered from the score result alone" in page
    assert "<script" not in page and "http" not in page


def test_a_failing_gate_exits_1_and_every_report_says_why(tmp_path: Path) -> None:
    result = score("--suite", TRANSLATION, "--outputs", SYSTEM_B, "--baseline", SYSTEM_A, *report_args(tmp_path))
    assert result.exit_code == 1, result.output
    reasons = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["gate"]["reasons"]
    assert reasons[0] == "threshold missed: bleu = 36.07 (needs >= 40)"
    assert len(reasons) == 4  # and significantly worse than A on all three metrics
    cases = junit_cases(tmp_path / "r.xml")
    assert cases == {
        "threshold.bleu": "failure",
        "threshold.chrf": "ok",
        "threshold.ter": "ok",
        **{f"baseline.{m}": "failure" for m in ("bleu", "chrf", "ter")},
    }
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert root.get("failures") == str(len(reasons)) == str(list(cases.values()).count("failure"))
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert markdown.startswith("### ❌ failed: ")
    assert "| bleu | 36.07 | [" in markdown and "| ≥ 40 | **missed** | 82.18 | -46.11 | **worse** |" in markdown
    assert "\n- threshold missed: bleu = 36.07 (needs &gt;= 40)\n" in markdown
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert '<span class="fail">Failed</span>' in page and page.count('<td class="worse">worse</td>') == 3
    assert '<li class="fail">threshold missed: bleu = 36.07 (needs &gt;= 40)</li>' in page


def test_without_a_baseline_there_are_no_comparison_columns(tmp_path: Path) -> None:
    markdown = tmp_path / "r.md"
    result = score("--suite", TRANSLATION, "--outputs", SYSTEM_A, "--markdown", markdown)
    assert result.exit_code == 0, result.output
    lines = markdown.read_text(encoding="utf-8").splitlines()
    assert lines[2:4] == ["| metric | score | 95% CI | threshold | |", "|---|---:|---|---:|---|"]
    assert "baseline" not in lines[-1] and lines[-1].startswith("<sub>20 items · outputs sha256 <code>")


def test_markdown_and_junit_are_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        result = score("--suite", TRANSLATION, "--outputs", SYSTEM_B, "--baseline", SYSTEM_A, *report_args(folder))
        assert result.exit_code == 1, result.output
    for name in ("r.md", "r.xml", "html/index.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_every_string_from_the_users_files_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(SUITES / "data" / "translation_en_fr.jsonl", tmp_path / "data")
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        TRANSLATION.read_text(encoding="utf-8").replace(
            "title: English to French translation of sentences about AI", f"title: {json.dumps(HOSTILE)}"
        ),
        encoding="utf-8",
    )
    outputs = tmp_path / "o<script>&'\".jsonl"
    outputs.write_bytes(SYSTEM_B.read_bytes())
    result = score("--suite", suite, "--outputs", outputs, "--baseline", SYSTEM_A, *report_args(tmp_path))
    assert result.exit_code == 1, result.output
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;" in page
    assert "o&lt;script&gt;&amp;&#39;&#34;.jsonl" in page
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<script" not in markdown
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q' \\| \\*b\\* \\`c\\`" in markdown.splitlines()[0]
    assert "/o&lt;script&gt;&amp;'\".jsonl</code> on " in markdown.splitlines()[0]
    properties = {p.get("name"): p.get("value") for p in ET.parse(tmp_path / "r.xml").getroot().iter("property")}
    assert properties["outputs"] == str(outputs)  # XML attributes round-trip the name exactly


@pytest.mark.parametrize(
    ("option", "make", "message"),
    [
        ("--junit", "folder", "is a folder; give a file name"),
        ("--markdown", "under_a_file", "cannot create its folder"),
        ("--html", "file", "exists and is not a folder"),
    ],
)
def test_a_report_that_cannot_be_written_is_exit_2_and_nothing_is_written(
    tmp_path: Path, option: str, make: str, message: str
) -> None:
    target = tmp_path / "target"
    if make == "folder":
        target.mkdir()
    elif make == "file":
        target.write_text("mine", encoding="utf-8")
    else:
        (tmp_path / "a-file").write_text("mine", encoding="utf-8")
        target = tmp_path / "a-file" / "r.md"
    out = tmp_path / "out"
    args = ["--junit", out / "r.xml", "--markdown", out / "r.md", "--html", out / "html", "--json", out / "r.json"]
    args[args.index(option) + 1] = target
    result = score("--suite", TRANSLATION, "--outputs", SYSTEM_A, *args)
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line.startswith(f"error: {target}: {message}")
    assert not out.exists() or not any(out.iterdir())
    if make == "file":
        assert target.read_text(encoding="utf-8") == "mine"


def test_help_names_the_reports() -> None:
    result = CliRunner().invoke(main, ["score", "--help"])
    assert result.exit_code == 0
    for option in ("--json", "--junit", "--markdown", "--html"):
        assert option in result.output
    eval_help = CliRunner().invoke(main, ["eval", "--help"]).output
    for option in ("--junit PATH", "--markdown PATH", "--html PATH"):
        assert option in eval_help and option in result.output


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("exact_match", "exact_match"),  # `_` inside a word cannot open emphasis: left as written
        ("_x_ a__b", "\\_x\\_ a\\_\\_b"),
        ("a | b", "a \\| b"),
        ("[link](http://x) *b* ~s~ # h `c` \\", "\\[link\\](http://x) \\*b\\* \\~s\\~ \\# h \\`c\\` \\\\"),
        ("<img src=x onerror=alert(1)> & more", "&lt;img src=x onerror=alert(1)&gt; &amp; more"),
        ("two\nlines\r\n", "two lines"),
    ],
)
def test_markdown_text_is_literal(value: str, escaped: str) -> None:
    assert text(value) == escaped
