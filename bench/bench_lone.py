"""A lone student's code grade against the floor, in the same run.

Run from the repository root::

    .venv/bin/python bench/bench_lone.py [--softmax ../shared/bench/softmax] [--runs 7]

The softmax peer benchmark (``--softmax``, see its README) is built into a temporary folder.
Each round then runs, one after the other, as fresh processes:

- the floor: ``python floor_run_tests.py floor/s00.py`` (a bare Python that imports numpy and
  the submission and runs the five tests);
- ``harness grade BANK -s one -o OUT`` (one notebook, the cohort path: doctor, pool, reports);
- ``harness check BANK -a one/answers.yaml`` (the student's self-check of the same notebook);
- the same two through a warm daemon (``harness daemon start``, :mod:`harness.daemon`: the
  ``harness`` command hands them to a process that has imported harness once), rows
  ``grade/d`` and ``check/d``. The bench starts that daemon itself (in a private runtime
  folder, with the children's environment), times its start, and stops it at the end.

The children import harness from this checkout (its root first on ``PYTHONPATH``; checked
before timing), whatever copy the interpreter has installed.

The three alternate within each round, so that a busy machine slows them alike; the medians
of wall time and of CPU time (the process and every child it waited for) are printed, with
the ratios to the floor. CPU time is the machine's (``/proc/stat``: a daemon's command runs
in the daemon's children, not the client's), so run it on an otherwise idle machine.
Target: ``harness grade`` within 3x the floor; both ways of running it are judged.

The children may write bytecode (into a temporary ``PYTHONPYCACHEPREFIX``), as an installed
harness has its ``.pyc`` files: where ``PYTHONDONTWRITEBYTECODE`` is set, every run would
otherwise compile harness from source (about 0.4 s), which no installed copy does.
``--no-bytecode`` keeps the environment as it is.

The sandbox doctor's verdict is kept per boot, kernel and tools for half an hour
(:mod:`harness.sandbox.verdict_cache`); a first round after a reboot pays its seconds once,
so the bench runs one grade before timing (``--cold`` times that first grade instead).
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

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 3.0
HARNESS = [PYTHON, "-c", "import sys; from harness.cli import main; sys.argv[0] = 'harness'; main()"]
LAUNCHER = [PYTHON, "-c", "import sys; from harness.launcher import main; sys.argv[0] = 'harness'; main()"]


def machine_cpu() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of one process, which must succeed, and the machine's CPU seconds meanwhile."""
    before = machine_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu = machine_cpu() - before
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])}... failed ({done.returncode}): {done.stderr[-600:]}")
    return wall, cpu


def check_checkout(env: dict[str, str]) -> None:
    """The children must run this checkout's harness (``PYTHONPATH`` puts it first), not an
    installed or editable copy of another one: say which and stop otherwise."""
    where = subprocess.run(
        [PYTHON, "-c", "import harness; print(harness.__file__)"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(ROOT):
        raise SystemExit(f"the children import harness from {where}, not from this checkout ({ROOT})")


def build(softmax: Path, folder: Path) -> Path:
    subprocess.run([PYTHON, str(softmax / "make.py"), str(folder)], check=True, capture_output=True)
    (folder / "one" / "s00_ok" / "answers.yaml").write_text("{}\n", encoding="utf-8")
    return folder


def commands(softmax: Path, built: Path, out: Path) -> dict[str, list[str]]:
    bank = str(built / "bank")
    return {
        "floor": [PYTHON, str(softmax / "floor_run_tests.py"), str(built / "floor" / "s00.py")],
        "grade": [*HARNESS, "grade", bank, "-s", str(built / "one"), "-o", str(out)],
        "check": [*HARNESS, "check", bank, "-a", str(built / "one" / "s00_ok" / "answers.yaml")],
        "grade/d": [*LAUNCHER, "grade", bank, "-s", str(built / "one"), "-o", str(out)],
        "check/d": [*LAUNCHER, "check", bank, "-a", str(built / "one" / "s00_ok" / "answers.yaml")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--softmax", type=Path, default=ROOT.parent / "shared" / "bench" / "softmax")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="time the first grade too (doctor not yet kept)")
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as it is")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    check_checkout(env)
    with tempfile.TemporaryDirectory(prefix="bench-lone-") as tmp:
        if not args.no_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["XDG_RUNTIME_DIR"] = str(Path(tmp) / "run")  # this bench's daemon only
        env.pop("HARNESS_DAEMON", None)
        (Path(tmp) / "run").mkdir(mode=0o700)
        built = build(args.softmax.resolve(), Path(tmp) / "softmax")
        argvs = commands(args.softmax.resolve(), built, Path(tmp) / "out")
        if not args.cold:
            timed(argvs["grade"], env)
            timed(argvs["check"], env)
        started = timed([*LAUNCHER, "daemon", "start", "--idle", "600"], env)[0]
        try:
            figures: dict[str, list[tuple[float, float]]] = {name: [] for name in argvs}
            for _ in range(args.runs):
                for name, argv in argvs.items():
                    shutil.rmtree(Path(tmp) / "out", ignore_errors=True)
                    figures[name].append(timed(argv, env))
            served = subprocess.run([*LAUNCHER, "daemon", "status"], env=env, capture_output=True, text=True)
        finally:
            subprocess.run([*LAUNCHER, "daemon", "stop"], env=env, capture_output=True, check=False)
    print(f"daemon: started in {started:.2f} s; {served.stdout.strip() or served.stderr.strip()}")
    report(figures)


def report(figures: dict[str, list[tuple[float, float]]]) -> None:
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in figures.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in figures.items()}
    print(f"{'':8} {'wall s':>8} {'x floor':>8} {'cpu s':>8} {'x floor':>8}   (medians of {len(figures['floor'])})")
    for name in figures:
        print(
            f"{name:8} {wall[name]:8.3f} {wall[name] / wall['floor']:8.2f} "
            f"{cpu[name]:8.3f} {cpu[name] / cpu['floor']:8.2f}"
        )
    for name, how in (("grade", "a one-shot process"), ("grade/d", "through the warm daemon")):
        ratio = wall[name] / wall["floor"]
        verdict = "OK" if ratio <= TARGET_RATIO else "OVER"
        print(f"lone grade, {how}: {ratio:.2f}x the floor (target <= {TARGET_RATIO:g}x): {verdict}")


if __name__ == "__main__":
    main()
