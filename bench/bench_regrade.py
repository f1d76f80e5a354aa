"""Re-grade benchmark: the same unchanged cohort graded twice into the same ``--out``.

Run from the repository root::

    .venv/bin/python bench/bench_regrade.py [--students 200] [--sample] [--changed 1]

The first run grades every student and fills the result store (``OUT/.harness-store``); the
second hashes each student's folder, finds every student whole in the store, and finds the
reports in ``OUT`` up to date (see :mod:`harness.store.cohort`). The typed ``run.cohort`` is
built from the store only when asked; the time that takes is printed apart.
Each run is ``harness.api.grade(..., formats=["json"])`` in a fresh child process that reports
its own wall time. With ``--changed N``, a third run after N students resubmitted (one answer
changed each) shows the cost of a typical regrade. ``--sample`` grades the repository's sample
cohort (``question_bank`` + ``submissions/sample-cohort``, code questions included: needs the
sandbox) instead of the generated quiz cohort of ``bench_quiz.py`` (60 questions).

Target: the unchanged re-grade takes under 10% of the first run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from bench_quiz import write_data

TARGET_RATIO = 0.10
PYTHON = sys.executable
CHILD = """\
import datetime as dt, json, sys, time
from harness import api
banks, cohort, out = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
started = time.perf_counter()
run = api.grade(banks, cohort, out, ["json"], dt.date(2026, 11, 23), seed_secret="bench-regrade")
seconds = time.perf_counter() - started
students = len(run.cohort.students)  # built from the store only when asked (not by `harness grade`)
print(json.dumps({"seconds": seconds, "cohort_seconds": time.perf_counter() - started - seconds}))
"""


def grade_once(banks: list[str], cohort: Path, out: Path) -> tuple[float, float]:
    """(seconds until the reports are in place, seconds more to build ``run.cohort`` if asked)."""
    done = subprocess.run([PYTHON, "-c", CHILD, ",".join(banks), str(cohort), str(out)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"grading failed: {done.stderr.strip()}")
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    return float(timing["seconds"]), float(timing["cohort_seconds"])


def resubmit(cohort: Path, count: int) -> None:
    """Change the first answer of the first ``count`` students, as a resubmission would."""
    for folder in sorted(p for p in cohort.iterdir() if p.is_dir())[:count]:
        path = folder / "answers.yaml"
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
        first = next(iter(answers))
        answers[first] = "resubmitted"
        path.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--sample", action="store_true", help="grade the repository's sample cohort")
    parser.add_argument("--changed", type=int, default=0, help="students who resubmit before a third run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-regrade-") as tmp:
        root = Path(tmp)
        if args.sample:
            banks, cohort = ["question_bank"], Path("submissions/sample-cohort")
        else:
            bank, cohort, _ = write_data(root, args.students)
            banks = [str(bank)]
        out = root / "out"
        first, _ = grade_once(banks, cohort, out)
        second, typed = grade_once(banks, cohort, out)
        ratio = second / first
        print(f"first run (empty store):      {first:7.2f} s")
        print(f"unchanged re-grade:           {second:7.2f} s   ratio {ratio:.3f}  (target < {TARGET_RATIO})")
        print(f"  then building run.cohort:   {typed:7.2f} s   (only when the caller asks for it)")
        if args.changed and not args.sample:
            resubmit(cohort, args.changed)
            third, _ = grade_once(banks, cohort, out)
            print(f"after {args.changed} resubmission(s):    {third:7.2f} s   ratio {third / first:.3f}")
    return 0 if ratio < TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
