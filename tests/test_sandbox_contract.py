"""The contract every registered sandbox backend keeps, built-in or third-party: it runs a tiny
program and hands back its output, exit code and channel; it enforces the wall-clock limit and
the output cap. A backend that cannot run on this machine says why and is skipped with that
reason. (Isolation itself is proved by real attacks in ``tests/security``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.plugins import registry
from harness.sandbox.base import CHANNEL_FD_ENV, RunRequest, RunResult, Sandbox, SandboxLimits

GROUP = "sandboxes"
NAMES = registry(GROUP).names()
pytestmark = pytest.mark.sandbox


@pytest.fixture(params=NAMES)
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    backend: Sandbox = registry(GROUP).get(request.param)
    reason = backend.unavailable_reason()
    if reason:
        pytest.skip(f"{request.param} cannot run here: {reason}")
    return backend


def run(sandbox: Sandbox, folder: Path, program: str, stdin: bytes = b"", **limits: object) -> RunResult:
    """``program`` saved in ``folder`` (the student's files) and run there by ``sandbox``."""
    folder.chmod(0o755)  # a backend may run it as another user
    (folder / "prog.py").write_text(program, encoding="utf-8")
    (folder / "prog.py").chmod(0o644)
    probe = RunRequest(argv=[], workdir=folder)
    argv = ["python", "-I", "-B", f"{sandbox.code_dir(probe)}/prog.py"]
    return sandbox.run(RunRequest(argv=argv, workdir=folder, stdin=stdin, limits=SandboxLimits(**limits)))


def test_the_builtins_are_registered() -> None:
    assert {"bwrap", "process"} <= set(NAMES)


def test_names_itself_as_registered() -> None:
    for name in NAMES:
        assert registry(GROUP).get(name).name == name


def test_runs_a_program_and_returns_its_output(sandbox: Sandbox, tmp_path: Path) -> None:
    program = "import sys\nprint('got', sys.stdin.read())\nprint('to stderr', file=sys.stderr)\n"
    result = run(sandbox, tmp_path, program, stdin=b"hello")
    assert (result.backend, result.exit_code, result.signal, result.timed_out) == (sandbox.name, 0, None, False)
    assert result.stdout == "got hello\n"
    assert "to stderr" in result.stderr
    assert not result.crashed and result.wall_seconds > 0


def test_reads_the_students_files_and_reports_the_exit_code(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("42", encoding="utf-8")
    (tmp_path / "data.txt").chmod(0o644)
    data = f"{sandbox.code_dir(RunRequest(argv=[], workdir=tmp_path))}/data.txt"  # where the backend shows it
    result = run(sandbox, tmp_path, f"import sys\nsys.exit(int(open({data!r}).read()) - 39)\n")
    assert result.exit_code == 3 and not result.timed_out


def test_the_channel_carries_bytes_back(sandbox: Sandbox, tmp_path: Path) -> None:
    program = f"import os\nos.write(int(os.environ['{CHANNEL_FD_ENV}']), b'{{\"ok\": 1}}')\n"
    result = run(sandbox, tmp_path, program)
    assert result.exit_code == 0, result.stderr
    assert result.channel == b'{"ok": 1}'


def test_a_program_that_never_ends_is_stopped_at_the_wall_clock_limit(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(sandbox, tmp_path, "import time\nwhile True:\n    time.sleep(0.05)\n", wall_seconds=1)
    assert result.timed_out
    assert result.wall_seconds < 10


def test_output_is_capped(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run(sandbox, tmp_path, "print('x' * 200_000)\n", output_bytes=1_000)
    assert result.output_truncated
    assert len(result.stdout) < 5_000
