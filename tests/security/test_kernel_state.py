"""Kernel state: what a job may ask of the kernel, and what it leaves there.

A job runs as an unprivileged uid, but the kernel keeps state per uid (keyrings), per process
that a job with the same uid may change (the warm worker's I/O priority), and answers calls
that no graded code needs (user namespaces, ptrace, BPF, io_uring...). Each attack here runs
through the real bwrap sandbox: one-shot where the sandbox itself is the target, through a
graded cohort (one warm worker, students in folder-name order) where the next student is.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.base import RunRequest, SandboxLimits
from harness.sandbox.bwrap import BwrapSandbox
from tests.security.conftest import (
    ATTACKS,
    FULL_MARKS,
    CohortBuilder,
    Run,
    Secrets,
    probe_json,
    requires_bwrap,
)

pytestmark = [requires_bwrap, pytest.mark.sandbox]
Scenario = Callable[[CohortBuilder], None]
KERNEL = ATTACKS / "kernel_state"
REFUSED = ("errno 1", "errno 38")  # EPERM, ENOSYS: what the seccomp filter answers
BANK_JOB_CAP_MB = 1024 + 32  # the security bank's memory_mb + tmp_mb (tests/security/conftest.py)


def _grade(tmp_path_factory: pytest.TempPathFactory, name: str, scenario: Scenario) -> Run:
    builder = CohortBuilder(tmp_path_factory.mktemp(name), Secrets())
    scenario(builder)
    return builder.grade(sequential=True)


def _one_shot(folder: Path, attack: str, limits: SandboxLimits, host: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``kernel_state/<attack>.py`` once in a fresh bwrap sandbox; its REPORT, as JSON."""
    source = (KERNEL / f"{attack}.py").read_text("utf-8")
    folder.chmod(0o755)
    (folder / "attack.py").write_text(f"HOST = {host or {}!r}\n{source}\nimport json\nprint(json.dumps(REPORT))\n")
    request = RunRequest(argv=["python", "-I", "-B", "/sandbox/code/attack.py"], workdir=folder, limits=limits)
    result = BwrapSandbox().run(request)
    lines = result.stdout.strip().splitlines()
    assert lines, f"the attack did not report: {result}"
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def sandbox_key_users() -> dict[int, int]:
    """Keys per sandbox uid, from /proc/key-users (the kernel's count per uid, all uids)."""
    counts = {}
    for line in Path("/proc/key-users").read_text().splitlines():
        uid, _, rest = line.partition(":")
        if int(uid) >= 1_000_000:
            counts[int(uid)] = int(rest.split()[1].split("/")[0])  # usage nkeys/nikeys ...
    return counts


# --- keyrings ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyrings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, dict[int, int], dict[int, int]]:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-planter", "kernel_state/keyring_writer")
        b.attack("b-finder", "kernel_state/keyring_reader")
        b.honest("c-honest")

    before = sandbox_key_users()
    run = _grade(tmp_path_factory, "keyrings", scenario)
    return run, before, sandbox_key_users()


def test_keys_cannot_be_planted(keyrings: tuple[Run, dict[int, int], dict[int, int]]) -> None:
    planted = probe_json(keyrings[0], "a-planter")
    assert all(answer in REFUSED for answer in planted.values()), f"add_key answered: {planted}"


def test_a_planted_key_does_not_reach_the_next_student(keyrings: tuple[Run, dict[int, int], dict[int, int]]) -> None:
    report = probe_json(keyrings[0], "b-finder")
    assert report == {"found": {}, "proc_keys": []}, report


def test_keys_do_not_outlive_the_run(keyrings: tuple[Run, dict[int, int], dict[int, int]]) -> None:
    _, before, after = keyrings
    grown = {uid: n for uid, n in after.items() if n > before.get(uid, 0)}
    assert grown == {}, f"sandbox uids that hold keys after the run (/proc/key-users): {grown}"


def test_the_keyring_attack_does_not_cost_the_next_honest_student(
    keyrings: tuple[Run, dict[int, int], dict[int, int]],
) -> None:
    assert keyrings[0].question("c-honest").score == FULL_MARKS


GRADER_WITH_A_SESSION_KEY = """
import ctypes, json, os, platform, sys
from pathlib import Path
from harness.sandbox.base import RunRequest
from harness.sandbox.bwrap import BwrapSandbox

keyctl, add_key = {"x86_64": (250, 248), "aarch64": (219, 217)}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
assert libc.syscall(keyctl, 1, None) >= 0, "could not join a session keyring"  # KEYCTL_JOIN_SESSION_KEYRING
secret = b"GRADER-SESSION-SECRET"
assert libc.syscall(add_key, b"user", b"harness-host-secret", secret, len(secret), ctypes.c_long(-3)) >= 0
folder = Path(sys.argv[1])
result = BwrapSandbox().run(
    RunRequest(argv=["python", "-I", "-B", "/sandbox/code/host_keyring_reader.py"], workdir=folder)
)
print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else json.dumps({"stderr": result.stderr}))
"""


def test_the_graders_own_session_keys_are_out_of_reach(tmp_path: Path) -> None:
    """A grader started from a login (pam_keyinit) has a session keyring; the sandbox must not
    inherit it, or the student possesses it: search, read, link."""
    tmp_path.chmod(0o755)
    (tmp_path / "host_keyring_reader.py").write_text((KERNEL / "host_keyring_reader.py").read_text("utf-8"))
    grader = subprocess.run(
        [sys.executable, "-c", GRADER_WITH_A_SESSION_KEY, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    report = json.loads(grader.stdout.strip().splitlines()[-1])
    assert "secret" not in report, f"the sandbox read the grader's session key: {report}"
    assert report["proc_keys"] == [], report
    assert report["session keyring"] in REFUSED, report


# --- process state a job may change in the warm worker ----------------------------------------


@pytest.fixture(scope="module")
def worker_state(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-probe", "kernel_state/state_probe")
        b.attack("b-changer", "kernel_state/state_writer")
        b.attack("c-probe", "kernel_state/state_probe")
        b.honest("d-honest")

    return _grade(tmp_path_factory, "worker-state", scenario)


STATE = (
    "ioprio",
    "nice",
    "policy",
    "cpus",
    "oom_score_adj",
    "timerslack",
    "personality",
    "no_new_privs",
    "umask",
    "seccomp",
)


@pytest.mark.parametrize("what", STATE)
def test_a_job_does_not_change_the_next_jobs_kernel_state(worker_state: Run, what: str) -> None:
    before, after = probe_json(worker_state, "a-probe"), probe_json(worker_state, "c-probe")
    assert after[what] == before[what], f"{what}: {before[what]} before the attack, {after[what]} after"


def test_the_state_attack_does_not_cost_the_next_honest_student(worker_state: Run) -> None:
    assert worker_state.question("d-honest").score == FULL_MARKS


# --- the seccomp filter -----------------------------------------------------------------------

CALLS = [
    "unshare(CLONE_NEWUSER)",
    "unshare(CLONE_NEWUSER|CLONE_NEWNS)",
    "clone(CLONE_NEWUSER)",
    "clone3(CLONE_NEWUSER)",
    "clone3()",
    "ptrace(PTRACE_TRACEME)",
    "add_key",
    "keyctl(GET_KEYRING_ID, user)",
    "request_key",
    "mount(tmpfs)",
    "bpf(MAP_CREATE)",
    "perf_event_open",
    "io_uring_setup",
    "userfaultfd",
    "personality(ADDR_NO_RANDOMIZE)",
    "init_module",
    "reboot",
    "kexec_load",
    "swapon",
    "settimeofday(NULL, NULL)",
    "pivot_root",
    "setns",
    "process_vm_readv",
]
I386 = ["i386 getpid", "i386 keyctl(GET_KEYRING_ID, user)", "i386 unshare(CLONE_NEWUSER)"]


@pytest.fixture(scope="module")
def calls_one_shot(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _one_shot(tmp_path_factory.mktemp("calls"), "kernel_calls", SandboxLimits(wall_seconds=30))


@pytest.fixture(scope="module")
def calls_in_worker(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-calls", "kernel_state/kernel_calls")
        b.honest("b-honest")

    return _grade(tmp_path_factory, "calls", scenario)


def test_every_sandboxed_process_has_a_seccomp_filter(calls_one_shot: dict[str, Any], calls_in_worker: Run) -> None:
    assert calls_one_shot["seccomp"] == "2", calls_one_shot
    assert probe_json(calls_in_worker, "a-calls")["seccomp"] == "2"


@pytest.mark.parametrize("call", CALLS + (I386 if os.uname().machine == "x86_64" else []))
def test_a_forbidden_kernel_call_is_refused(calls_one_shot: dict[str, Any], call: str) -> None:
    answer = calls_one_shot["calls"][call]
    assert answer in REFUSED, f"{call}: {answer}"


@pytest.mark.parametrize("call", ["unshare(CLONE_NEWUSER)", "clone(CLONE_NEWUSER)", "add_key", "io_uring_setup"])
def test_a_forbidden_kernel_call_is_refused_in_a_warm_worker(calls_in_worker: Run, call: str) -> None:
    report = probe_json(calls_in_worker, "a-calls")  # the calls that got through (feedback is short)
    assert call not in report["through"], report  # type: ignore[operator]


def test_no_forbidden_kernel_call_gets_through_in_a_warm_worker(calls_in_worker: Run) -> None:
    report = probe_json(calls_in_worker, "a-calls")
    assert report["through"] == [] and report["others_through"] == 0, report


def test_the_call_attack_does_not_cost_the_next_honest_student(calls_in_worker: Run) -> None:
    assert calls_in_worker.question("b-honest").score == FULL_MARKS


# --- memory: one cap for all of a job's processes ---------------------------------------------


@pytest.fixture(scope="module")
def hoarder(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-hoarder", "kernel_state/memory_children")
        b.honest("b-honest")

    return _grade(tmp_path_factory, "hoarder", scenario)


def test_a_jobs_processes_together_stay_under_its_memory_cap(hoarder: Run) -> None:
    """Four children of 300 MB each, every one under the 1024 MB address-space limit."""
    report: dict[str, Any] = probe_json(hoarder, "a-hoarder")
    assert report["reported"] >= 1, report  # the attack did run: at least one child held its share
    assert report["held_mb"] <= BANK_JOB_CAP_MB, f"held {report['held_mb']} MB at once: {report}"


def test_the_memory_attack_does_not_cost_the_next_honest_student(hoarder: Run) -> None:
    assert hoarder.question("b-honest").score == FULL_MARKS


def test_a_one_shot_runs_processes_together_stay_under_its_memory_cap(tmp_path: Path) -> None:
    limits = SandboxLimits(memory_mb=256, tmp_mb=16, processes=16, wall_seconds=30)
    report = _one_shot(tmp_path, "memory_children", limits, {"memory_children": (4, 200)})
    assert report["reported"] >= 1, report
    assert report["held_mb"] <= 256 + 16, f"held {report['held_mb']} MB at once: {report}"


# --- sandbox uids -----------------------------------------------------------------------------


def test_a_live_sandboxs_uid_is_not_handed_out_again() -> None:
    """A warm worker lives while thousands of jobs start and end around it (the old uids came
    from the pid and a counter that wrapped after 10,000)."""
    from harness.sandbox.uids import lease_uid

    with lease_uid() as held:
        for _ in range(10_001):
            with lease_uid() as other:
                assert other.uid != held.uid


HOLD_A_LEASE = """
import sys
from harness.sandbox.uids import lease_uid
with lease_uid() as lease:
    print(lease.uid, flush=True)
    sys.stdin.read()
"""


def test_a_uid_held_by_another_grading_process_is_not_handed_out() -> None:
    from harness.sandbox.uids import try_lease

    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_LEASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert other.stdout is not None
        uid = int(other.stdout.readline())
        assert try_lease(uid) is None, "the uid of another process's live sandbox was handed out"
    finally:
        other.communicate("")
    lease = try_lease(uid)
    assert lease is not None, "a released uid with no kernel state left should be usable again"
    lease.release()


def test_a_uid_whose_keys_outlived_its_run_is_not_handed_out(tmp_path: Path) -> None:
    """Keys are the kernel state a uid keeps after all its processes are gone."""
    from harness.sandbox.uids import lease_uid, try_lease

    with lease_uid() as lease:
        uid = lease.uid
    add_key = {"x86_64": 248, "aarch64": 217}[os.uname().machine]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    child = os.fork()
    if child == 0:  # plant a key in the uid's user keyring, as a run under it could have
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os._exit(0 if libc.syscall(add_key, b"user", b"left-behind", b"x", 1, ctypes.c_long(-4)) >= 0 else 1)
        finally:
            os._exit(2)
    assert os.waitpid(child, 0)[1] == 0, "could not plant the key"
    assert uid in sandbox_key_users()
    assert try_lease(uid) is None, "a uid that still holds keys was handed out again"


# --- the doctor -------------------------------------------------------------------------------


def test_the_doctor_attacks_seccomp_the_job_memory_cap_and_keyrings() -> None:
    from harness.sandbox.doctor import run_checks

    checks = {check.name: check for check in run_checks(BwrapSandbox())}
    for name in ("seccomp filter", "no user namespaces", "keyring isolation", "job memory cap"):
        assert name in checks, f"the doctor has no {name!r} check: {sorted(checks)}"
        assert checks[name].held, f"{name}: {checks[name].detail}"


# --- the page cache: shared by every sandbox ---------------------------------------------------


@pytest.fixture(scope="module")
def page_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _one_shot(tmp_path_factory.mktemp("page-cache"), "page_cache_probes", SandboxLimits(wall_seconds=30))


@pytest.mark.parametrize(
    "call",
    [
        "fadvise(DONTNEED)",
        "fadvise(NOREUSE)",
        "fadvise(RANDOM)",
        "preadv2(RWF_NOWAIT)",
        "mincore",
        "madvise(COLD)",
        "madvise(PAGEOUT)",
        "cachestat",
        "io_setup",
        "process_madvise",
    ],
)
def test_the_page_cache_can_be_neither_emptied_nor_probed(page_cache: dict[str, Any], call: str) -> None:
    assert page_cache["refused"][call] in REFUSED, f"{call}: {page_cache['refused'][call]}"


def test_harmless_cache_advice_still_works(page_cache: dict[str, Any]) -> None:
    assert set(page_cache["harmless"].values()) == {"allowed"}, page_cache["harmless"]
