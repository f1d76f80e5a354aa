"""Code grading benchmarks: cohort throughput, and the warm workers' overhead on torch exercises.

Run from the repository root::

    .venv/bin/python bench/bench_code.py [--students 200] [--skip-throughput] [--skip-overhead]
    .venv/bin/python bench/bench_code.py --quick    # 12 students, bwrap only, no torch overhead rows

(a) Throughput (issue 3: 200 students x all code exercises in under 3 minutes with bwrap):
    a cohort of generated students, each file assembled per question from the reference or
    one of its known-wrong solutions (seeded), graded end to end with ``harness.api.grade``
    on the coding bank. The peer is the same run on the ``process`` backend (rlimits only,
    no namespaces), so the ratio is the price of isolation. Printed with it, the overhead ratio
    of issue 12 (target at most 1.10x): the run's wall time over the students' compute
    divided by the cores.

    The students' compute is the CPU time of every student job's process, summed over every
    job of the run, public and hidden (the references' jobs are not counted): the zygote reaps
    each job it forks and reports what the kernel measured (``wait4``'s rusage), exact runtime
    rather than clock ticks, and never taken from the job's bytes. As a check, the sum must stay below the
    whole machine's CPU time over the run (/proc/stat); above it, the figure is wrong and the
    ratio is no verdict. The stub's own figures (``time.process_time`` around the import
    and each call) are printed beside it, summed the same way. (An earlier version of this
    benchmark summed them over every channel parsed: some jobs' reports twice, and the
    references' jobs too. That sum, not clock-tick rounding, is how it came out above the
    machine's CPU time.)

    Which way the figure errs, and what the verdict is worth: a job's CPU time holds the
    student's own code (import and calls) AND the harness's work inside the job's process
    (the stub's reading of the job, its timers and encoding of results, the forked
    interpreter's page faults and collections), so it is an upper bound on the students' own
    compute. A larger denominator makes the ratio smaller: the printed ratio is a LOWER bound
    on the true overhead. A ratio above the target is therefore a sound MISSED; a ratio
    within it means the target holds when the in-job harness work is counted as the
    students' (the part of the grading that cannot run anywhere but in the student's
    process). The gap between the jobs' CPU time and the stub's sum is the part of that work
    outside the stub's timed windows (reading the job, the fork's page faults, the exit).
    The stub's wall-clock time for the same work is printed too, but it is no measure of
    compute: with more jobs than cores it includes the time each job waited for a CPU.
    The harness's share (the machine's CPU less the jobs') is split into the grading
    process's own CPU time (its threads: judging, the store, the reports) and the rest: the
    zygotes' starts (counted by preload set), forks and cleanups, and the references' jobs.
    ``--quick`` (12 students) checks the whole path in a few minutes; its ratio is an upper
    bound, as the run's fixed costs (the doctor, a zygote per preload set and thread, the
    references) are shared by 12 students instead of 200. Run it on an otherwise idle
    machine: other work inflates the wall time, not the students' CPU time.
(b) Overhead on torch exercises (issue 3: grading time per student, after warm-up, at most
    10x the student code's own compute): each torch question graded K times with its
    reference as the student, through a warm bwrap worker, one job per question and then one
    job per file (``run_together``, as grading does); the student's own compute is the CPU
    time the stub measured (import plus every call); the rest is sandbox, fork and transport.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import resource
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from harness import api
from harness.kinds import LoadedQuestion
from harness.kinds.code import CodeQuestion, StudentCode
from harness.kinds.code_engine.runner import CodeRunner
from harness.sandbox.base import RunResult
from harness.sandbox.pool import WarmPool, WarmWorker
from harness.sandbox.selection import sandbox_named

BANK = Path("question_bank/coding.yaml")
SEED = 20261123
TODAY = dt.date(2026, 11, 23)
OVERHEAD_TARGET = 1.10  # issue 12: wall <= 1.10 x (students' own compute / cores)
QUICK_STUDENTS = 12


def code_questions() -> list[CodeQuestion]:
    questions: list[LoadedQuestion] = [bq for bank in api.load([BANK]) for bq in bank.questions]
    return [bq.question for bq in questions if isinstance(bq.question, CodeQuestion)]


def make_cohort(root: Path, students: int, questions: list[CodeQuestion]) -> Path:
    """Students whose files mix references and known-wrong solutions, question by question."""
    rng = random.Random(SEED)
    cohort = root / "cohort"
    for n in range(students):
        folder = cohort / f"student-{n:03d}"
        folder.mkdir(parents=True)
        files: dict[str, list[str]] = defaultdict(list)
        for question in questions:
            choices = [question.reference, *question.wrong_solutions]
            pick = question.reference if rng.random() < 0.7 else rng.choice(choices)
            files[Path(question.file).with_suffix(".py").name].append(question.path(pick).read_text())
        for name, parts in files.items():
            (folder / name).write_text("\n\n".join(parts), encoding="utf-8")
    return cohort


def throughput(students: int, with_peer: bool = True) -> None:
    questions = code_questions()
    print(f"(a) throughput: {students} students x {len(questions)} code questions ({BANK})")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-code-") as folder:
        cohort = make_cohort(Path(folder), students, questions)
        for backend, unsafe in (("bwrap", False), ("process", True))[: 2 if with_peer else 1]:
            cpu_before = _cpu_seconds()
            started = time.perf_counter()
            with _StudentJobs() as jobs:
                run = api.grade([BANK], cohort, Path(folder) / backend, ["json"], TODAY, backend, unsafe)
            seconds = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu_before
            scores = [s.score / s.max_score for s in run.cohort.students]
            rows.append((backend, seconds, cpu, jobs, statistics.mean(scores)))
    cores = os.cpu_count() or 1
    for backend, seconds, cpu, jobs, mean in rows:
        print(
            f"    {backend:<8} {seconds:8.1f} s  {seconds / students * 1000:7.0f} ms/student  "
            f"machine CPU {cpu:6.1f} s  student jobs: CPU {jobs.cpu:6.1f} s in {jobs.jobs} jobs "
            f"(the stub's figures: CPU {jobs.stub_cpu:6.1f} s, wall {jobs.stub_wall:6.1f} s)  mean score {mean:.1%}"
        )
    bwrap_seconds, machine_cpu, jobs = rows[0][1], rows[0][2], rows[0][3]
    print(f"    ({cores} cores: the students' jobs alone need at least {jobs.cpu / cores:.1f} s of wall time)")
    print(f"    overhead: {overhead_verdict(bwrap_seconds, jobs, machine_cpu, cores)}")
    zygotes = ", ".join(f"{count} {'+'.join(preload) or 'bare'}" for preload, count in jobs.zygotes.most_common())
    print(
        f"    the harness's share (the machine's CPU less the jobs'): {machine_cpu - jobs.cpu:.1f} s; of it the "
        f"grading process {jobs.host_cpu:.1f} s, and the rest (zygotes started: {zygotes}; their forks and "
        f"cleanups; the references' jobs) {machine_cpu - jobs.cpu - jobs.host_cpu:.1f} s"
    )
    if with_peer:
        print(f"    isolation costs {bwrap_seconds / rows[1][1]:.2f}x the process backend")
    verdict = "ok" if bwrap_seconds < 180 else "MISSED"
    print(f"    target: under 180 s with bwrap: {bwrap_seconds:.1f} s ({verdict})")


def overhead_verdict(wall: float, jobs: _StudentJobs, machine_cpu: float, cores: int) -> str:
    """The overhead ratio of issue 12 and its verdict, or why there is none: a job whose
    CPU time nobody measured, or a sum above the machine's CPU time over the run (which no
    correct measurement can reach). The ratio is a lower bound on the true one (see the
    module's docstring): MISSED is certain, ok counts the in-job harness work as the
    students'."""
    if jobs.unmeasured:
        return f"no verdict: {jobs.unmeasured} of {jobs.jobs} student jobs have no CPU time"
    if jobs.cpu > machine_cpu:
        return f"no verdict: the student jobs' CPU {jobs.cpu:.1f} s exceeds the machine's {machine_cpu:.1f} s"
    ratio = overhead_ratio(wall, jobs.cpu, cores)
    verdict = "ok" if ratio <= OVERHEAD_TARGET else "MISSED"
    return (
        f"wall / (student jobs' CPU / cores) = {ratio:.2f}x, a lower bound (target <= {OVERHEAD_TARGET}: {verdict}); "
        f"check: the jobs' CPU is {jobs.cpu / machine_cpu:.0%} of the machine's over the run"
    )


def overhead_ratio(wall: float, own_compute: float, cores: int) -> float:
    """The run's wall time over the least it could take: the students' own compute spread over
    every core (infinite when nothing was measured)."""
    return wall / (own_compute / cores) if own_compute > 0 else float("inf")


class _StudentJobs:
    """Sums, over every student job graded while active (public and hidden; the references'
    jobs are not counted): the job process's CPU time as the zygote measured it
    (``RunResult.cpu_seconds``), and the stub's own figures (CPU and wall-clock time of the
    module's import and every call, from the job's channel).

    Student jobs are those a :class:`CodeRunner` runs in its ``students`` and ``hidden``
    pools; each of them is one :meth:`WarmWorker.run` call, whose result is counted as it
    comes back, before anything parses it.
    """

    def __init__(self) -> None:
        self.cpu = self.stub_cpu = self.stub_wall = 0.0
        self.jobs = self.unmeasured = 0
        self.host_cpu = 0.0  # the grading process's own CPU time (its threads), over the block
        self.zygotes: Counter[tuple[str, ...]] = Counter()  # zygotes started, by preload set
        self._lock = threading.Lock()
        self._student_job = threading.local()  # set while this thread runs a student's job
        self._patches = contextlib.ExitStack()

    def __enter__(self) -> _StudentJobs:
        execute, run = CodeRunner._execute, WarmWorker.run

        def executing(runner: CodeRunner, pool: WarmPool, *args: Any) -> Any:
            self._student_job.active = pool is runner.students or pool is runner.hidden
            try:
                return execute(runner, pool, *args)
            finally:
                self._student_job.active = False

        def running(worker: WarmWorker, *args: Any) -> RunResult:
            result = run(worker, *args)
            if getattr(self._student_job, "active", False):
                self._add(result)
            return result

        start = WarmWorker.start

        def starting(worker: WarmWorker) -> None:
            if worker.process is None or worker.process.poll() is not None:
                with self._lock:
                    self.zygotes[worker.preload] += 1
            start(worker)

        self._patches.enter_context(mock.patch.object(CodeRunner, "_execute", executing))
        self._patches.enter_context(mock.patch.object(WarmWorker, "run", running))
        self._patches.enter_context(mock.patch.object(WarmWorker, "start", starting))
        self.host_cpu = -_own_cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.host_cpu += _own_cpu_seconds()
        self._patches.close()

    def _add(self, result: RunResult) -> None:
        with self._lock:
            stub_cpu, stub_wall = _own_seconds(result)
            self.stub_cpu += stub_cpu
            self.stub_wall += stub_wall
            self.jobs += 1
            if result.cpu_seconds is None:
                self.unmeasured += 1
            else:
                self.cpu += result.cpu_seconds


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_seconds() -> float:
    """CPU time the whole machine spent busy (user, nice, system, irq), from /proc/stat.

    The sandboxes' processes are reaped inside their own PID namespaces, so this process's
    rusage never sees them; the machine-wide figure does (run the benchmark on an otherwise
    idle machine). A busy neighbour on a shared host inflates wall time, not this."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def overhead(repeats: int) -> None:
    print(f"(b) warm-worker overhead on torch exercises, {repeats} gradings each after one warm-up")
    print(f"    {'question':<28}{'wall ms':>9}{'student CPU ms':>16}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as cache, CodeRunner(sandbox_named("bwrap"), cache_dir=Path(cache)) as runner:
        torch_questions = [q for q in code_questions() if "torch" in q.preload]
        for question in torch_questions:
            source = question.path(question.reference).read_text()
            runner.expected(question)
            _print_row(question.id, repeats, partial(runner.run, question, source, question.tests, runner.students))
        print("    as graded: a student's questions that share a file run as one job (run_together)")
        by_file: dict[str, list[CodeQuestion]] = defaultdict(list)
        for question in torch_questions:
            by_file[question.file].append(question)
        for file, questions in by_file.items():
            code = StudentCode("\n\n".join(q.path(q.reference).read_text() for q in questions), [])
            jobs = [(q, code) for q in questions]
            _print_row(f"{file} ({len(questions)} questions)", repeats, partial(runner.run_together, jobs))


def _print_row(label: str, repeats: int, grade_once: Callable[[], object]) -> None:
    """Median wall time of ``grade_once`` after one warm-up, against the student's own compute."""
    grade_once()
    walls = []
    with _StudentJobs() as own:
        for _ in range(repeats):
            started = time.perf_counter()
            grade_once()
            walls.append(time.perf_counter() - started)
    wall, mine = statistics.median(walls) * 1000, own.stub_cpu / repeats * 1000
    print(f"    {label:<28}{wall:>9.1f}{mine:>16.1f}{wall / mine:>7.1f}x")


def _own_seconds(result: RunResult) -> tuple[float, float]:
    """The student's own time in one run, as the stub measured it (import plus every call):
    CPU seconds and wall-clock seconds."""
    cpu = wall = 0.0
    for line in result.channel.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
            if event.get("event") in ("ready", "result"):
                cpu += float(event.get("cpu_seconds", 0))
                wall += float(event.get("seconds", 0))
        except (ValueError, AttributeError, TypeError):
            continue  # the grader reports malformed lines; here they only do not count
    return cpu, wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--no-peer", action="store_true", help="bwrap only, without the process-backend run")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_STUDENTS} students, bwrap only, throughput only (a few minutes)"
    )
    args = parser.parse_args()
    if args.quick:
        args.students, args.no_peer, args.skip_overhead = min(args.students, QUICK_STUDENTS), True, True
    if not args.skip_overhead:
        overhead(args.repeats)
    if not args.skip_throughput:
        throughput(args.students, not args.no_peer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
