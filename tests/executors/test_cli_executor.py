"""``harness grade --executor/--scheduler``: the choice reaches the API, a wrong one is one line
(exit 2) before anything is graded, and the local executor is today's path, unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from harness.cli import main
from tests.conftest import REPO
from tests.executors.cohorts import true_false_cohort


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_an_unknown_executor_lists_the_known_ones(tmp_path: Path) -> None:
    bank, cohort = true_false_cohort(tmp_path, "true_false", 1)
    result = run("grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "out"), "--executor", "slurm")
    assert result.exit_code == 2
    assert "unknown harness.executors plugin 'slurm' (known: dask, local)" in result.output
    assert not (tmp_path / "out").exists()


def test_a_scheduler_without_a_cluster_executor_is_refused(tmp_path: Path) -> None:
    bank, cohort = true_false_cohort(tmp_path, "true_false", 1)
    argv = ["grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "out"), "--scheduler", "tcp://h:8786"]
    result = run(*argv)
    assert result.exit_code == 2
    assert "--scheduler is for a cluster; the 'local' executor grades in this process" in result.output


def test_the_local_executor_does_not_import_dask(tmp_path: Path) -> None:
    bank, cohort = true_false_cohort(tmp_path, "true_false", 2)
    argv = ["grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "out")]
    program = (
        "import sys\nfrom harness.cli import main\n"
        f"main({argv!r}, standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('distributed', 'harness.executors'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "results.json").is_file()
