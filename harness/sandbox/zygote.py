"""A warm worker INSIDE the sandbox: heavy modules imported once, fresh forks per job.

Importing torch or transformers takes seconds; paying that per student would dominate
grading. The zygote imports them once (inside the same bubblewrap sandbox as any student
code: same namespaces, same unprivileged uid, same read-only mounts) and then never lets a
byte of a job into its own memory, so that memory stays pristine (every job is forked from
it, and a forked child can read its own memory, which is a copy of its parent's):

- for every job it reads a small *meta* frame from the host (the job's id, its limits, how
  many bytes the job's own frame has): nothing of the student's and
  nothing of the tests. It forks the student's process from its own clean state, then moves
  the job's frame (the student's files, the request with its inputs) from stdin into that
  process's inbox pipe with ``splice`` (:mod:`relay`): the kernel hands over its pipe
  buffers, the zygote's userspace never holds them, and the job's process parses them in its
  own memory. The job's events come back the same way: spliced from its channel into a pipe
  of the zygote's (splice says how many bytes), announced to the host in a ``{"chunk": n}``
  frame, spliced on to stdout; past the channel's cap (plus one byte, so the host sees the
  overflow) the rest goes to /dev/null. What the zygote cannot splice, it refuses to relay:
  it does not start where splice between pipes is unavailable;
- the student's process gets its own session, a folder with an unguessable name, hard
  rlimits (CPU, address space, file size, open files, processes, POSIX message queues) and
  no file descriptors but its pipes;
- a job runs one set of calls: the host sends a student's public tests and hidden tests
  as two jobs, to two sets of zygotes (a job can leave marks in its sandbox's namespaces
  that the next job there reads, so hidden inputs never go where a public job will run). The
  exit status, timing and CPU fields of every reply are the zygote's own measurements, never
  the job's; the zygote is the job's parent: it keeps the wall clock, kills the job's session
  and reaps it;
- every reply says how much CPU time (user + system) the job's process used
  (``cpu_seconds``), measured by the kernel and read by the zygote once the job is reaped,
  from ``wait4``'s rusage, which adds the children it waited for (and theirs, recursively):
  the scheduler's exact runtime, not clock ticks. A job cannot change the figure by
  anything it writes (the zygote never
  reads the job's bytes), only by really using CPU time, under its RLIMIT_CPU. What it
  leaves to processes it never waits for is not counted (the zygote kills them with the
  job's session, and another process reaps them): the figure covers the job's process and
  the descendants it reaped, which is all of an honest job's work;
- the zygote is not dumpable, so a job (same uid) cannot ptrace it or read its memory or
  file descriptors through /proc (nor take them with ``pidfd_getfd``, which the sandbox's
  seccomp filter refuses): the host's stream on its stdin is the zygote's alone;
- the student's process volunteers for the OOM killer (``oom_score_adj`` 1000): when a job
  goes over the sandbox's memory cgroup, the job's processes are killed, not the zygote;
- after each job, in a contained sandbox (``--contained``: a private PID namespace and a uid
  of its own, never root), every process of the uid but the zygote is killed (and waited
  for: until they are reaped they count against the next job's process limit), /tmp and
  /dev/shm are emptied and SysV IPC objects removed, and the zygote's I/O priority is set
  back. The zygote then checks that nothing about itself changed (rlimits, priority,
  scheduling, CPU affinity, I/O priority: a job can change those of a process with its uid),
  that its uid holds no keys (the sandbox's seccomp filter refuses keyring calls, so none
  should ever exist) and that the scratch space really is empty. Only then does it say
  ``ready``; otherwise it says ``retire`` and exits, and the host starts a fresh sandbox.
  ``ready`` also says how many CPU seconds the zygote has left under its own RLIMIT_CPU: a
  job spends them (milliseconds to relay an honest job; up to its whole wall clock to splice
  a flooded channel to /dev/null), so the host starts a fresh zygote once few are left
  (``ZYGOTE_CPU_RESERVE_S``, far more than an honest job spends): no job dies with a zygote
  that earlier jobs spent.
  Outside such a sandbox (the ``process`` backend) the machine-wide steps would hit the
  host, so they are never taken there.

Like the stub, this file imports nothing from ``harness`` (only :mod:`relay`, mounted beside
it). Frames on stdin/stdout are a 4-byte big-endian length and a JSON object; the job's own
frame follows its meta, and a relayed chunk's bytes follow its ``{"chunk": n}`` frame, raw.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import stat
import struct
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out
import stub  # type: ignore[import-not-found]
from relay import Relay, SpliceUnavailable  # type: ignore[import-not-found]

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
IPC_RMID = 0
MAX_JOB = 64_000_000
SCRATCH = ("/tmp", "/dev/shm")
GONE_WITHIN_S = 5.0  # for a killed job's processes to be reaped
RLIMITS = [getattr(resource, n) for n in dir(resource) if n.startswith("RLIMIT_")]
IOPRIO_SYSCALLS = {"x86_64": (251, 252), "aarch64": (30, 31)}  # ioprio_set, ioprio_get
SCHED_GETATTR = {"x86_64": 315, "aarch64": 275}
SCHED_ATTR_SIZE = 56  # struct sched_attr with utilisation clamps (SCHED_ATTR_SIZE_VER1)
IOPRIO_WHO_PROCESS = 1


# --- frames ----------------------------------------------------------------------------


def read_exact(fd: int, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def read_frame(fd: int) -> dict[str, Any] | None:
    header = read_exact(fd, 4)
    if header is None:
        return None
    (size,) = struct.unpack(">I", header)
    if size > MAX_JOB:
        return None
    body = read_exact(fd, size)
    if body is None:
        return None
    frame: dict[str, Any] = json.loads(body)
    return frame


def write_frame(fd: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    view = memoryview(struct.pack(">I", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


LIBC = ctypes.CDLL(None, use_errno=True)  # once: a job's fork inherits it, no dlopen per call


def prctl(option: int, value: int) -> None:
    if LIBC.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")


def ioprio_get() -> int | None:
    """This process's I/O priority (class and level), or None where there is no table."""
    numbers = IOPRIO_SYSCALLS.get(platform.machine())
    if numbers is None:
        return None
    value: int = LIBC.syscall(numbers[1], IOPRIO_WHO_PROCESS, 0)
    return value


def ioprio_set(value: int) -> None:
    """Set this process's I/O priority (setting it back from idle needs no privilege)."""
    numbers = IOPRIO_SYSCALLS.get(platform.machine())
    if numbers is not None:
        LIBC.syscall(numbers[0], IOPRIO_WHO_PROCESS, 0, value)


def sched_attr() -> list[int] | None:
    """This process's whole ``struct sched_attr`` (policy, flags, nice, priority, deadline
    parameters, utilisation clamps): a job of our uid may change some of it in us with
    ``sched_setattr`` (a low ``uclamp_max`` slows every later job on a kernel with clamps),
    and each fork would inherit it. None where the call is unknown."""
    number = SCHED_GETATTR.get(platform.machine())
    if number is None:
        return None
    buffer = ctypes.create_string_buffer(SCHED_ATTR_SIZE)
    if LIBC.syscall(number, 0, buffer, SCHED_ATTR_SIZE, 0) != 0:
        return None
    return list(struct.unpack("=IIQiIQQQII", buffer.raw))[1:]  # the size field is the kernel's


def keys_of_uid(uid: int) -> int:
    """How many keys the kernel keeps for ``uid`` (/proc/key-users; 0 when not listed)."""
    with _quiet(), open("/proc/key-users", encoding="ascii") as table:
        for line in table:
            owner, _, rest = line.partition(":")
            if owner.strip() == str(uid):
                return int(rest.split()[1].split("/")[0])
    return 0


# --- the student's process ----------------------------------------------------------------


def student(limits: dict[str, Any], pipes: JobPipes, folder: str) -> None:
    """Runs in the student's forked process: never returns.

    It reads the job (the student's files and the request: bytes the zygote only relayed)
    from ``pipes.inbox`` and sends its events on ``pipes.channel``.
    """
    try:
        os.setsid()  # a session of its own: the zygote kills it whole afterwards
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        volunteer_for_oom_killer()
        job = read_frame(pipes.inbox)
        if job is None:
            raise EOFError("the job did not arrive")
        os.mkdir(folder, 0o700)
        for name, text in job["files"].items():
            with open(os.path.join(folder, os.path.basename(name)), "w", encoding="utf-8") as handle:
                handle.write(text)
        os.chdir(folder)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        close_all_but([pipes.channel])  # the inbox is read: only the channel stays open
        apply_limits(limits)
        request = dict(job["request"], module=os.path.join(folder, os.path.basename(job["request"]["module"])))
    except BaseException as exc:  # before the student's code runs: a worker fault, reported
        with _quiet():
            stub.Channel(pipes.channel).send({"event": "worker_error", "message": f"{type(exc).__name__}: {exc}"[:500]})
        os._exit(0)
    try:
        stub.serve(request, stub.Channel(pipes.channel))
    finally:
        os._exit(0)


def close_all_but(keep: list[int]) -> None:
    """Close every file descriptor above stderr except ``keep``."""
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, 65536)


def volunteer_for_oom_killer() -> None:
    """Over the sandbox's memory cap, the job's processes go first, never the zygote. Our
    /proc files belong to root while we are not dumpable (inherited from the zygote), so for
    this one write we are; no code of the job has run yet, and no other job's process lives."""
    prctl(PR_SET_DUMPABLE, 1)
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as oom:
            oom.write("1000")
    finally:
        prctl(PR_SET_DUMPABLE, 0)


def apply_limits(limits: dict[str, Any]) -> None:
    """Hard limits for the student's process."""
    mb = 1024 * 1024
    nproc = processes_of_uid(os.getuid()) + int(limits["processes"]) - 1  # this process counts too
    for which, value in (
        (resource.RLIMIT_CPU, limits["cpu_seconds"]),
        (resource.RLIMIT_AS, limits["memory_mb"] * mb),
        (resource.RLIMIT_FSIZE, limits["file_size_mb"] * mb),
        (resource.RLIMIT_NOFILE, limits["open_files"]),
        (resource.RLIMIT_NPROC, nproc),  # counted per uid: what runs now plus the job's share
        (resource.RLIMIT_MSGQUEUE, 0),
        (resource.RLIMIT_CORE, 0),
    ):
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)  # never above the sandbox's own cap (lowering is all we may do)
        resource.setrlimit(which, (value, value))


def processes_of_uid(uid: int) -> int:
    """How many processes of ``uid`` exist (RLIMIT_NPROC counts them all)."""
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            with _quiet(), open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("Uid:"):
                        count += int(line.split()[1]) == uid
                        break
    return count


# --- a job: the zygote forks the student's process and relays its bytes -------------------


class JobPipes:
    """The pipes between the zygote and a job's process, each a (read end, write end) pair
    of which the job keeps one end: ``inbox`` carries the job (relayed from the host),
    ``channel`` the job's events."""

    def __init__(self) -> None:
        self.channel_r, self.channel = os.pipe()  # created first, as it always was: the lowest of the job's pipes
        self.inbox, self.inbox_w = os.pipe()

    def close_ends(self, of_the_job: bool) -> None:
        """Close the job's ends (in the zygote, after the fork) or the zygote's (in the job)."""
        for name in ("inbox", "channel") if of_the_job else ("inbox_w", "channel_r"):
            self.close(name)

    def close(self, name: str) -> None:
        fd = getattr(self, name)
        if fd >= 0:
            os.close(fd)
            setattr(self, name, -1)


def run_job(meta: dict[str, Any], folder: str, relay: Relay) -> None:
    """Run the job that ``meta`` announces, whose bytes follow it on stdin; send its reply.

    ``meta`` is the host's: the job's id, limits and ``payload_bytes`` (the size of the
    job's frame that follows). The job's process is forked before a byte of the job is
    relayed to it. Every reply's chunks are the job's; the frame that ends it (id,
    ``timed_out``, ``wall_seconds``, ``cpu_seconds``, ``exit_code`` and ``signal``) is the
    zygote's.
    """
    limits = meta["limits"]
    pipes = JobPipes()
    started = time.monotonic()
    deadline = started + float(limits["wall_seconds"])
    pid = os.fork()
    if pid == 0:
        pipes.close_ends(of_the_job=False)
        student(limits, pipes, folder)
    pipes.close_ends(of_the_job=True)
    try:
        relay.deliver(int(meta["payload_bytes"]), pipes.inbox_w, deadline)
        pipes.close("inbox_w")
        timed_out = relay.forward(pipes.channel_r, deadline, int(limits["channel_bytes"]) + 1)
    finally:
        _kill(pid)
        _, status, usage = os.wait4(pid, 0)
        for name in ("inbox_w", "channel_r"):
            pipes.close(name)
        remove_tree(folder)
    write_frame(
        relay.frames,
        {
            "id": meta["id"],
            "timed_out": timed_out,
            "wall_seconds": round(time.monotonic() - started, 3),
            "cpu_seconds": round(max(usage.ru_utime + usage.ru_stime, 0.0), 6),
            "exit_code": os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        },
    )


def _kill(pid: int) -> None:
    with _quiet():
        os.killpg(pid, signal.SIGKILL)  # the student's session: it, and whatever it started
    with _quiet():
        os.kill(pid, signal.SIGKILL)


# --- between jobs ---------------------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    """What a job with our uid could change about this process."""
    return {
        "rlimits": [resource.getrlimit(r) for r in RLIMITS],
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "scheduler": os.sched_getscheduler(0),
        "affinity": sorted(os.sched_getaffinity(0)),
        "ioprio": ioprio_get(),
        "sched_attr": sched_attr(),
        "keys": keys_of_uid(os.getuid()),
    }


def scratch_entries() -> set[str]:
    """What is in the scratch folders now (at start: the folders of read-only mounts)."""
    return {os.path.join(root, e) for root in SCRATCH if os.path.isdir(root) for e in os.listdir(root)}


def cleanup_sandbox(keep: set[str]) -> list[str]:
    """Leave nothing of the last job in a contained sandbox; return what could not be cleaned.

    ``keep`` is what the scratch folders held before any job: the parents of read-only mounts
    (a model cache under /tmp), owned by root and not writable by a job.
    """
    assert os.getuid() != 0, "refusing machine-wide cleanup as root"
    with _quiet():
        os.kill(-1, signal.SIGKILL)  # every process of our own uid but us, in our PID namespace
    for path in scratch_entries() - keep:
        remove_tree(path)
    remove_sysv_ipc()
    left = [f"could not remove {path}" for path in sorted(scratch_entries() - keep)]
    if not alone_within(time.monotonic() + GONE_WITHIN_S):
        left.append("processes of the last job outlived it")
    return left


def alone_within(deadline: float) -> bool:
    """Wait until this is the only process of its uid (killed ones take a moment to go, and
    until they are reaped the next job's process limit would count them); False at
    ``deadline``."""
    uid = os.getuid()
    while processes_of_uid(uid) > 1:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def remove_tree(path: str) -> None:
    """Remove ``path`` even where a job made folders read-only."""
    if os.path.islink(path) or not os.path.isdir(path):
        with _quiet():
            os.unlink(path)
        return
    for root, dirs, _ in os.walk(path):
        for name in dirs:
            with _quiet():
                os.chmod(os.path.join(root, name), stat.S_IRWXU)
    with _quiet():
        os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(path, ignore_errors=True)


def remove_sysv_ipc() -> None:
    removers: dict[str, Callable[[int], object]] = {
        "shm": lambda i: LIBC.shmctl(i, IPC_RMID, None),
        "msg": lambda i: LIBC.msgctl(i, IPC_RMID, None),
        "sem": lambda i: LIBC.semctl(i, 0, IPC_RMID),
    }
    for kind, remove in removers.items():
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as table:
                rows = table.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            remove(int(row.split()[1]))


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


def ready() -> dict[str, Any]:
    """The frame that asks for the next job, with the CPU seconds this process has used
    (the first frame's: what starting it cost) and has left before its RLIMIT_CPU kills it
    (None: no limit). Every job's relaying costs the zygote
    CPU time (a job that floods its channel makes it splice to /dev/null for its whole wall
    clock), so the host starts a fresh zygote once little is left: otherwise a job could
    spend the budget down and the NEXT job would die with the zygote."""
    soft, _ = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    left = None if soft == resource.RLIM_INFINITY else round(soft - used, 3)
    return {"event": "ready", "cpu_left": left, "cpu_seconds": round(used, 3)}


def serve(relay: Relay, scratch: str, contained: bool) -> None:
    """Run one job after another until the host closes our stdin or something is off."""
    baseline = snapshot()
    keep = scratch_entries()
    write_frame(relay.frames, ready())
    while (meta := read_frame(0)) is not None:
        problems = []
        try:
            run_job(meta, os.path.join(scratch, f"job-{secrets.token_hex(12)}"), relay)
        except (OSError, EOFError, KeyError, TypeError, ValueError) as exc:  # the host's stream is out of step
            problems.append(f"the job could not be run ({type(exc).__name__}: {exc})"[:300])
        if contained:
            problems += cleanup_sandbox(keep)
        if baseline["ioprio"] is not None:
            ioprio_set(baseline["ioprio"])  # every job starts at the worker's own I/O priority
        now = snapshot()
        changed = sorted(name for name in baseline if now[name] != baseline[name])
        if changed:
            problems.append(f"a job changed the worker's {', '.join(changed)}")
        if problems:
            write_frame(relay.frames, {"event": "retire", "why": "; ".join(problems)})
            return
        write_frame(relay.frames, ready())


# --- rehearsal: a warm first load for every job ----------------------------------------------


def rehearse(folders: list[str]) -> None:
    """Load each Hugging Face model folder once, and use it once, before any job.

    A job's first ``from_pretrained`` in a fresh fork pays for lazy imports (the model's own
    module, generation and pipeline code) and one-time initialisations: about 100 ms for a
    tiny model, against about 35 ms once a load has happened in the parent. Only folders with
    a ``config.json`` are loaded: the exercise's models (public, read-only, the same for every
    student), never a job's data; every object is dropped (and collected, in ``main``) before
    the first fork. Tokenizers run single-threaded here and
    progress bars without their monitor thread, and the zygote waits until it is the only
    thread left: a fork copies only the calling thread, so a lock held by any other would
    stay held forever in every job.
    """
    if "transformers" not in sys.modules or not folders:
        return
    saved = os.environ.get("TOKENIZERS_PARALLELISM")
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    tqdm = sys.modules.get("tqdm.std") or importlib.import_module("tqdm.std")
    interval, tqdm.tqdm.monitor_interval = tqdm.tqdm.monitor_interval, 0
    try:
        for folder in folders:
            if os.path.isfile(os.path.join(folder, "config.json")):
                try:
                    _rehearse_one(folder)
                except Exception:  # an optimisation only: a model it cannot load is just not warm
                    continue
    finally:
        tqdm.tqdm.monitor_interval = interval
        if saved is None:
            os.environ.pop("TOKENIZERS_PARALLELISM", None)
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = saved
    deadline = time.monotonic() + 10
    while len(os.listdir("/proc/self/task")) > 1:
        if time.monotonic() > deadline:
            raise SystemExit("zygote: threads left running after the rehearsal; refusing to fork jobs")
        time.sleep(0.01)


def _rehearse_one(folder: str) -> None:
    transformers = sys.modules["transformers"]
    import torch

    config = transformers.AutoConfig.from_pretrained(folder)
    architecture = (getattr(config, "architectures", None) or ["AutoModel"])[0]
    model = getattr(transformers, architecture).from_pretrained(folder)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    inputs = tokenizer(["warm up"], return_tensors="pt")
    generates = bool(getattr(model, "can_generate", lambda: False)())
    with torch.no_grad():
        if generates:
            model.generate(**inputs, max_new_tokens=1, do_sample=False)
        else:
            model(**inputs)
    if generates and not config.is_encoder_decoder:
        task = "text-generation"
    elif architecture.endswith("ForSequenceClassification"):
        task = "text-classification"
    else:
        return  # transformers 5 has no pipeline for seq2seq models: generate() above is the path
    if "transformers.pipelines" in sys.modules:
        sys.modules["transformers.pipelines"].pipeline(task, model=model, tokenizer=tokenizer)("warm up")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--contained", action="store_true")
    parser.add_argument("--rehearse", action="append", default=[], metavar="MODEL_FOLDER")
    parser.add_argument("preload", nargs="*")
    args = parser.parse_args()
    if args.contained and os.getuid() == 0:
        raise SystemExit("zygote: --contained needs an unprivileged uid")
    prctl(PR_SET_DUMPABLE, 0)
    frames_fd = os.dup(1)  # frames only on our own copy of stdout
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # a module that prints while importing cannot corrupt the frames
    try:
        relay = Relay(0, frames_fd)
    except SpliceUnavailable as exc:
        write_frame(frames_fd, {"event": "refused", "why": f"zygote: {exc.strerror}"})
        raise SystemExit(1) from None
    for name in args.preload:
        importlib.import_module(name)
    if "numpy" in sys.modules:  # its global generator, which every job seeds (stub.seed_job)
        importlib.import_module("numpy.random")
    rehearse(args.rehearse)
    gc.collect()
    gc.freeze()  # a job's collections never walk what the zygote holds (a full one costs ~200 ms)
    serve(relay, args.scratch, args.contained)


if __name__ == "__main__":
    main()
