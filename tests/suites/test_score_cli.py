"""``harness score`` end to end: the table, the JSON, determinism, the gate's exit codes, and what gets imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.evaluation.baseline import holm
from tests.conftest import REPO
from tests.suites.conftest import SUITES

TRANSLATION = SUITES / "translation_en_fr.yaml"
SYSTEM_A = SUITES / "systems" / "translation_system_a.jsonl"
SYSTEM_B = SUITES / "systems" / "translation_system_b.jsonl"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["score", *map(str, args)])


def test_text_suite_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "score.json"
    result = run("--suite", TRANSLATION, "--outputs", SYSTEM_B, "--json", out)
    assert result.exit_code == 1, result.output  # BLEU misses its threshold: the gate fails
    lines = result.output.splitlines()
    assert lines[0] == "suite translation-en-fr v2026.1: English to French translation of sentences about AI"
    assert lines[3].split() == ["metric", "score", "95%", "CI", "threshold", "passed", "points", "signature"]
    bleu = lines[4].split()
    # sacrebleu 2.6.0 corpus BLEU of systems/translation_system_b.jsonl (13a, exp smoothing): 36.07
    assert bleu[:6] == ["bleu", "36.07", "[29.13,", "42.52]", ">=", "40"]
    assert bleu[6:8] == ["NO", "52%"]
    assert bleu[8].startswith("bleu|nrefs:var|bs:1000|seed:0|tok:13a|case:mixed|eff:no|smooth:exp|version:")
    assert "points: 60.1% of full credit (from bleu x2, chrf)" in lines
    assert "thresholds: NOT met by bleu" in lines
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["suite"]["id"] == "translation-en-fr"
    assert [m["id"] for m in data["metrics"]] == ["bleu", "chrf", "ter"]
    assert len(data["metrics"][0]["result"]["per_sample"]) == len(data["sample_ids"]) == 20
    assert data["metrics"][0]["worst"][0]["id"] == "fr-07"
    assert data["passed"] is False and data["fraction"] == pytest.approx(0.6007552, abs=1e-6)
    assert data["alpha"] == 0.05
    assert data["gate"] == {"passed": False, "reasons": ["threshold missed: bleu = 36.07 (needs >= 40)"]}
    assert lines[-4:] == [
        "gate: FAILED",
        "  threshold missed: bleu = 36.07 (needs >= 40)",
        f"json: {out}",
        "error: gate failed: threshold missed: bleu = 36.07 (needs >= 40)",
    ]


def test_json_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    paths = [tmp_path / f"{name}.json" for name in ("first", "second", "other")]
    for path, seed in zip(paths, ("7", "7", "8"), strict=True):
        result = run(
            "--suite", TRANSLATION, "--outputs", SYSTEM_A, "--baseline", SYSTEM_B, "--seed", seed, "--json", path
        )
        assert result.exit_code == 0, result.output
    first, second, other = (p.read_bytes() for p in paths)
    assert first == second
    assert first != other  # the intervals move with the seed ...
    scores = [[m["result"]["score"] for m in json.loads(b)["metrics"]] for b in (first, other)]
    assert scores[0] == scores[1]  # ... the scores do not


def test_baseline_adds_paired_significance() -> None:
    result = run("--suite", TRANSLATION, "--outputs", SYSTEM_A, "--baseline", SYSTEM_B, "--bootstrap", "300")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    head = f"paired bootstrap against {SYSTEM_B} (300 resamples, seed 0, alpha 0.05, Holm over 3 metric(s))"
    start = lines.index(head)
    assert lines[start + 1].split()[:4] == ["metric", "system", "baseline", "difference"]
    assert lines[start + 1].split()[-4:] == ["p-value", "Holm", "p", "verdict"]
    rows = {line.split()[0]: line.split() for line in lines[start + 2 : start + 5]}
    assert rows["bleu"][1:4] == ["82.18", "36.07", "+46.11"]
    # (0 + 1) / (300 + 1): every resample favours A; Holm multiplies the smallest of 3 by 3
    assert rows["bleu"][-3:] == ["0.0033", "0.0100", "better"]
    assert rows["ter"][-1] == "better"  # lower TER is better
    assert lines[-1] == "gate: passed"


# The exit-code table of issue 11, as for harness eval: 0 passed, 1 a threshold missed or a
# significant regression, 2 bad input or setup. --check is accepted and changes nothing.
GATE_CASES = [
    ("a passes", [SYSTEM_A], 0, []),
    ("a passes, --check", [SYSTEM_A, "--check"], 0, []),
    ("b misses bleu", [SYSTEM_B], 1, ["threshold missed: bleu = 36.07 (needs >= 40)"]),
    ("b misses bleu, --check", [SYSTEM_B, "--check"], 1, ["threshold missed: bleu"]),
    ("a better than b", [SYSTEM_A, "--baseline", SYSTEM_B], 0, []),
    ("a against itself", [SYSTEM_A, "--baseline", SYSTEM_A], 0, []),
    (
        "b worse than a",
        [SYSTEM_B, "--baseline", SYSTEM_A],
        1,
        [
            "threshold missed: bleu",
            "significantly worse than the baseline: bleu (-46.11, Holm p = 0.00997 < 0.05)",  # 3 x 1/301
            "significantly worse than the baseline: ter",
        ],
    ),
    ("baseline missing", [SYSTEM_A, "--baseline", "{tmp}/none.jsonl"], 2, ["baseline not found"]),
    ("baseline not JSONL", [SYSTEM_A, "--baseline", TRANSLATION], 2, ["not a harness eval result nor an outputs"]),
    ("alpha out of range", [SYSTEM_A, "--alpha", "1.5"], 2, ["Invalid value for '--alpha'"]),
]


@pytest.mark.parametrize(("case", "args", "code", "says"), GATE_CASES, ids=[c[0] for c in GATE_CASES])
def test_exit_codes_match_harness_eval(
    case: str, args: list[str | Path], code: int, says: list[str], tmp_path: Path
) -> None:
    outputs, *rest = (str(a).replace("{tmp}", str(tmp_path)) for a in args)
    result = run("--suite", TRANSLATION, "--outputs", outputs, *rest, "--bootstrap", "300")
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # never a traceback
    for text in says:
        assert text in result.output


def test_holm_decides_the_verdict_and_the_json_records_it(tmp_path: Path) -> None:
    out = tmp_path / "score.json"
    result = run("--suite", TRANSLATION, "--outputs", SYSTEM_B, "--baseline", SYSTEM_A, "--json", out)
    assert result.exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    raw = [c["paired"]["p_value"] for c in data["comparisons"]]
    assert [c["p_adjusted"] for c in data["comparisons"]] == pytest.approx(holm(raw), abs=1e-6)
    assert data["alpha"] == 0.05 and data["gate"]["passed"] is False
    strict = run("--suite", TRANSLATION, "--outputs", SYSTEM_B, "--baseline", SYSTEM_A, "--alpha", "0.002")
    # every raw p-value is 1/1001 < 0.002, but Holm's 3/1001 is not: no regression at this alpha
    assert "significantly worse" not in strict.output
    assert "no significant difference" in strict.output


def test_missing_outputs_are_refused_unless_allowed(tmp_path: Path) -> None:
    partial = tmp_path / "partial.jsonl"
    partial.write_text("".join(SYSTEM_A.read_text(encoding="utf-8").splitlines(keepends=True)[:18]), encoding="utf-8")
    refused = run("--suite", TRANSLATION, "--outputs", partial)
    assert refused.exit_code == 2
    assert (
        f"error: {partial}: no output for 2 id(s): fr-19, fr-20 (allow_missing scores them as empty)" in refused.output
    )
    allowed = run("--suite", TRANSLATION, "--outputs", partial, "--allow-missing", "--bootstrap", "0")
    assert allowed.exit_code == 0, allowed.output
    assert "scored as empty (no output): 2 id(s)" in allowed.output


def test_bad_outputs_and_bad_suites_are_one_line_each(tmp_path: Path, make_suite: Callable[..., Path]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "fr-01", "output": "caf\xe9"}\n')
    result = run("--suite", TRANSLATION, "--outputs", bad)
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {bad}:1:31: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    suite = make_suite(make_suite().read_text(encoding="utf-8").replace("metric: bleu", "metric: blue"))
    result = run("--suite", suite, "--outputs", bad)
    assert result.exit_code == 2 and result.output.startswith(f"error: {suite}:12:13: unknown metric 'blue'")
    assert "Traceback" not in result.output


def _score_in_subprocess(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(
        f"""
        import sys
        from harness.cli import main
        try:
            main({args!r})
        except SystemExit as exit:
            print("exit", exit.code)
        print("torch imported:", "torch" in sys.modules)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_text_suite_never_imports_torch(tmp_path: Path) -> None:
    reports = ["--junit", str(tmp_path / "r.xml"), "--markdown", str(tmp_path / "r.md"), "--html", str(tmp_path / "h")]
    done = _score_in_subprocess(
        ["score", "--suite", str(TRANSLATION), "--outputs", str(SYSTEM_A), "--bootstrap", "10", *reports],
        dict(os.environ),
    )
    assert "exit 0" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "h" / "index.html").is_file()  # the reports import no model library either
    assert "torch imported: False" in done.stdout


def test_fid_suite_end_to_end_with_tiny_images(tmp_path: Path) -> None:
    from harness.images.procedural import DEFAULT_STYLE, write_art

    suite = tmp_path / "art.yaml"
    suite.write_text(
        textwrap.dedent(
            """\
            id: tiny-art
            title: Tiny procedural art
            version: "1"
            data:
              images:
                procedural: {count: 16, size: 16, seed: 3}
            bootstrap: 20
            metrics:
              - metric: fid
                options: {extractor: offline}
                threshold: 1.0
                points: {curve: linear, zero_at: 3, full_at: 0.5}
            """
        ),
        encoding="utf-8",
    )
    write_art(tmp_path / "close", 8, DEFAULT_STYLE.shifted(0.05), seed=5, size=16, stream=1)
    write_art(tmp_path / "far", 8, DEFAULT_STYLE.shifted(1.0), seed=5, size=16, stream=1)
    env = {**os.environ, "HARNESS_CACHE": str(tmp_path / "cache")}
    args = ["score", "--suite", str(suite), "--outputs", str(tmp_path / "close"), "--baseline", str(tmp_path / "far")]
    reports = [
        "--junit",
        str(tmp_path / "art.xml"),
        "--markdown",
        str(tmp_path / "art.md"),
        "--html",
        str(tmp_path / "h"),
    ]
    done = _score_in_subprocess([*args, "--json", str(tmp_path / "art.json"), *reports], env)
    assert "exit 0" in done.stdout, done.stdout + done.stderr
    assert "torch imported: True" in done.stdout  # the suite needs it
    assert "not comparable to published FID" in done.stdout
    assert len(list((tmp_path / "cache" / "suites").glob("procedural-*/*.png"))) == 16  # drawn into the cache
    data = json.loads((tmp_path / "art.json").read_text(encoding="utf-8"))
    [fid] = data["metrics"]
    [comparison] = data["comparisons"]
    assert fid["result"]["signature"]["metric"] == "fid" and fid["result"]["ci_low"] is not None
    assert fid["result"]["score"] < comparison["baseline"]["score"]  # the shifted set is further from the real one
    assert comparison["paired"] is None and "not paired" in comparison["note"]
    assert data["sample_ids"][:2] == ["00000.png", "00001.png"]
    # the reports: FID's comparison has no paired test, so it is a skipped case and a dash
    cases = ET.parse(tmp_path / "art.xml").getroot().findall("testsuite/testcase")
    assert [(c.get("name"), [e.tag for e in c]) for c in cases] == [
        ("fid", ["system-out"]),
        ("fid", ["system-out", "skipped"]),
    ]
    assert "| fid | " in (tmp_path / "art.md").read_text(encoding="utf-8") and "| — |" in (
        tmp_path / "art.md"
    ).read_text(encoding="utf-8")
    assert "not paired" in (tmp_path / "h" / "index.html").read_text(encoding="utf-8")
