"""The warm daemon (``harness daemon``, :mod:`harness.daemon`) and the launcher that hands it
commands (:mod:`harness.launcher`): real daemons, started as a user starts them, each in a
private runtime folder of the test's own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import daemon, launcher
from tests.conftest import REPO
from tests.test_cli import BANK, GOOD_ANSWERS

HARNESS = [sys.executable, "-c", "import sys; from harness.launcher import main; sys.argv[0] = 'harness'; main()"]
SUITE = REPO / "metric_suites" / "translation_en_fr.yaml"
SLOW_EVAL = ["eval", "--suite", str(SUITE), "--model", "command:sleep 60", "--no-cache", "--bootstrap", "0"]


def run(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HARNESS, *args], env=env, capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload,no-any-return]


def served(env: dict[str, str]) -> int:
    status = run(env, "daemon", "status")
    assert status.returncode == 0, status.stderr
    return int(status.stdout.split(": ")[1].split()[0])


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid``."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if stat[0] != "Z":
                parents[int(entry)] = int(stat[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    values = {k: v for k, v in os.environ.items() if k != launcher.SWITCH_ENV}
    return values | {"XDG_RUNTIME_DIR": str(runtime), "HARNESS_SEED_SECRET": "daemon-test", "PYTHONPATH": str(REPO)}


@pytest.fixture
def warm(env: dict[str, str]) -> Iterator[int]:
    """A daemon for ``env``; its pid. Stopped (and, failing that, killed) afterwards."""
    started = run(env, "daemon", "start", "--idle", "120")
    assert started.returncode == 0, started.stderr
    pid = int(run(env, "daemon", "status").stdout.split()[2].rstrip(":"))
    try:
        yield pid
    finally:
        run(env, "daemon", "stop")
        if daemon._alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def quiz(tmp_path: Path) -> tuple[Path, Path]:
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    cohort = tmp_path / "cohort"
    for student in ("ada", "bob"):
        (cohort / student).mkdir(parents=True)
        (cohort / student / "answers.yaml").write_text(GOOD_ANSWERS if student == "ada" else "q1: nonsense\n")
    return bank, cohort


def reports(folder: Path) -> dict[str, bytes]:
    """The files a grade wrote, but its store (which records when it was written)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".harness-store" not in path.parts
    }


def test_a_daemon_grades_as_a_fresh_process_does(
    env: dict[str, str], warm: int, quiz: tuple[Path, Path], tmp_path: Path
) -> None:
    bank, cohort = quiz
    before = served(env)
    grade = ["grade", str(bank), "-s", str(cohort), "--today", "2026-06-01", "-q"]
    by_daemon = run(env, *grade, "-o", str(tmp_path / "warm"))
    assert served(env) == before + 2  # the grade, and the status just asked
    fresh = run(env | {launcher.SWITCH_ENV: "off"}, *grade, "-o", str(tmp_path / "fresh"))
    assert served(env) == before + 3  # only the status: the fresh grade ran in its own process

    assert by_daemon.returncode == fresh.returncode == 0, by_daemon.stderr + fresh.stderr
    assert by_daemon.stdout.replace("warm", "fresh") == fresh.stdout
    assert reports(tmp_path / "warm") == reports(tmp_path / "fresh")


def test_an_error_is_the_same_one_line_and_exit_code(env: dict[str, str], warm: int, tmp_path: Path) -> None:
    before = served(env)
    missing = ["check", str(tmp_path / "no-such-bank.yaml"), "-a", str(tmp_path / "a.yaml")]
    by_daemon = run(env, *missing)
    fresh = run(env | {launcher.SWITCH_ENV: "off"}, *missing)

    assert served(env) == before + 2
    assert (by_daemon.returncode, by_daemon.stderr) == (fresh.returncode, fresh.stderr) == (2, fresh.stderr)
    assert fresh.stderr.count("\n") == 1


def test_the_standard_streams_are_the_clients(env: dict[str, str], warm: int, quiz: tuple[Path, Path]) -> None:
    """stdin, stdout and stderr are the client's own: a pipe here, the same bytes as a fresh
    process writes, and stdout is not a terminal for the command either."""
    bank, _ = quiz
    by_daemon = run(env, "validate", str(bank))
    fresh = run(env | {launcher.SWITCH_ENV: "off"}, "validate", str(bank))
    assert (by_daemon.returncode, by_daemon.stdout, by_daemon.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)


def test_ctrl_c_reaches_the_command_which_stops_as_it_would_alone(env: dict[str, str], warm: int) -> None:
    client = subprocess.Popen(
        [*HARNESS, *SLOW_EVAL], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while not any(_is_sleep(pid) for pid in descendants(warm)):
        assert time.monotonic() < deadline, "the command never started its model"
        time.sleep(0.05)
    client.send_signal(signal.SIGINT)
    _, stderr = client.communicate(timeout=60)

    assert client.returncode == 130, stderr
    assert "interrupted by SIGINT" in stderr
    deadline = time.monotonic() + 10
    while descendants(warm):  # the keeper, the command and its model are gone
        assert time.monotonic() < deadline, f"left running: {descendants(warm)}"
        time.sleep(0.05)


def test_a_killed_client_takes_its_command_and_the_commands_children_with_it(env: dict[str, str], warm: int) -> None:
    client = subprocess.Popen([*HARNESS, *SLOW_EVAL], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not any(_is_sleep(pid) for pid in descendants(warm)):
        assert time.monotonic() < deadline, "the command never started its model"
        time.sleep(0.05)
    client.kill()
    client.wait()

    deadline = time.monotonic() + 10
    while descendants(warm):
        assert time.monotonic() < deadline, f"left running: {descendants(warm)}"
        time.sleep(0.05)


def _is_sleep(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0] == b"sleep"
    except OSError:
        return False


def test_another_environment_runs_in_its_own_process(env: dict[str, str], warm: int, quiz: tuple[Path, Path]) -> None:
    bank, _ = quiz
    before = served(env)
    other = run(env | {"SOME_SETTING": "1"}, "validate", str(bank))
    assert other.returncode == 0, other.stderr
    assert served(env) == before + 1  # the status alone


def test_the_key_names_what_a_daemon_fixed_at_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    package = tmp_path / "harness"
    package.mkdir()
    (package / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(launcher, "PACKAGE", str(package))
    first = launcher.key()

    monkeypatch.setenv("PWD", "/elsewhere")  # a shell's, per folder: read when used
    assert launcher.key() == first
    monkeypatch.setenv("SOME_SETTING", "1")
    assert launcher.key() != first
    monkeypatch.delenv("SOME_SETTING")
    assert launcher.key() == first

    os.utime(package / "module.py", ns=(1, 1))  # an edited (or reinstalled) harness
    assert launcher.key() != first
    second = launcher.key()
    mask = os.umask(0o077)
    try:
        assert launcher.key() != second
    finally:
        os.umask(mask)


def test_a_folder_others_can_enter_is_never_used(env: dict[str, str], quiz: tuple[Path, Path], tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "genai-harness").mkdir(parents=True)
    (shared / "genai-harness").chmod(0o755)
    open_env = env | {"XDG_RUNTIME_DIR": str(shared)}
    planted = socket.socket(socket.AF_UNIX)
    launcher.at_socket(str(shared / "genai-harness" / f"{_key_of(open_env)}.sock"), planted.bind)  # an impostor's
    planted.listen()
    with planted:
        bank, _ = quiz
        ran = run(open_env, "validate", str(bank))
        assert ran.returncode == 0, ran.stderr  # run here: the impostor never got a connection
        planted.setblocking(False)
        with pytest.raises(BlockingIOError):
            planted.accept()

    refused = run(open_env, "daemon", "start")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: ") and "not a private folder" in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_a_socket_left_by_a_dead_daemon_is_run_past(env: dict[str, str], quiz: tuple[Path, Path]) -> None:
    folder = Path(env["XDG_RUNTIME_DIR"]) / "genai-harness"
    folder.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX)
    launcher.at_socket(str(folder / f"{_key_of(env)}.sock"), dead.bind)
    dead.close()  # the file stays; nothing listens
    bank, _ = quiz
    ran = run(env, "validate", str(bank))
    assert ran.returncode == 0, ran.stderr


def _key_of(env: dict[str, str]) -> str:
    """The key a client in ``env`` computes (a child computes it: the environment is its own)."""
    code = "from harness import launcher; print(launcher.key())"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_stop_and_idle(env: dict[str, str]) -> None:
    assert run(env, "daemon", "start", "--idle", "120").returncode == 0
    pid = int(run(env, "daemon", "status").stdout.split()[2].rstrip(":"))
    assert "already serves" in run(env, "daemon", "start").stdout
    stopped = run(env, "daemon", "stop")
    assert stopped.returncode == 0 and "stopped 1" in stopped.stdout
    assert not daemon._alive(pid)
    assert run(env, "daemon", "status").returncode == 1

    assert run(env, "daemon", "start", "--idle", "1").returncode == 0
    pid = int(run(env | {launcher.SWITCH_ENV: "off"}, "daemon", "status").stdout.split()[2].rstrip(":"))
    deadline = time.monotonic() + 15
    while daemon._alive(pid):
        assert time.monotonic() < deadline, "an idle daemon did not stop"
        time.sleep(0.1)
    assert not list((Path(env["XDG_RUNTIME_DIR"]) / "genai-harness").glob("*.sock"))


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_a_process_of_ours_in_another_mount_namespace_is_not_served(
    env: dict[str, str], warm: int, quiz: tuple[Path, Path]
) -> None:
    """As a sandboxed job's would be (bubblewrap gives it namespaces of its own): were the
    socket reachable from a sandbox, the job could have the daemon run commands outside it."""
    bank, _ = quiz
    before = served(env)
    code = (
        "import sys; from harness import launcher; "
        f"sys.argv = ['harness', 'validate', {str(bank)!r}]; "
        "print(launcher.run_via_daemon(launcher.socket_path()))"
    )
    inside = subprocess.run(["unshare", "--mount", sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert inside.returncode == 0, inside.stderr
    assert inside.stdout.strip() == "None"  # not run: the daemon dropped the connection
    assert served(env) == before + 1  # the status alone


def test_a_connection_from_another_user_is_dropped() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        os.chmod(folder, 0o711)  # only so that a stranger can reach the socket at all
        _connect_as_a_stranger(Path(folder) / "s.sock")


def _connect_as_a_stranger(path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    path.chmod(0o777)
    listener.listen()
    with listener:
        code = f"import socket; s = socket.socket(socket.AF_UNIX); s.connect({str(path)!r}); s.recv(1)"
        stranger = subprocess.Popen(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", code]
        )
        connection, _ = listener.accept()
        with connection:
            assert not daemon._trusted(connection)
        stranger.wait(timeout=10)
        ours = socket.socket(socket.AF_UNIX)
        ours.connect(str(path))
        connection, _ = listener.accept()
        with ours, connection:
            assert daemon._trusted(connection)


def test_a_client_whose_folder_is_gone_runs_its_command_itself(
    env: dict[str, str], warm: int, quiz: tuple[Path, Path], tmp_path: Path
) -> None:
    bank, _ = quiz
    gone = tmp_path / "gone"
    gone.mkdir()
    before = served(env)
    code = f"import os, subprocess, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); sys.exit(subprocess.call(sys.argv[1:]))"
    ran = subprocess.run(
        [sys.executable, "-c", code, *HARNESS, "validate", str(bank)], env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert served(env) == before + 1  # the status alone: the daemon was not asked
