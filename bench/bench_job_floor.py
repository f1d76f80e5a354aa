"""What one sandbox job costs, part by part, against the fork it cannot do without.

Run from the repository root::

    .venv/bin/python bench/bench_job_floor.py [--jobs 300] [--softmax ../shared/bench/softmax]

Every code job is a process forked from a warm zygote (numpy, torch... imported once) in a
bwrap sandbox, which runs one student's file and calls, and exits. This bench times
``--jobs`` jobs of the softmax exercise's shape (a small module, one call) through one
:class:`~harness.sandbox.pool.WarmWorker`, one after another, and splits their CPU time:

- the host's (this process: sending the job, reading and parsing the reply),
- the zygote's (the fork, relaying, the cleanup and checks after each job; from the CPU time
  each "ready" frame reports),
- the job's own process (from ``wait4``: copy-on-write faults, the student's module, the
  calls, the exit that unmaps everything), and that process in parts: forked children in
  the sandbox that do nothing, import the module, or serve the whole job, with their minor
  page faults (each page of objects whose reference counts Python writes is copied).

The peer, in the same run: ``fork`` + ``_exit`` + ``wait`` of a Python process that imported
numpy (as the zygote has), no sandbox and no work: what any design that forks a process per
job pays on this machine. The ratio of the two is printed, and what the softmax target of
issue 12 (0.04x the floor per student) leaves per student next to what a student's jobs
take (one public job, and one more for hidden tests, which run in zygotes of their own).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from harness.kinds.code_engine.channel import parse_channel
from harness.sandbox.base import RunRequest, SandboxLimits
from harness.sandbox.bwrap import CODE_DIR
from harness.sandbox.pool import STUB, WarmWorker
from harness.sandbox.selection import sandbox_named

ROOT = Path(__file__).resolve().parents[1]
SOFTMAX_TARGET = 0.04
SOURCE = """\
import numpy as np


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=float) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()
"""
CALLS = [{"id": "values", "function": "softmax", "args": [[1.0, 2.0, 3.0], 1.0], "kwargs": {}, "time_limit": 2}]

FORK_PEER = textwrap.dedent(
    """\
    import gc, json, os, sys, time
    import numpy, numpy.random
    gc.collect(); gc.freeze()  # as the zygote does
    jobs = int(sys.argv[1]); child = 0.0
    started, own = time.perf_counter(), time.process_time()
    for _ in range(jobs):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        _, _, usage = os.wait4(pid, 0)
        child += usage.ru_utime + usage.ru_stime
    wall, own = time.perf_counter() - started, time.process_time() - own
    print(json.dumps({"wall": wall / jobs, "cpu": (own + child) / jobs}))
    """
)


# Run inside the sandbox, as the zygote is (numpy imported, the collector frozen): forked
# children that do a part of a job each, their CPU and minor page faults from wait4.
CHILD_PARTS = textwrap.dedent(
    """\
    import gc, json, os, sys, time
    sys.path.insert(0, "/sandbox")
    import numpy, numpy.random
    import stub
    gc.collect(); gc.freeze()
    jobs = int(sys.argv[1])
    folder = "/tmp/job"
    os.mkdir(folder)
    with open(folder + "/softmax.py", "w") as f:
        f.write(sys.argv[2])
    calls = json.loads(sys.argv[3])
    request = {"module": folder + "/softmax.py", "calls": calls, "import_time_limit": 20, "seed": 1}
    parts = {
        "nothing": lambda channel: None,
        "import the module (importlib)": lambda channel: stub.load_module(folder + "/softmax.py"),
        "stub.serve (import, seed, one call, reply)": lambda channel: stub.serve(dict(request), stub.Channel(channel)),
    }
    rows = {}
    for name, part in parts.items():
        cpu = faults = 0.0
        for _ in range(jobs):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                try:
                    part(write)
                finally:
                    os._exit(0)
            os.close(write)
            while os.read(read, 65536):
                pass
            os.close(read)
            _, _, usage = os.wait4(pid, 0)
            cpu += usage.ru_utime + usage.ru_stime
            faults += usage.ru_minflt
        rows[name] = [cpu / jobs, faults / jobs]
    sys.__stdout__.write(json.dumps(rows))
    """
)


def child_parts(jobs: int) -> dict[str, list[float]]:
    """Per forked child in the sandbox: (CPU seconds, minor page faults) of each part of a job."""
    with tempfile.TemporaryDirectory(prefix="bench-parts-") as folder:
        Path(folder, "parts.py").write_text(CHILD_PARTS, encoding="utf-8")
        os.chmod(folder, 0o755)  # the sandbox's unprivileged uid reads it
        os.chmod(Path(folder, "parts.py"), 0o644)
        request = RunRequest(
            argv=["python", "-I", "-B", f"{CODE_DIR}/parts.py", str(jobs), SOURCE, json.dumps(CALLS)],
            workdir=Path(folder),
            limits=SandboxLimits(cpu_seconds=120, wall_seconds=300),
            mounts=(STUB,),
        )
        result = sandbox_named("bwrap").run(request)
    if result.exit_code != 0:
        raise SystemExit(f"the parts did not run in the sandbox: {result.stderr[-800:]}")
    return dict(json.loads(result.stdout))


def sandbox_jobs(jobs: int) -> dict[str, float]:
    """Per job (seconds): wall, and the CPU of the host, the zygote and the job's process."""
    limits = SandboxLimits()
    worker = WarmWorker(sandbox_named("bwrap"), ("numpy",), limits)
    request = {"module": "softmax.py", "calls": CALLS, "import_time_limit": 20, "seed": 1}
    try:
        for _ in range(5):  # the zygote's start and first jobs are not the steady state
            worker.run({"softmax.py": SOURCE}, request, limits)
        worker.run({"softmax.py": SOURCE}, request, limits)  # settles the last job: cpu_left is fresh
        zygote_left = worker.cpu_left
        host, job = os.times(), 0.0
        started = _now()
        for _ in range(jobs):
            result = worker.run({"softmax.py": SOURCE}, request, limits)
            event = parse_channel(result, CALLS).events.get("values") or {}
            if not event.get("ok"):
                raise SystemExit(f"a job did not return the value: {result}")
            job += result.cpu_seconds or 0.0
        wall = _now() - started
        after = os.times()
        worker.run({"softmax.py": SOURCE}, request, limits)  # its settling reports the last job's cleanup
        assert zygote_left is not None and worker.cpu_left is not None, "the zygote reports no CPU budget"
        zygote = zygote_left - worker.cpu_left
    finally:
        worker.shutdown()
    host_cpu = (after.user - host.user) + (after.system - host.system)
    return {"wall": wall / jobs, "host": host_cpu / jobs, "zygote": zygote / (jobs + 1), "job": job / jobs}


def fork_peer(jobs: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", FORK_PEER, str(jobs)], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def softmax_floor(softmax: Path, runs: int) -> float | None:
    """The softmax floor's median wall seconds (a bare Python importing numpy and running the
    five tests), or None when the softmax folder is not there."""
    if not (softmax / "make.py").is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        subprocess.run([sys.executable, str(softmax / "make.py"), tmp], check=True, capture_output=True)
        floor = sorted(Path(tmp, "floor").glob("s*.py"))[0]
        argv = [sys.executable, str(softmax / "floor_run_tests.py"), str(floor)]
        times = []
        for _ in range(runs):
            started = _now()
            subprocess.run(argv, check=True, capture_output=True)
            times.append(_now() - started)
    return statistics.median(times)


def _now() -> float:
    return time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--softmax", type=Path, default=ROOT.parent / "shared" / "bench" / "softmax")
    parser.add_argument("--floor-runs", type=int, default=10)
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0))
    ours = sandbox_jobs(args.jobs)
    peer = fork_peer(args.jobs)
    cpu = ours["host"] + ours["zygote"] + ours["job"]
    ms = 1000
    print(f"{args.jobs} jobs, one after another, through one warm bwrap zygote (numpy preloaded); {cpus} CPUs")
    print(f"  per job     wall {ours['wall'] * ms:6.2f} ms")
    print(
        f"  CPU per job      {cpu * ms:6.2f} ms = host {ours['host'] * ms:.2f} + zygote {ours['zygote'] * ms:.2f}"
        f" + the job's process {ours['job'] * ms:.2f}"
    )
    print("peer: fork + _exit + wait of a Python that imported numpy, no sandbox, no work")
    print(f"  per fork    wall {peer['wall'] * ms:6.2f} ms, CPU {peer['cpu'] * ms:.2f} ms")
    print(f"  a job's CPU / a bare fork's: {cpu / peer['cpu']:.2f}x")
    print("the job's process, in parts: forked children of a numpy process in the sandbox")
    for name, (part_cpu, faults) in child_parts(args.jobs // 2).items():
        print(f"  {name:<44} CPU {part_cpu * ms:5.2f} ms, {faults:5.0f} minor page faults")
    floor = softmax_floor(args.softmax.resolve(), args.floor_runs)
    if floor is not None:
        allowed = SOFTMAX_TARGET * floor * cpus  # CPU seconds per student, every CPU busy
        print(f"softmax floor (a bare python, numpy, five tests): median {floor * ms:.1f} ms")
        print(
            f"  the target ({SOFTMAX_TARGET}x per student) leaves {allowed * ms:.1f} CPU-ms per student on {cpus} CPUs;"
            f" a student's jobs alone take {cpu * ms:.1f} (public only) or {2 * cpu * ms:.1f} (public and hidden),"
            f" bare forks {peer['cpu'] * ms:.1f} or {2 * peer['cpu'] * ms:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
