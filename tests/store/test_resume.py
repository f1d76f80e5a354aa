"""Real `harness grade` processes killed mid-run, then run again: the results come out byte for
byte as from a run never interrupted, with nothing lost or graded twice."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.cli import RESUME
from harness.store import store_path
from tests.store.conftest import TODAY, make_cohort
from tests.test_cli import BANK

STUDENTS = 40
STUDENT_DELAY = 0.03  # seconds per student in the subprocess: about 1.2 s of grading
SLOW_GRADER = """\
import os, sys, time
from pathlib import Path

from harness.grading import runner
from harness.cli import main
from harness.store import sqlite

started = Path(os.environ["GRADING_STARTED"])
delay = float(os.environ["STUDENT_DELAY"])
sqlite.COMMIT_EVERY_S = float(os.environ.get("COMMIT_EVERY_S", sqlite.COMMIT_EVERY_S))
grade_student = runner.grade_student


def slow_grade(*args, **kwargs):
    started.touch()
    time.sleep(delay)
    graded = grade_student(*args, **kwargs)
    with open(str(started) + ".graded", "a") as log:
        log.write(graded.student_id + "\\n")
    return graded


runner.grade_student = slow_grade
main(sys.argv[1:], prog_name="harness")
"""
POINTS = random.Random(20261203)  # fixed seed: the same kill points on every run
KILL_POINTS = [round(POINTS.uniform(0, STUDENTS * STUDENT_DELAY), 3) for _ in range(3)]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[list[str], bytes]:
    """(the grade command's arguments but --out, the results.json of an uninterrupted run)."""
    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    cohort = make_cohort(tmp_path / "cohort", STUDENTS)
    args = ["grade", str(bank), "-s", str(cohort), "--format", "json,csv", "--today", TODAY]
    done = _harness([*args, "-o", str(tmp_path / "expected")])
    assert done.returncode == 0, done.stderr
    return args, (tmp_path / "expected" / "results.json").read_bytes()


def _harness(args: list[str]) -> subprocess.CompletedProcess[str]:
    cli = [sys.executable, "-c", "from harness.cli import main; main()", *args]
    return subprocess.run(cli, capture_output=True, text=True, timeout=120)


def _start_slow(
    args: list[str], flag: Path, commit_every_s: float | None = None, delay: float = STUDENT_DELAY
) -> subprocess.Popen[str]:
    env = {**os.environ, "GRADING_STARTED": str(flag), "STUDENT_DELAY": str(delay)}
    if commit_every_s is not None:
        env["COMMIT_EVERY_S"] = str(commit_every_s)
    command = [sys.executable, "-c", SLOW_GRADER, *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _interrupt_while_grading(
    args: list[str],
    flag: Path,
    sig: signal.Signals,
    after: float,
    commit_every_s: float | None = None,
    delay: float = STUDENT_DELAY,
) -> tuple[int, str]:
    """Start a slow grade (``delay`` seconds more per student), send ``sig`` ``after`` seconds
    into grading; its exit code and stderr."""
    process = _start_slow(args, flag, commit_every_s, delay)
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert process.poll() is None and time.monotonic() < deadline, "grade never began grading"
        time.sleep(0.005)
    time.sleep(after)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


def _stored_students(out: Path) -> int:
    path = store_path(out)
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(DISTINCT student_id) FROM grades").fetchone()[0])


def test_kill_9_at_any_moment_then_the_same_command_resumes(setup: tuple[list[str], bytes], tmp_path: Path) -> None:
    args, expected = setup
    out = tmp_path / "out"
    stored = []
    for index, after in enumerate(KILL_POINTS):  # killed again and again, on the same --out
        code, _ = _interrupt_while_grading([*args, "-o", str(out)], tmp_path / f"flag-{index}", signal.SIGKILL, after)
        assert code == -signal.SIGKILL
        stored.append(_stored_students(out))
    assert stored == sorted(stored)  # nothing a kill came after was lost
    assert any(0 < n < STUDENTS for n in stored), f"no kill came mid-grading: {stored}"
    done = _harness([*args, "-o", str(out)])
    assert done.returncode == 0, done.stderr
    graded = int(re.search(r"grading (\d+) of 40 student", done.stdout).group(1))  # type: ignore[union-attr]
    assert graded == STUDENTS - stored[-1]  # exactly the students no run had saved
    assert (out / "results.json").read_bytes() == expected


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_sigint_and_sigterm_stop_cleanly_and_say_how_to_resume(
    setup: tuple[list[str], bytes], tmp_path: Path, sig: signal.Signals
) -> None:
    args, expected = setup
    out = tmp_path / "out"
    code, stderr = _interrupt_while_grading(
        [*args, "-o", str(out)], tmp_path / "flag", sig, STUDENTS * STUDENT_DELAY / 3
    )
    assert code == 128 + sig
    assert stderr.strip().splitlines() == [f"interrupted by {sig.name}: {RESUME}"]
    assert not (out / "results.json").exists()  # no reports from half a cohort
    kept = _stored_students(out)
    assert 0 < kept < STUDENTS
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".out.")] == []  # no staging left
    done = _harness([*args, "-o", str(out)])
    assert done.returncode == 0, done.stderr
    assert f"grading {STUDENTS - kept} of {STUDENTS} student(s)" in done.stdout
    assert (out / "results.json").read_bytes() == expected
    shutil.rmtree(out)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=lambda s: s.name)
def test_students_held_for_the_next_commit_are_regraded_after_kill_9_and_kept_after_sigint(
    setup: tuple[list[str], bytes], tmp_path: Path, sig: signal.Signals
) -> None:
    """With commits held back for the whole run, kill -9 loses every student finished (the
    rerun grades them all again, to the same bytes); a clean stop commits them all."""
    args, expected = setup
    out = tmp_path / "out"
    code, _ = _interrupt_while_grading([*args, "-o", str(out)], tmp_path / "flag", sig, 0.5, commit_every_s=3600)
    assert code in (-signal.SIGKILL, 128 + signal.SIGINT)
    finished = (tmp_path / "flag.graded").read_text(encoding="utf-8").split()
    assert 0 < len(finished) < STUDENTS
    kept = _stored_students(out)
    assert kept == (0 if sig == signal.SIGKILL else len(finished))
    done = _harness([*args, "-o", str(out)])
    assert done.returncode == 0, done.stderr
    assert f"grading {STUDENTS - kept} of {STUDENTS} student(s)" in done.stdout
    assert (out / "results.json").read_bytes() == expected


CODE_BANK = """\
id: code-bank
title: Code
version: "1"
questions:
  - id: q-mean
    kind: code
    prompt: Write mean(values); raise ValueError for an empty list.
    file: stats.py
    reference: {reference}
    tests:
      - {{id: three, call: mean, args: [[1.0, 2.0, 6.0]]}}
      - {{id: empty, call: mean, args: [[]], raises: ValueError, visibility: hidden}}
"""


@pytest.mark.slow
def test_a_cohort_with_a_code_question_resumes_after_kill_9(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.kinds.code import EXAMPLES

    bank = tmp_path / "code.yaml"
    bank.write_text(CODE_BANK.format(reference=EXAMPLES / "mean_reference.py"), encoding="utf-8")
    cohort = tmp_path / "cohort"
    for index in range(8):
        folder = cohort / f"c{index:02d}"
        folder.mkdir(parents=True)
        source = EXAMPLES / ("mean_right.py" if index % 3 else "mean_wrong.py")
        (folder / "stats.py").write_bytes(source.read_bytes())
    args = ["grade", str(bank), "-s", str(cohort), "--format", "json", "--today", TODAY, "--sandbox", "process"]
    args.append("--unsafe-sandbox")  # the course's own example files: no need for bwrap here
    monkeypatch.setenv("HARNESS_SEED_SECRET", "resume-code")  # both outs draw the same seeds
    expected = _harness([*args, "-o", str(tmp_path / "expected")])
    assert expected.returncode == 0, expected.stderr
    out = tmp_path / "out"
    # 8 students, 0.25 s each on top of their grading, in 3 threads: the last is saved 0.75 s
    # or more after the first began, however fast the machine (at 0.03 s each, this machine
    # saved all 8 within the 0.3 s)
    code, _ = _interrupt_while_grading([*args, "-o", str(out)], tmp_path / "flag", signal.SIGKILL, 0.3, delay=0.25)
    assert code == -signal.SIGKILL
    assert _stored_students(out) < 8  # killed before the last student was saved
    done = _harness([*args, "-o", str(out)])
    assert done.returncode == 0, done.stderr
    assert (out / "results.json").read_bytes() == (tmp_path / "expected" / "results.json").read_bytes()
