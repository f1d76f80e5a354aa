"""A cohort of softmax notebooks graded by the CLI, against the floor, in the same run.

Run from the repository root::

    .venv/bin/python bench/bench_softmax.py [--students 1000] [--floor-runs 30] [--plain]

The softmax peer benchmark (``--softmax``, see its README) is built into a temporary folder:
one code question (two public, three hidden tests) and 20 notebooks, 10 correct and 10 with
the temperature bug. A cohort of 1,000 is 50 copies of the 20, as the README says, but each
copy's notebook gets a comment with its copy number in its code cell, so that every student's
bytes differ and nothing keyed by content (the store, a cache) can grade one copy for many.
``--plain`` also grades the README's plain copies (identical bytes) and prints that figure.

Timed, as fresh processes:

- the floor: ``python floor_run_tests.py floor/sNN.py`` (a bare Python that imports numpy and
  the submission and runs the five tests), ``--floor-runs`` times over the 20 submissions,
  half before the grade and half after it, so that a neighbour's load weighs on both;
- ``harness grade BANK -s COHORT -o OUT`` (as a user runs it: doctor, pools, store, reports);
- the same command again, unchanged, into the same ``OUT`` (the store's re-grade).

Printed: the grade's wall time per student over the floor's median per submission (target
at most 0.04x), the re-grade over the first grade (target under 0.10), and whether the
verdicts are right (every correct notebook passes all five tests, every buggy one fails
some) and the re-grade's results.json is byte-identical to the first.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_lone import HARNESS, PYTHON, ROOT, timed

TARGET_RATIO = 0.04
REGRADE_TARGET = 0.10
NOTEBOOK = "softmax.ipynb"


def build(softmax: Path, folder: Path) -> Path:
    subprocess.run([PYTHON, str(softmax / "make.py"), str(folder)], check=True, capture_output=True)
    return folder


def make_cohort(built: Path, students: int, distinct: bool) -> Path:
    """``students`` folders, copies of the 20 in turn; ``distinct`` marks each copy's code cell."""
    originals = sorted(p for p in (built / "cohort").iterdir() if p.is_dir())
    cohort = built / ("distinct" if distinct else "plain") / str(students)
    for n in range(students):
        copy, index = divmod(n, len(originals))
        original = originals[index]
        folder = cohort / f"c{copy:03d}_{original.name}"
        folder.mkdir(parents=True)
        if not distinct:
            shutil.copy(original / NOTEBOOK, folder / NOTEBOOK)
            continue
        notebook = json.loads((original / NOTEBOOK).read_text(encoding="utf-8"))
        code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
        code["source"].insert(0, f"# copy {copy}\n")
        (folder / NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")
    return cohort


def floor_runs(softmax: Path, built: Path, runs: int, env: dict[str, str], start: int) -> list[float]:
    """Wall seconds of ``runs`` floor processes over the 20 submissions, from ``start``."""
    floors = sorted((built / "floor").glob("s*.py"))
    script = str(softmax / "floor_run_tests.py")
    return [timed([PYTHON, script, str(floors[(start + n) % len(floors)])], env)[0] for n in range(runs)]


def verdicts(out: Path) -> tuple[int, int, list[str]]:
    """(students with every test passed, the others, students whose verdict is wrong)."""
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    passed = failed = 0
    wrong = []
    for student in results["students"]:
        full = student["score"] == student["max_score"] and student["max_score"] > 0
        passed += full
        failed += not full
        if full != student["student_id"].endswith("_ok"):
            wrong.append(student["student_id"])
    return passed, failed, wrong


def grade_twice(built: Path, cohort: Path, out: Path, env: dict[str, str]) -> tuple[float, float, bool]:
    """(first grade's wall seconds, the unchanged re-grade's, results.json the same bytes)."""
    argv = [*HARNESS, "grade", str(built / "bank"), "-s", str(cohort), "-o", str(out)]
    first, _ = timed(argv, env)
    before = (out / "results.json").read_bytes()
    again, _ = timed(argv, env)
    return first, again, before == (out / "results.json").read_bytes()


def report(label: str, students: int, floor: float, first: float, again: float, out: Path, same: bool) -> bool:
    passed, failed, wrong = verdicts(out)
    ratio, regrade = first / students / floor, again / first
    print(f"{label}: {students} students")
    print(f"  grade       {first:8.2f} s  {first / students * 1000:7.1f} ms/student")
    print(f"  per student {ratio:8.3f}x the floor   (target <= {TARGET_RATIO}: {_verdict(ratio <= TARGET_RATIO)})")
    verdict = _verdict(regrade < REGRADE_TARGET)
    print(f"  re-grade    {again:8.2f} s  {regrade:7.3f} of the first (target < {REGRADE_TARGET}: {verdict})")
    print(f"  verdicts    {passed} pass / {failed} fail, {len(wrong)} wrong; re-grade results.json identical: {same}")
    for student in wrong_students(out, wrong):  # a wrong verdict is a bug: say which and why
        print(f"    wrong: {student['student_id']} {student['score']}/{student['max_score']}")
        for question in student["questions"]:
            for line in question["feedback"][:8]:
                print(f"      {line[:160]}")
    return not wrong and same and passed == failed == students // 2


def wrong_students(out: Path, wrong: list[str]) -> list[dict[str, Any]]:
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return [student for student in results["students"] if student["student_id"] in wrong]


def _verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--softmax", type=Path, default=ROOT.parent / "shared" / "bench" / "softmax")
    parser.add_argument("--students", type=int, default=1000, help="a multiple of 20 (default 1000)")
    parser.add_argument("--floor-runs", type=int, default=30)
    parser.add_argument("--plain", action="store_true", help="also grade identical copies (the README's cohort)")
    args = parser.parse_args()
    if args.students <= 0 or args.students % 20:
        parser.error("--students must be a positive multiple of 20")
    softmax = args.softmax.resolve()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory(prefix="bench-softmax-") as tmp:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")  # as an installed harness has its .pyc
        built = build(softmax, Path(tmp) / "softmax")
        cohorts = [("distinct copies", make_cohort(built, args.students, True))]
        if args.plain:
            cohorts.append(("plain copies", make_cohort(built, args.students, False)))
        timed([*HARNESS, "grade", str(built / "bank"), "-s", str(built / "one"), "-o", str(Path(tmp) / "warm")], env)
        floors = floor_runs(softmax, built, args.floor_runs - args.floor_runs // 2, env, 0)
        runs = []
        for label, cohort in cohorts:
            started = time.strftime("%H:%M:%S")
            runs.append((label, cohort, *grade_twice(built, cohort, Path(tmp) / f"out-{len(runs)}", env), started))
        floors += floor_runs(softmax, built, args.floor_runs // 2, env, len(floors))
        floor = statistics.median(floors)
        print(f"floor: median {floor * 1000:.1f} ms per submission over {len(floors)} runs")
        ok = True
        for n, (label, _, first, again, same, started) in enumerate(runs):
            ok &= report(
                f"{label} (started {started})", args.students, floor, first, again, Path(tmp) / f"out-{n}", same
            )
        print(f"load after the run: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
