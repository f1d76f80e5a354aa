"""A student's self-check of the course's coding bank, one-shot, against another checkout.

Run from the repository root::

    .venv/bin/python bench/bench_selfcheck.py [--runs 5] [--against ../old-checkout] [--fresh] [--file F]

A student folder is built from the references of ``question_bank/coding.yaml`` (every file
of the bank, each question's reference solution, as a student who did everything right),
with an empty ``answers.yaml``. Each round runs ``harness check BANK -a ANSWERS`` as a fresh
process (``HARNESS_DAEMON=off``) with this checkout's harness, then, with ``--against``,
with that checkout's (its root first on ``PYTHONPATH``, from a neutral folder, so that
neither picks up the other's package), alternating, so that a busy machine weighs on both.
Printed: each side's times, sorted, and their medians.

The cache is ``$HARNESS_CACHE`` (the course's tiny models must be built there: any code
bench or ``make demo`` builds them, about 50 s once). ``--fresh`` gives each run a new cache
holding only those models, as a student's first self-check finds it: references, plans and
the sandbox doctor's verdict are computed again. ``--file`` keeps one file of the bank (for
example ``sampling.py``: its questions' statistical tests) and the questions on it.

No target: the figures go with the changes that move them (CHANGELOG).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "question_bank" / "coding.yaml"
RUN = "import sys; from harness.cli import main; sys.argv[0] = 'harness'; main()"


def student_folder(root: Path, only: str | None) -> tuple[Path, Path]:
    """(the bank to check, the answers file): every file of the bank from its references."""
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    questions = [q for q in bank["questions"] if q.get("kind") == "code" and only in (None, q["file"])]
    if not questions:
        raise SystemExit(f"no code question on {only!r} in {BANK}")
    files: dict[str, list[str]] = {}
    for question in questions:
        source = (BANK.parent / question["reference"]).read_text(encoding="utf-8")
        files.setdefault(Path(question["file"]).with_suffix(".py").name, []).append(source)
    folder = root / "student"
    folder.mkdir()
    for name, parts in files.items():
        (folder / name).write_text("\n\n".join(parts), encoding="utf-8")
    (folder / "answers.yaml").write_text("{}\n", encoding="utf-8")
    if only is None:
        return BANK, folder / "answers.yaml"
    checked = root / "bank" / BANK.name  # the file's questions; their paths are relative to the bank
    checked.parent.mkdir()
    (checked.parent / "exercises").symlink_to(BANK.parent / "exercises")
    checked.write_text(yaml.safe_dump({**bank, "questions": questions}, sort_keys=False), encoding="utf-8")
    return checked, folder / "answers.yaml"


def one_check(checkout: Path, bank: Path, answers: Path, cache: Path, neutral: Path) -> float:
    env = dict(os.environ, HARNESS_CACHE=str(cache), HARNESS_DAEMON="off", PYTHONPATH=str(checkout))
    argv = [sys.executable, "-c", RUN, "check", str(bank), "-a", str(answers), "--today", "2026-11-23"]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=neutral, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some public test failed (not with the references)
        raise SystemExit(f"harness check failed ({done.returncode}) with {checkout}:\n{done.stderr[-2000:]}")
    return seconds


def fresh_cache(cache: Path, root: Path, n: int) -> Path:
    """A new cache holding only the course's built models."""
    fresh = root / f"cache-{n}"
    fresh.mkdir()
    if (cache / "models").is_dir():
        shutil.copytree(cache / "models", fresh / "models")
    return fresh


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another checkout of the harness, alternated with this one")
    parser.add_argument("--fresh", action="store_true", help="a new cache (with the models) for every run")
    parser.add_argument("--file", help="only the questions on this file of the bank (e.g. sampling.py)")
    args = parser.parse_args()
    cache = Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")
    sides = [("this checkout", ROOT)] + ([("--against", args.against.resolve())] if args.against else [])
    times: dict[str, list[float]] = {label: [] for label, _ in sides}
    with tempfile.TemporaryDirectory(prefix="bench-selfcheck-") as tmp:
        root = Path(tmp)
        neutral = root / "cwd"
        neutral.mkdir()
        bank, answers = student_folder(root, args.file)
        for _, checkout in sides:  # once each, not timed: bytecode, the doctor's verdict, references
            one_check(checkout, bank, answers, cache, neutral)
        made = 0
        for _ in range(args.runs):
            for label, checkout in sides:
                made += 1
                used = fresh_cache(cache, root, made) if args.fresh else cache
                times[label].append(one_check(checkout, bank, answers, used, neutral))
    what = f"{args.file or 'the whole bank'}, {'a fresh cache each run' if args.fresh else 'a warm cache'}"
    print(f"self-check of {BANK.name} ({what}), {args.runs} runs, one-shot")
    for label, checkout in sides:
        runs = sorted(times[label])
        shown = " ".join(f"{t:.2f}" for t in runs)
        print(f"  {label:<14} median {statistics.median(runs):6.2f} s   ({shown})   {checkout}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
