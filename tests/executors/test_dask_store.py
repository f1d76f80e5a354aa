"""Grading with Dask through the result store, as a local run does: the client keys each
student, sends the workers only what the store lacks (nothing at all for an unchanged cohort),
saves each student as their task completes, and an interrupted or killed client resumes.

What the workers graded is read from the ``sleepy`` kind's log, which only the workers write;
what was saved, from the store itself."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from distributed import Client

from harness import api
from harness.cli import RESUME
from harness.store import store_path
from tests.conftest import REPO
from tests.executors.cohorts import TODAY, true_false_cohort
from tests.executors.sleepy import SECONDS, graded_log, wait_until_idle

STUDENTS = 8  # and one with no answers file: nine in all
GRADE_WITH_SLEEPY = """\
import sys

from harness.cli import main
from harness.kinds import kind_registry
from tests.executors.sleepy import SleepyKind

kind_registry().register("sleepy", SleepyKind)
main(sys.argv[1:], prog_name="harness")
"""


@pytest.fixture
def sleepy(sleepy_log: Path, tmp_path: Path) -> tuple[Path, Path, bytes]:
    """(bank, cohort, the results.json of the local executor) for a cohort of the sleepy kind."""
    bank, cohort = true_false_cohort(tmp_path, "sleepy", STUDENTS)
    return bank, cohort, _grade(bank, cohort, tmp_path / "local")


def _grade(bank: Path, cohort: Path, out: Path, **how: Any) -> bytes:
    api.grade([bank], cohort, out, ["json"], TODAY, **how)
    return (out / "results.json").read_bytes()


def _sent(log: Path, since: int = 0) -> set[tuple[str, str]]:
    """The (student, question) pairs the workers started after the first ``since`` log lines."""
    return {(student, question) for _, event, student, question in graded_log(log)[since:] if event == "start"}


def test_a_rerun_sends_only_what_the_store_lacks(
    client: Client, sleepy_log: Path, sleepy: tuple[Path, Path, bytes]
) -> None:
    bank, cohort, local = sleepy
    out = cohort.parent / "dask"
    how = {"executor": "dask", "scheduler": client.scheduler.address}
    assert _grade(bank, cohort, out, **how) == local
    assert len(_sent(sleepy_log)) == 2 * STUDENTS
    steps: list[tuple[dict[str, Any], set[tuple[str, str]]]] = [
        ({}, set()),  # unchanged: nobody is sent
        ({"only": ["s03"]}, {("s03", "q1"), ("s03", "q2")}),
        ({"questions": ["q2"]}, {(f"s{i:02d}", "q2") for i in range(STUDENTS)}),
    ]
    for extra, expected in steps:
        before = len(graded_log(sleepy_log))
        assert _grade(bank, cohort, out, **how, **extra) == local
        assert _sent(sleepy_log, before) == expected, extra
    (cohort / "s05" / "answers.yaml").write_text("q1: true\nq2: true\n", encoding="utf-8")  # a resubmission
    before = len(graded_log(sleepy_log))
    _grade(bank, cohort, out, **how)
    assert _sent(sleepy_log, before) == {("s05", "q1"), ("s05", "q2")}  # both: the student's keys changed


def test_a_local_runs_store_is_reused_by_a_dask_run(
    client: Client, sleepy_log: Path, sleepy: tuple[Path, Path, bytes]
) -> None:
    """The keys do not depend on where a student is graded: the record the client keys with is
    the one the workers' run makes, the same as a local run's."""
    bank, cohort, local = sleepy
    out = cohort.parent / "local"  # the store the fixture's local run left
    assert _grade(bank, cohort, out, executor="dask", scheduler=client.scheduler.address) == local
    assert _sent(sleepy_log) == set()


def _harness(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", GRADE_WITH_SLEEPY, *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored_students(out: Path) -> set[str]:
    path = store_path(out)
    if not path.exists():
        return set()
    try:
        with sqlite3.connect(path) as db:
            return {student for (student,) in db.execute("SELECT DISTINCT student_id FROM grades")}
    except sqlite3.OperationalError:  # created, but its tables not yet
        return set()


def _when_one_is_stored(process: subprocess.Popen[str], out: Path, sig: signal.Signals) -> str:
    """Send ``sig`` to the grading ``process`` once a student is saved; its stderr."""
    deadline = time.monotonic() + 120
    while not _stored_students(out):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(SECONDS / 8)
    process.send_signal(sig)
    return process.communicate(timeout=120)[1]


def _resumed(args: list[str], log: Path, total: int) -> tuple[str, set[str]]:
    """Run the command again once the workers are idle; its stdout, and whom the workers graded."""
    wait_until_idle(log)  # a killed client's tasks still running finish first
    before = len(graded_log(log))
    done = _harness(args)
    stdout, stderr = done.communicate(timeout=300)
    assert done.returncode == 0, stderr
    assert re.search(rf"grading \d+ of {total} student\(s\)", stdout), stdout
    return stdout, {student for student, _ in _sent(log, before)}


CLEAN_STOPS = [pytest.param(sig, marks=pytest.mark.slow) for sig in (signal.SIGINT, signal.SIGTERM)]


@pytest.mark.parametrize("sig", [signal.SIGKILL, *CLEAN_STOPS], ids=lambda s: s.name)
def test_a_client_stopped_mid_run_resumes_byte_identically(
    client: Client, sleepy_log: Path, sleepy: tuple[Path, Path, bytes], sig: signal.Signals
) -> None:
    bank, cohort, local = sleepy
    out = cohort.parent / "dask"
    args = ["grade", str(bank), "-s", str(cohort), "-o", str(out), "--format", "json", "--today", TODAY.isoformat()]
    args += ["--executor", "dask", "--scheduler", client.scheduler.address]
    process = _harness(args)
    stderr = _when_one_is_stored(process, out, sig)
    if sig is signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:  # stopped cleanly: the queued tasks cancelled, one line saying how to resume
        assert process.returncode == 128 + sig
        assert stderr.strip().splitlines() == [f"interrupted by {sig.name}: {RESUME}"]
    kept = _stored_students(out)
    assert 0 < len(kept) < STUDENTS + 1, kept
    assert not (out / "results.json").exists()
    stdout, graded = _resumed(args, sleepy_log, STUDENTS + 1)
    assert f"grading {STUDENTS + 1 - len(kept)} of {STUDENTS + 1} student(s)" in stdout
    assert graded == {f"s{i:02d}" for i in range(STUDENTS)} - kept  # nobody stored is sent again
    assert (out / "results.json").read_bytes() == local
    shutil.rmtree(out)
