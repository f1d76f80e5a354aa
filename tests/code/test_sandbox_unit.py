"""The sandbox machinery itself: capture, channel, deadlines, the warm pool's recovery.

Harmless programs only (hostile ones are in tests/security/); the process backend is used
where isolation does not matter, bwrap where it does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.sandbox.base import RunRequest, RunResult, SandboxLimits
from harness.sandbox.bwrap import BwrapSandbox
from harness.sandbox.pool import WarmPool
from harness.sandbox.process import ProcessSandbox

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def run(tmp_path: Path, code: str, **limits: object) -> RunResult:
    (tmp_path / "prog.py").write_text(code)
    request = RunRequest(
        argv=["python", "-I", str(tmp_path / "prog.py")],
        workdir=tmp_path,
        stdin=b"hello from the grader",
        limits=SandboxLimits(**limits),  # type: ignore[arg-type]
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
def test_warm_worker_enforces_the_jobs_wall_clock() -> None:
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        hang = "import time\ntime.sleep(60)\ndef f(x):\n    return x\n"
        result = worker.run({"m.py": hang}, {**STUB_REQUEST, "import_time_limit": 60}, SandboxLimits(wall_seconds=1))
        assert result.timed_out and result.wall_seconds < 3
        fine = worker.run({"m.py": "def f(x):\n    return x\n"}, STUB_REQUEST, SandboxLimits(wall_seconds=5))
        assert '"value":2' in fine.channel.decode()


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
