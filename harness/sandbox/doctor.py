"""``harness sandbox doctor``: real attacks against a backend, and what held.

Each check runs a small hostile program through the backend exactly as a student's code
would run, and looks at what came back. Cohort grading runs the same checks before it
starts and refuses a backend whose isolation does not hold.
"""

from __future__ import annotations

import os
import socket
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

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

    return [unprivileged, shadow, project, environment, network, readonly, fork_bomb, memory, wall_clock]
