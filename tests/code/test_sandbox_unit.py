"""The sandbox machinery itself: capture, channel, deadlines, the warm pool's recovery.

Harmless programs only (hostile ones are in tests/security/); the process backend is used
where isolation does not matter, bwrap where it does.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import struct
import time
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import cgroup, seccomp, uids
from harness.sandbox import pool as pool_module
from harness.sandbox.base import RunRequest, RunResult, SandboxLimits
from harness.sandbox.bwrap import BwrapSandbox
from harness.sandbox.pool import WarmPool, WorkerGroup
from harness.sandbox.process import ProcessSandbox
from harness.sandbox.stream import SandboxUnavailable, WorkerError

_bwrap_installed = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def needs_bwrap(test: Any) -> Any:
    """Runs through the real bwrap sandbox: marked `sandbox`, and skipped (a failure in CI)
    where bubblewrap is missing."""
    return pytest.mark.sandbox(_bwrap_installed(test))


def run(tmp_path: Path, code: str, **limits: object) -> RunResult:
    (tmp_path / "prog.py").write_text(code)
    request = RunRequest(
        argv=["python", "-I", str(tmp_path / "prog.py")],
        workdir=tmp_path,
        stdin=b"hello from the grader",
        limits=SandboxLimits(**limits),
    )
    return ProcessSandbox().run(request)


def test_output_keeps_head_and_tail(tmp_path: Path) -> None:
    result = run(tmp_path, "print('FIRST'); print('x' * 200_000); print('LAST')", output_bytes=2000)
    assert result.stdout.startswith("FIRST") and result.stdout.rstrip().endswith("LAST")
    assert "bytes cut" in result.stdout and len(result.stdout) < 2200 and result.output_truncated


def test_stdin_and_channel(tmp_path: Path) -> None:
    code = "import os, sys\nfd = int(os.environ['HARNESS_CHANNEL_FD'])\nos.write(fd, sys.stdin.read().upper().encode())"
    result = run(tmp_path, code)
    assert result.channel == b"HELLO FROM THE GRADER" and result.exit_code == 0


def test_channel_overflow_is_flagged(tmp_path: Path) -> None:
    code = "import os\nos.write(int(os.environ['HARNESS_CHANNEL_FD']), b'x' * 50_000)"
    result = run(tmp_path, code, channel_bytes=1000)
    assert result.channel_overflow and len(result.channel) == 1000


def test_deadline_kills_a_process_that_closed_its_pipes(tmp_path: Path) -> None:
    code = "import os, time\nos.close(1); os.close(2)\ntime.sleep(30)"
    result = run(tmp_path, code, wall_seconds=1)
    assert result.timed_out and result.wall_seconds < 5


def test_exit_code_and_signal(tmp_path: Path) -> None:
    assert run(tmp_path, "raise SystemExit(3)").exit_code == 3
    killed = run(tmp_path, "import os, signal; os.kill(os.getpid(), signal.SIGTERM)")
    assert killed.exit_code is None and killed.signal == 15


STUB_REQUEST = {"module": "m.py", "calls": [{"id": "t", "function": "f", "args": [2]}]}


@needs_bwrap
def test_warm_worker_recovers_when_its_zygote_is_killed() -> None:
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        ok = worker.run({"m.py": "def f(x):\n    return x * 2\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
        assert '"value":4' in ok.channel.decode()
        killer = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\ndef f(x):\n    return 0\n"
        crashed = worker.run({"m.py": killer}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
        assert crashed.signal == 9 and crashed.channel == b""
        again = worker.run({"m.py": "def f(x):\n    return x + 1\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
        assert '"value":3' in again.channel.decode()


@needs_bwrap
def test_a_warm_worker_runs_when_the_host_holds_more_than_1024_descriptors() -> None:
    """The host waits on its zygote's pipes with poll: select() refuses descriptors past 1023,
    and a grading process with many files open gets pipes numbered past it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.fail(f"this machine allows {hard} open files; the test needs 1,200")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with WarmPool(BwrapSandbox()) as pool:
            worker = pool.worker(())
            result = worker.run({"m.py": "def f(x):\n    return x * 2\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
            assert result.worker_problem is None and '"value":4' in result.channel.decode(), result
            assert worker.process is not None and worker.process.stdout is not None
            assert worker.process.stdout.fileno() > 1024
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@needs_bwrap
def test_a_warm_worker_keeps_its_zygote_while_it_has_cpu_time_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zygote says how much CPU time it has left after each job (read before the next is
    sent); only a spent one is replaced (long wall clocks alone never are: jobs of 300 s
    must not restart the zygote)."""
    limits = SandboxLimits(wall_seconds=300)
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        worker.run({"m.py": MODULE}, STUB_REQUEST, limits)
        zygote = worker.process
        worker.run({"m.py": MODULE}, STUB_REQUEST, limits)
        assert worker.process is zygote
        assert worker.cpu_left is not None and 500 < worker.cpu_left < 600  # as it said after the first job
        monkeypatch.setattr(pool_module, "ZYGOTE_CPU_RESERVE_S", 600.0)  # as if its jobs had spent all of it
        worker.run({"m.py": MODULE}, STUB_REQUEST, limits)
        assert worker.process is not zygote and worker.process is not None


@needs_bwrap
def test_a_prewarmed_zygote_is_adopted_by_the_first_thread_that_asks() -> None:
    with WarmPool(BwrapSandbox()) as pool:
        pool.prewarm(())
        started = pool._ahead[((), (), SandboxLimits().processes, SandboxLimits().tmp_mb)]
        assert started.process is not None  # spawned, not waited for
        worker = pool.worker(())
        assert worker is started and not pool._ahead
        ok = worker.run({"m.py": "def f(x):\n    return x * 2\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
        assert '"value":4' in ok.channel.decode()


def test_a_closed_pool_starts_no_zygote_for_a_thread_still_grading() -> None:
    """A thread that outlives its run (a reference run ahead, a student abandoned on Ctrl-C)
    cannot start a sandbox the closed run would never stop: neither through the pool nor by
    restarting a worker it still holds."""
    pool = WarmPool(ProcessSandbox())
    held = pool.worker(("json",))
    held.start()
    pool.close()
    assert held.process is None
    with pytest.raises(WorkerError, match="the run is over"):
        held.start()
    with pytest.raises(SandboxUnavailable, match="the run is over"):  # the job is refused, no zygote started
        held.run({"m.py": "def f(x):\n    return x\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
    assert held.process is None
    with pytest.raises(WorkerError, match="the run is over"):
        pool.worker(("csv",))
    pool.prewarm(("csv",))
    assert not pool._ahead and not pool._all


@needs_bwrap
def test_warm_worker_enforces_the_jobs_wall_clock() -> None:
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        hang = "import time\ntime.sleep(60)\ndef f(x):\n    return x\n"
        result = worker.run({"m.py": hang}, {**STUB_REQUEST, "import_time_limit": 60}, SandboxLimits(wall_seconds=1))
        assert result.timed_out and result.wall_seconds < 3
        fine = worker.run({"m.py": "def f(x):\n    return x\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
        assert '"value":2' in fine.channel.decode()


MODULE = "import os\ndef f(x):\n    return [x, os.getpid()]\n"
CPU_WORK = """import os, time

def burn(seconds):
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass
    return 0

def sleep(seconds):
    time.sleep(seconds)
    return 0

def burn_in_a_child(seconds):
    pid = os.fork()
    if pid == 0:
        burn(seconds)
        os._exit(0)
    os.waitpid(pid, 0)
    return 0
"""


def _work(function: str, seconds: float) -> dict[str, Any]:
    return {"module": "m.py", "calls": [{"id": function, "function": function, "args": [seconds], "time_limit": 5}]}


@needs_bwrap
def test_a_warm_job_reports_the_cpu_time_its_process_used() -> None:
    """The zygote reads the job's CPU time from the kernel: 0.3 s of work reports at least
    0.25 s, in the process or in a child it waited for; 0.5 s of sleep reports almost none."""
    limits = SandboxLimits(wall_seconds=20)
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        burnt, slept, in_a_child = (
            worker.run({"m.py": CPU_WORK}, _work(function, seconds), limits)
            for function, seconds in (("burn", 0.3), ("sleep", 0.5), ("burn_in_a_child", 0.3))
        )
    for result in (burnt, slept, in_a_child):
        assert result.exit_code == 0 and result.cpu_seconds is not None, result
    assert 0.25 <= burnt.cpu_seconds < 1.0, burnt  # type: ignore[operator]
    assert slept.cpu_seconds < 0.1, slept  # type: ignore[operator]
    assert 0.25 <= in_a_child.cpu_seconds < 1.0, in_a_child  # type: ignore[operator]


@needs_bwrap
def test_a_model_folder_the_rehearsal_cannot_load_does_not_stop_the_worker(tmp_path: Path) -> None:
    """Rehearsing models is an optimisation: a folder it cannot load leaves jobs running."""
    pytest.importorskip("transformers")
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "no-such-architecture"}')
    broken.chmod(0o755)  # readable by the sandbox's uid whatever the umask
    (broken / "config.json").chmod(0o644)
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(("transformers",), (broken,))
        result = worker.run({"m.py": "def f(x):\n    return x * 2\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=10))
    assert '"value":4' in result.channel.decode(), result


# --- the seccomp filter, run by a classic-BPF interpreter (no kernel needed) ------------------


def _run_filter(program: list[tuple[int, int, int, int]], arch: int, nr: int, args: tuple[int, ...] = ()) -> int:
    """What the kernel would answer: classic BPF over a struct seccomp_data (little-endian)."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(list(args) + [0] * (6 - len(args))))
    pc, acc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == seccomp.LD_W_ABS:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == seccomp.RET_K:
            return k
        elif code in (seccomp.JEQ_K, seccomp.JGE_K, seccomp.JSET_K):
            taken = {seccomp.JEQ_K: acc == k, seccomp.JGE_K: acc >= k, seccomp.JSET_K: bool(acc & k)}[code]
            pc += jt if taken else jf
        else:
            raise AssertionError(f"unknown instruction {code:#x}")
        pc += 1


ALLOW, EPERM, ENOSYS = seccomp.RET_ALLOW, seccomp.RET_ERRNO | errno.EPERM, seccomp.RET_ERRNO | errno.ENOSYS
CLONE_THREAD_FLAGS = 0x3D0F00  # what glibc's pthread_create passes to clone
FORK_FLAGS = 0x01200011  # CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, glibc's fork()


@pytest.mark.parametrize("arch", [seccomp.X86_64, seccomp.AARCH64], ids=lambda a: a.name)
@pytest.mark.parametrize(
    ("call", "args", "answer"),
    [
        ("keyctl", (0, -4 & 0xFFFFFFFFFFFFFFFF, 1), EPERM),
        ("add_key", (), EPERM),
        ("request_key", (), EPERM),
        ("ptrace", (0,), EPERM),
        ("bpf", (), EPERM),
        ("perf_event_open", (), EPERM),
        ("mount", (), EPERM),
        ("setns", (), EPERM),
        ("clone3", (), ENOSYS),
        ("io_uring_setup", (), ENOSYS),
        ("clone", (0x10000000 | 17,), EPERM),  # CLONE_NEWUSER
        ("clone", (0x00020000 | 17,), EPERM),  # CLONE_NEWNS
        ("clone", (CLONE_THREAD_FLAGS,), ALLOW),
        ("clone", (FORK_FLAGS,), ALLOW),
        ("unshare", (0x10000000,), EPERM),
        ("unshare", (0x00000080,), EPERM),  # CLONE_NEWTIME
        ("unshare", (0x00000400,), ALLOW),  # CLONE_FILES
        ("personality", (0xFFFFFFFF,), ALLOW),
        ("personality", (0,), ALLOW),
        ("personality", (0x0040000,), EPERM),  # ADDR_NO_RANDOMIZE
    ],
)
def test_seccomp_filter_answers(arch: seccomp.Arch, call: str, args: tuple[int, ...], answer: int) -> None:
    program = seccomp.program(arch)
    assert _run_filter(program, arch.audit, arch.numbers[call], args) == answer


@pytest.mark.parametrize("arch", [seccomp.X86_64, seccomp.AARCH64], ids=lambda a: a.name)
def test_seccomp_filter_allows_everything_else(arch: seccomp.Arch) -> None:
    program = seccomp.program(arch)
    special = set(arch.numbers.values())
    allowed = [nr for nr in range(470) if nr not in special]
    assert all(_run_filter(program, arch.audit, nr) == ALLOW for nr in allowed)


def test_seccomp_filter_refuses_other_architectures_and_x32() -> None:
    program = seccomp.program(seccomp.X86_64)
    getpid_i386 = 20
    assert _run_filter(program, 0x40000003, getpid_i386) == ENOSYS  # AUDIT_ARCH_I386: int 0x80
    assert _run_filter(program, seccomp.X86_64.audit, 0x40000000 | 250) == ENOSYS  # x32 keyctl
    assert _run_filter(seccomp.program(seccomp.AARCH64), seccomp.X86_64.audit, 39) == ENOSYS


def test_seccomp_filter_bytes_are_what_bwrap_reads() -> None:
    compiled = seccomp.compile_filter(seccomp.X86_64)
    assert len(compiled) == 8 * len(seccomp.program(seccomp.X86_64))
    assert compiled[:8] == struct.pack("=HBBI", seccomp.LD_W_ABS, 0, 0, seccomp.ARCH_OFFSET)


# --- uids and memory cgroups ------------------------------------------------------------------


@pytest.fixture
def private_leases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Leases in a folder of our own, and a /proc/key-users we write."""
    monkeypatch.setattr(uids, "LEASES", tmp_path / "leases")
    key_users = tmp_path / "key-users"
    key_users.write_text("    0:    10 9/9 4/1000000 93/25000000\n")
    monkeypatch.setattr(uids, "KEY_USERS", key_users)
    return key_users


def test_a_leased_uid_is_not_leased_twice_until_released(private_leases: Path) -> None:
    first = uids.try_lease(1_000_123)
    assert first is not None and uids.try_lease(1_000_123) is None
    first.release()
    again = uids.try_lease(1_000_123)
    assert again is not None
    again.release()


def test_a_uid_with_keys_is_never_leased(private_leases: Path) -> None:
    private_leases.write_text(private_leases.read_text() + "1000124:     2 2/2 2/200 38/20000\n")
    assert uids.keys_of(1_000_124) == 2 and uids.keys_of(1_000_125) == 0
    assert uids.try_lease(1_000_124) is None


def test_cgroup_hierarchies_are_found_from_proc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hybrid host (v1 memory controller, v2 without it), as on the CI machine."""
    memory = tmp_path / "memory"
    (memory / "grader" / "job").mkdir(parents=True)
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        f"30 25 0:26 / {memory} rw,relatime - cgroup cgroup rw,memory\n"
        f"31 25 0:27 / {tmp_path / 'unified'} rw,relatime - cgroup2 cgroup2 rw\n"
    )
    own = tmp_path / "cgroup"
    own.write_text("4:memory:/grader/job\n0::/\n")
    monkeypatch.setattr(cgroup, "MOUNTINFO", mountinfo)
    monkeypatch.setattr(cgroup, "OWN_CGROUPS", own)
    assert cgroup._cgroup_mounts() == {"memory": memory, "": tmp_path / "unified"}
    assert cgroup._own_cgroups() == {"memory": "/grader/job", "": "/"}
    assert cgroup._under(memory, "/grader/job") == memory / "grader" / "job"


def test_the_job_memory_cap_says_what_bounds_it() -> None:
    with_cgroup = cgroup.job_memory_cap(512, 64, 32, cgroup.Hierarchy(2, Path("/sys/fs/cgroup/x")))
    assert (with_cgroup.mechanism, with_cgroup.bound_mb) == ("cgroup v2", 576)
    without = cgroup.job_memory_cap(512, 64, 32, None)
    assert (without.mechanism, without.bound_mb) == ("rlimits only", 32 * 512 + 64)
    assert "processes x address space" in without.describe()


def test_a_shared_pool_gives_every_thread_one_worker_that_runs_one_job_at_a_time() -> None:
    import threading

    slow = {"m.py": "import time\n\ndef f(x):\n    time.sleep(0.4)\n    return x * 2\n"}
    results: list[RunResult] = []
    with WarmPool(ProcessSandbox(), shared=True) as pool:
        pool.worker(()).run(slow, STUB_REQUEST, SandboxLimits(wall_seconds=5))  # started and warm
        workers = []

        def job() -> None:
            worker = pool.worker(())
            workers.append(worker)
            results.append(worker.run(slow, STUB_REQUEST, SandboxLimits(wall_seconds=5)))

        threads = [threading.Thread(target=job) for _ in range(2)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - started
        assert workers[0] is workers[1] and len(pool._all) == 1
    assert all('"value":4' in result.channel.decode() for result in results)
    assert took >= 0.8  # one after the other: the zygote runs one job at a time


def test_a_capped_pool_lends_a_free_worker_per_job_and_starts_at_most_so_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three threads, two zygotes at most for a set that starts dearly: every job runs, on one
    of two workers, and a thread waits only while both are busy."""
    import threading

    monkeypatch.setattr(pool_module, "CHEAP_START_CPU_S", 0.0)  # no zygote is cheap: the cap holds
    slow = {"m.py": "import time\n\ndef f(x):\n    time.sleep(0.3)\n    return x * 2\n"}
    results: list[RunResult] = []
    with WarmPool(ProcessSandbox(), at_most=2) as pool:
        group = pool.jobs_for(())
        assert isinstance(group, WorkerGroup) and pool.jobs_for(()) is group  # one per preload set
        assert pool.jobs_for(("json",)) is not group

        def jobs() -> None:
            for _ in range(2):
                results.append(group.run(slow, STUB_REQUEST, SandboxLimits(wall_seconds=10)))

        threads = [threading.Thread(target=jobs) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(group.workers) == 2, "a third zygote was started for a set that is not known cheap"
        assert all(w.start_cpu is not None for w in group.workers)
    assert len(results) == 6 and all('"value":4' in result.channel.decode() for result in results)


def test_a_capped_pool_gives_every_thread_a_zygote_of_a_set_that_starts_cheaply() -> None:
    import threading

    files = {"m.py": "import time\n\ndef f(x):\n    time.sleep(0.3)\n    return x * 2\n"}
    with WarmPool(ProcessSandbox(), at_most=1) as pool:
        group = pool.jobs_for(())
        assert isinstance(group, WorkerGroup)
        group.run(files, STUB_REQUEST, SandboxLimits(wall_seconds=10))  # the first zygote: its cost is known
        assert group.cheap()  # a bare interpreter starts for well under a CPU-second
        threads = [
            threading.Thread(target=group.run, args=(files, STUB_REQUEST, SandboxLimits(wall_seconds=10)))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(group.workers) == 3  # beyond at_most: none of the three waited


def test_threads_waiting_for_a_lent_worker_each_get_their_own_once_the_set_proves_cheap() -> None:
    """At most one worker, three threads: the two that wait for the lent one must not wait
    forever once its job shows that the set starts cheaply (each starts one of its own)."""
    import threading

    files = {"m.py": "import time\n\ndef f(x):\n    time.sleep(0.3)\n    return x * 2\n"}
    done: list[RunResult] = []
    with WarmPool(ProcessSandbox(), at_most=1) as pool:
        group = pool.jobs_for(())
        assert isinstance(group, WorkerGroup)
        threads = [
            threading.Thread(
                target=lambda: done.append(group.run(files, STUB_REQUEST, SandboxLimits(wall_seconds=10))),
                daemon=True,  # were one to wait forever, the test run must still end
            )
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads), "a thread waits for a worker forever"
        assert len(done) == 3 and group.cheap()
