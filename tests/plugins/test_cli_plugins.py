"""``harness plugins``: every group's plugins with their distribution and version, then the broken
ones with the reason each cannot be used; listing them imports no heavy library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.results import CohortResult
from tests.plugins.distributions import write_broken_distribution

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "torchmetrics", "transformers")


def harness(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``harness`` command in a fresh interpreter (entry points are read at start-up)."""
    paths = [str(pythonpath)] if pythonpath else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, str(ROOT)])}
    code = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_lists_groups_names_distributions_and_versions() -> None:
    result = harness("plugins")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert ["harness.reporters", "csv", "genai-harness", "0.1.0", "harness.reports.csv_gradebook:CsvReporter"] in rows
    assert {row[0] for row in rows} == {
        "harness.kinds",
        "harness.reporters",
        "harness.metrics",
        "harness.sandboxes",
        "harness.models",
        "harness.checks",
        "harness.executors",
    }
    assert "broken" not in result.stdout


def test_broken_plugins_are_listed_with_their_reasons(tmp_path: Path) -> None:
    result = harness("plugins", pythonpath=write_broken_distribution(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    fine = next(line for line in lines if " fine " in line)
    assert fine.split()[:4] == ["harness.reporters", "fine", "broken-plugins", "0.1"] and "BROKEN" not in fine
    assert "7 broken plugin(s), the others load as usual:" in lines
    assert (
        "  harness.reporters plugin 'missing_module' (broken-plugins 0.1): cannot import "
        "no_such_module_anywhere:Reporter: ModuleNotFoundError: No module named 'no_such_module_anywhere'"
    ) in lines
    assert any(
        line.startswith("  harness.reporters plugin 'an_instance' (broken-plugins 0.1): loads an instance")
        for line in lines
    )
    assert any(line.split()[:2] == ["harness.kinds", "choice"] for line in lines)


def test_a_broken_reporter_fails_a_run_by_name_with_exit_2(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(CohortResult(cohort="c", mode="grade", banks=[], questions=[], students=[]).model_dump_json())
    result = harness(
        "report",
        str(results),
        "-o",
        str(tmp_path / "out"),
        "--format",
        "abstract",
        pythonpath=write_broken_distribution(tmp_path / "site"),
    )
    assert result.returncode == 2
    assert "harness.reporters plugin 'abstract' (broken-plugins 0.1) cannot be used" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_listing_plugins_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom harness.cli import main\ntry:\n    main(['plugins'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.splitlines()[-1] == "HEAVY []", result.stderr


def test_the_rest_of_the_group_still_works_beside_broken_plugins(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(CohortResult(cohort="c", mode="grade", banks=[], questions=[], students=[]).model_dump_json())
    site = write_broken_distribution(tmp_path / "site")
    result = harness("report", str(results), "-o", str(tmp_path / "out"), "--format", "fine,csv", pythonpath=site)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "fine.txt").read_text() == "0"
