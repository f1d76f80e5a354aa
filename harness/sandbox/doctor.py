"""``harness sandbox doctor``: real attacks against a backend, and what held.

Each check runs a small hostile program through the backend exactly as a student's code
would run, and looks at what came back. Cohort grading runs the same checks before it
starts and refuses a backend whose isolation does not hold.

Kernel state has its own checks: the seccomp filter (refused calls, not only its presence),
user namespaces, keyrings (nothing can be planted, nothing of the host's is possessed, the
uid keeps no keys after the run), and the job memory cap, attacked with several processes
that each stay under the address-space limit; its detail says which cap is in force here (a
memory cgroup, or only processes x address space where the host allows no cgroup).
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.sandbox import seccomp, uids
from harness.sandbox.base import RunRequest, RunResult, Sandbox, SandboxLimits

SECRET_ENV = "HARNESS_DOCTOR_SECRET"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Check:
    name: str
    held: bool
    detail: str


def _attack(sandbox: Sandbox, code: str, limits: SandboxLimits | None = None) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="harness-doctor-") as folder:
        os.chmod(folder, 0o755)  # the sandbox's uid must be able to read the attack
        Path(folder, "attack.py").write_text(textwrap.dedent(code), encoding="utf-8")
        request = RunRequest(
            argv=["python", "-I", "-B", f"{sandbox.code_dir(RunRequest([], Path(folder)))}/attack.py"],
            workdir=Path(folder),
            limits=limits or SandboxLimits(wall_seconds=20, cpu_seconds=10),
        )
        return sandbox.run(request)


def _says(result: RunResult, word: str) -> bool:
    return result.stdout.strip().splitlines()[-1:] == [word] if result.stdout.strip() else False


def _report(result: RunResult) -> dict[str, Any] | None:
    """The JSON object an attack printed as its last line, or None."""
    lines = result.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _failed(result: RunResult) -> str:
    return f"the attack did not report (exit {result.exit_code}, signal {result.signal}): {result.stderr[-160:]}"


# Each call in a child of its own (a namespace or a tracer would change the attacker); the
# child reports "allowed" or the errno, or nothing when a signal killed it. The calls are
# chosen to do nothing even where they get through (the `process` backend runs them on the
# host, as the grader's user): mounts on paths that do not exist, keys into no keyring.
ATTEMPT = """
import ctypes, json, os, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {numbers!r}

def sc(name, *args):
    return libc.syscall(NR[name], *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])

def attempt(call):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        me = os.getpid()
        try:
            result = call()
            if os.getpid() != me:
                os._exit(0)  # the process a clone made
            os.write(write_fd, ("allowed" if result >= 0 else "errno %d" % ctypes.get_errno()).encode())
        except Exception as exc:
            os.write(write_fd, ("attack error %r" % exc).encode()[:90])
        finally:
            os._exit(0)
    os.close(write_fd)
    answer = os.read(read_fd, 100).decode()
    os.waitpid(pid, 0)
    return answer or "killed"

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
"""
REFUSED = ("errno 1", "errno 38")  # EPERM, ENOSYS: the filter's answers


def _numbers() -> dict[str, int]:
    try:
        return dict(seccomp.native_arch().numbers)
    except seccomp.UnsupportedArchitecture:
        return {}


def _calls_check(sandbox: Sandbox, name: str, calls: str, want_filter: bool) -> Check:
    code = ATTEMPT.format(numbers=_numbers()) + textwrap.dedent(calls)
    code += "\nprint(json.dumps({'seccomp': status('Seccomp'), 'calls': {n: attempt(c) for n, c in CALLS.items()}}))\n"
    result = _attack(sandbox, code)
    report = _report(result)
    if report is None:
        return Check(name, False, _failed(result))
    through = {call: answer for call, answer in report["calls"].items() if answer not in REFUSED}
    held = not through and (report["seccomp"] == "2" or not want_filter)
    detail = f"refused: {', '.join(report['calls'])}" if not through else f"got through: {through}"
    if want_filter:
        detail = f"seccomp mode {report['seccomp']}; {detail}"
    return Check(name, held, detail)


def run_checks(sandbox: Sandbox) -> list[Check]:
    """Every check against ``sandbox``; a check holds when the attack was contained."""
    os.environ[SECRET_ENV] = "doctor-secret-value"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        return [check(sandbox) for check in _checks(port)]
    finally:
        listener.close()
        os.environ.pop(SECRET_ENV, None)


def _checks(port: int) -> list:  # type: ignore[type-arg]
    def unprivileged(sandbox: Sandbox) -> Check:
        r = _attack(sandbox, "import os; print('uid', os.getuid()); print('ROOT' if os.getuid() == 0 else 'OK')")
        return Check(
            "unprivileged uid", _says(r, "OK"), r.stdout.strip().splitlines()[0] if r.stdout else r.stderr[-200:]
        )

    def shadow(sandbox: Sandbox) -> Check:
        r = _attack(
            sandbox, "try:\n    open('/etc/shadow').read(); print('READ')\nexcept OSError as e:\n    print('OK')"
        )
        return Check("cannot read /etc/shadow", _says(r, "OK"), r.stdout.strip()[-80:])

    def project(sandbox: Sandbox) -> Check:
        r = _attack(
            sandbox, f"import os; print('SEEN' if os.path.exists({str(PROJECT_ROOT / 'question_bank')!r}) else 'OK')"
        )
        return Check("cannot see the project (answer keys)", _says(r, "OK"), r.stdout.strip()[-80:])

    def environment(sandbox: Sandbox) -> Check:
        r = _attack(sandbox, f"import os; print('LEAK' if {SECRET_ENV!r} in os.environ else 'OK')")
        return Check("environment cleared", _says(r, "OK"), r.stdout.strip()[-80:])

    def network(sandbox: Sandbox) -> Check:
        code = f"""
        import socket
        try:
            socket.create_connection(('127.0.0.1', {port}), timeout=2); print('CONNECTED')
        except OSError:
            print('OK')
        """
        r = _attack(sandbox, code)
        return Check("no network (host loopback unreachable)", _says(r, "OK"), r.stdout.strip()[-80:])

    def readonly(sandbox: Sandbox) -> Check:
        code = """
        import os
        try:
            open('/usr/harness-doctor', 'w').close()
            os.remove('/usr/harness-doctor')  # leave the host as it was, even where this held not
            print('WROTE')
        except OSError:
            print('OK')
        """
        r = _attack(sandbox, code)
        return Check("system is read-only", _says(r, "OK"), r.stdout.strip()[-80:])

    def fork_bomb(sandbox: Sandbox) -> Check:
        code = """
        import os, time
        n = 0
        try:
            for _ in range(200):
                if os.fork() == 0:
                    time.sleep(5); os._exit(0)
                n += 1
            print('FORKED', n)
        except OSError:
            print('OK')
        """
        r = _attack(sandbox, code, SandboxLimits(processes=16, wall_seconds=20))
        return Check("process limit", _says(r, "OK"), r.stdout.strip()[-80:])

    def memory(sandbox: Sandbox) -> Check:
        code = "try:\n    b = bytearray(3 * 1024**3); print('ALLOCATED')\nexcept MemoryError:\n    print('OK')"
        r = _attack(sandbox, code, SandboxLimits(memory_mb=512))
        return Check("memory limit", _says(r, "OK"), r.stdout.strip()[-80:])

    def wall_clock(sandbox: Sandbox) -> Check:
        r = _attack(sandbox, "import time; time.sleep(30); print('WOKE')", SandboxLimits(wall_seconds=1))
        return Check("wall-clock limit kills", r.timed_out and "WOKE" not in r.stdout, f"timed out: {r.timed_out}")

    checks: list[Callable[[Sandbox], Check]] = [
        unprivileged,
        shadow,
        project,
        environment,
        network,
        readonly,
        fork_bomb,
        memory,
        wall_clock,
    ]
    return [*checks, seccomp_filter, user_namespaces, keyrings, job_memory]


def seccomp_filter(sandbox: Sandbox) -> Check:
    calls = """
    CALLS = {
        "ptrace": lambda: sc("ptrace", 0, 0, 0, 0),
        "bpf": lambda: sc("bpf", 0, ctypes.create_string_buffer(struct.pack("<4I", 2, 4, 4, 1), 72), 72),
        "perf_event_open": lambda: sc("perf_event_open", ctypes.create_string_buffer(
            struct.pack("<IIQ", 1, 64, 0) + bytes(24) + struct.pack("<Q", 97) + bytes(80), 128), 0, -1, -1, 0),
        "io_uring_setup": lambda: sc("io_uring_setup", 1, ctypes.create_string_buffer(120)),
        "mount": lambda: sc("mount", b"none", b"/nonexistent-harness-doctor", b"tmpfs", 0, None),
        "init_module": lambda: sc("init_module", None, 0, b""),
        "settimeofday": lambda: sc("settimeofday", None, None),
    }
    """
    return _calls_check(sandbox, "seccomp filter", calls, want_filter=True)


def user_namespaces(sandbox: Sandbox) -> Check:
    calls = """
    NEWUSER = 0x10000000
    CLONE3_ARGS = struct.pack("<8Q", NEWUSER, 0, 0, 0, 17, 0, 0, 0)  # flags, ..., exit_signal, ...
    CALLS = {
        "unshare(CLONE_NEWUSER)": lambda: sc("unshare", NEWUSER),
        "clone(CLONE_NEWUSER)": lambda: sc("clone", NEWUSER | 17, 0, 0, 0, 0),
        "clone3": lambda: sc("clone3", ctypes.create_string_buffer(CLONE3_ARGS), 64),
        "setns": lambda: sc("setns", -1, 0),
    }
    """
    return _calls_check(sandbox, "no user namespaces", calls, want_filter=False)


KEYRING_ATTACK = """
NO_SUCH_KEYRING = 0x7FFFFFFE  # where a call gets through, it fails after the filter: nothing is planted
CALLS = {
    "add_key": lambda: sc("add_key", b"user", b"harness-doctor", b"x", 1, NO_SUCH_KEYRING),
    "keyctl(session)": lambda: sc("keyctl", 0, -3, 0),
    "request_key": lambda: sc("request_key", b"harness-no-such-type", b"harness-doctor", None, 0),
}
answers = {n: attempt(c) for n, c in CALLS.items()}
visible = [line.strip() for line in open("/proc/keys") if not line.rstrip().endswith(": empty")]
print(json.dumps({"uid": os.getuid(), "calls": answers, "proc_keys": visible}))
"""


def keyrings(sandbox: Sandbox) -> Check:
    """Nothing can be planted, nothing of the host's is possessed, the uid keeps no keys."""
    result = _attack(sandbox, ATTEMPT.format(numbers=_numbers()) + KEYRING_ATTACK)
    report = _report(result)
    if report is None:
        return Check("keyring isolation", False, _failed(result))
    through = {call: answer for call, answer in report["calls"].items() if answer not in REFUSED}
    left = uids.keys_of(int(report["uid"])) if os.geteuid() == 0 else 0
    held = not through and not report["proc_keys"] and not left
    if held:
        detail = "keyring calls refused, no key of the host visible, none left to the uid"
    else:
        detail = f"got through: {through}; visible: {report['proc_keys'][:3]}; keys left to the uid: {left}"
    return Check("keyring isolation", held, detail)


HOARD = """
import json, os, select, time
CHILDREN, SHARE_MB = {children}, {share_mb}
holders = []
for _ in range(CHILDREN):  # one at a time: the cap is hit by the last ones, with no OOM race
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            hoard = bytearray(SHARE_MB << 20)  # zero-filled: every page touched
            os.write(write_fd, b"h")
            time.sleep(30)
        finally:
            os._exit(0)
    os.close(write_fd)
    ready, _, _ = select.select([read_fd], [], [], 5)
    if ready and os.read(read_fd, 1) == b"h":
        holders.append(pid)
time.sleep(0.5)
alive = [pid for pid in holders if os.waitpid(pid, os.WNOHANG) == (0, 0)]
print(json.dumps({{"reported": len(holders), "held_mb": len(alive) * SHARE_MB}}))
"""


def job_memory(sandbox: Sandbox) -> Check:
    """Four processes of 200 MB, each under a 256 MB address space: 800 MB against a cap of
    272 MB (256 + the 16 MB /tmp) where a cgroup holds, 4 GB where only rlimits do."""
    limits = SandboxLimits(memory_mb=256, tmp_mb=16, processes=16, wall_seconds=30, cpu_seconds=20)
    cap = sandbox.job_memory_cap(limits)
    result = _attack(sandbox, HOARD.format(children=4, share_mb=200), limits)
    report = _report(result)
    if report is None:
        return Check("job memory cap", False, _failed(result))
    held = cap.bound_mb is not None and report["held_mb"] <= cap.bound_mb and report["reported"] >= 1
    detail = f"{cap.describe()}; 4 processes of 200 MB held {report['held_mb']} MB at once"
    return Check("job memory cap", held, detail)
