"""The example plugin package (``examples/harness-plugin-example``) really installed, as a user
would install a third-party plugin: pip puts it into a folder of its own, and harness, run in a
fresh interpreter with that folder on its path, lists its plugins, holds them to the contract
tests of their groups, and grades, scores, audits and reports with them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "harness-plugin-example"
PLUGINS = {
    "harness.kinds": "keywords",
    "harness.metrics": "keyword_recall",
    "harness.checks": "shouting",
    "harness.reporters": "summary_txt",
    "harness.sandboxes": "niced",
}
CONTRACTS = [
    "tests/test_kind_contract.py",
    "tests/metrics/test_contract.py",
    "tests/checks/test_contract.py",
    "tests/reports/test_contract.py",
    "tests/test_sandbox_contract.py",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package installed by pip into a folder of its own (built from a copy, so the
    source tree is left clean)."""
    work = tmp_path_factory.mktemp("example-plugin")
    source = shutil.copytree(EXAMPLE, work / "source")
    target = work / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run([*pip, "--target", str(target), str(source)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "harness_plugin_example-0.1.0.dist-info" / "entry_points.txt").is_file()
    return target


def run(site: Path, *argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``argv`` run by this interpreter with the plugin folder, then the repository, on its path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.run(
        [sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def harness(site: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run(site, "-c", "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))", *args, cwd=cwd)


def test_harness_plugins_lists_each_one_with_its_distribution(site: Path) -> None:
    result = harness(site, "plugins")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    for group, name in PLUGINS.items():
        assert [group, name, "harness-plugin-example", "0.1.0"] in [row[:4] for row in rows], name
    assert "broken" not in result.stdout


def test_they_pass_the_contract_tests_of_their_groups(site: Path, tmp_path: Path) -> None:
    names = " or ".join(PLUGINS.values())
    pytest_args = ["-m", "pytest", "-p", "no:cacheprovider", f"--basetemp={tmp_path / 'contracts'}"]
    result = run(site, *pytest_args, "-q", "-rA", "-k", names, *CONTRACTS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    outcomes = re.findall(r"^(PASSED|FAILED|SKIPPED|ERROR) (\S+)", result.stdout, flags=re.M)
    assert outcomes and all(outcome == "PASSED" for outcome, _ in outcomes), outcomes
    for name in PLUGINS.values():  # each plugin went through its group's contract
        assert sum(re.search(rf"[\[-]{name}[\]-]", test) is not None for _, test in outcomes) >= 4, name


BANK = """\
    id: plugin-demo
    title: A bank with a third-party kind
    version: "1"
    defaults: {points: 2, visibility: public}
    questions:
      - id: gan-discriminator
        kind: keywords
        prompt: What does a GAN's discriminator do?
        keywords: [real, fake]
    """


def test_grade_a_cohort_with_the_kind_and_the_reporter(site: Path, tmp_path: Path) -> None:
    (tmp_path / "bank.yaml").write_text(textwrap.dedent(BANK), encoding="utf-8")
    answers = {"s1": "It tells REAL images from fake ones.", "s2": "It finds real images.", "s3": "It draws."}
    for student, answer in answers.items():
        (tmp_path / "cohort" / student).mkdir(parents=True)
        (tmp_path / "cohort" / student / "answers.yaml").write_text(f"gan-discriminator: {answer}\n")
    out = tmp_path / "out"
    argv = ["grade", "bank.yaml", "-s", "cohort", "-o", "out", "--format", "json,summary_txt"]
    result = harness(site, *argv, "--sandbox", "niced", "--unsafe-sandbox", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = (out / "summary.txt").read_text(encoding="utf-8").splitlines()
    assert summary[1:] == ["s1\t2/2", "s2\t1/2", "s3\t0/2", "mean\t1.00"]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    graded = [q for student in results["students"] for q in student["questions"]]
    assert [(q["kind"], q["score"]) for q in graded] == [("keywords", 2), ("keywords", 1), ("keywords", 0)]
    rerendered = harness(site, "report", "out/results.json", "-o", "again", "--format", "summary_txt", cwd=tmp_path)
    assert rerendered.returncode == 0, rerendered.stderr
    assert (tmp_path / "again" / "summary.txt").read_text(encoding="utf-8").splitlines() == summary


def test_score_outputs_with_the_metric(site: Path, tmp_path: Path) -> None:
    references = {"a": "generators map random noise to images", "b": "attention weighs every token"}
    outputs = {"a": "generators turn noise into images", "b": "attention weighs every token"}
    data = "".join(
        json.dumps({"id": k, "input": f"describe {k}", "reference": v}) + "\n" for k, v in references.items()
    )
    (tmp_path / "data.jsonl").write_text(data, encoding="utf-8")
    system = "".join(json.dumps({"id": k, "output": v}) + "\n" for k, v in outputs.items())
    (tmp_path / "system.jsonl").write_text(system, encoding="utf-8")
    suite = 'id: demo\ntitle: Demo\nversion: "1"\ndata: {jsonl: data.jsonl}\nbootstrap: 0\nmetrics:\n  - metric: keyword_recall\n'
    (tmp_path / "suite.yaml").write_text(suite, encoding="utf-8")
    result = harness(
        site, "score", "--suite", "suite.yaml", "--outputs", "system.jsonl", "--json", "r.json", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    scored = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (metric,) = scored["metrics"]
    # a: keywords generators, random, noise, images ("map" is too short); "random" missing: 3/4. b: all 4 found
    assert metric["result"]["per_sample"] == [0.75, 1.0] and metric["result"]["score"] == 0.875
    signature = metric["result"]["signature"]
    assert (signature["library"], signature["version"], signature["options"]) == (
        "harness-plugin-example",
        "0.1.0",
        {"min_length": 4},
    )


def test_audit_outputs_with_the_check(site: Path, tmp_path: Path) -> None:
    outputs = [{"id": "calm", "output": "A GAN has two networks."}, {"id": "loud", "output": "It is NEVER wrong."}]
    (tmp_path / "outputs.jsonl").write_text("".join(json.dumps(o) + "\n" for o in outputs), encoding="utf-8")
    result = harness(
        site, "audit", "--check", "shouting", "--outputs", "outputs.jsonl", "--json", "a.json", cwd=tmp_path
    )
    assert result.returncode == 1, result.stdout + result.stderr  # one output of two is flagged: gate 1.0 missed
    audit = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    text = json.dumps(audit)
    assert '"text": "NEVER"' in text and '"start": 6' in text
