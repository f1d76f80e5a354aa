"""After the whole hostile cohort: the grading machine is as it was. No process of the run
survives, nothing an attacker wrote appears outside the sandbox, the harness removed its own
temporary folders, and the files mounted into the sandbox are untouched."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from harness.sandbox.pool import STUB, ZYGOTE
from tests.conftest import REPO, session_background_pids
from tests.security.conftest import Run, children_of, processes_mentioning

AttackRun = tuple[Run, list[str]]
MOUNTED = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in (STUB[1], ZYGOTE[1])}  # before any run


def _marked_files(run: Run) -> list[Path]:
    """Every file or folder named after the attackers' marker, where an escape would put it."""
    marker = run.secrets.marker
    shallow = [
        Path("/"),
        Path("/usr"),
        Path("/usr/lib"),
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path("/root"),
        Path("/work"),
        REPO,
        Path("/tmp"),
        Path("/dev/shm"),
    ]
    found = [p for folder in shallow if folder.is_dir() for p in folder.iterdir() if marker in p.name]
    found += [p for p in run.root.rglob("*") if marker in p.name]
    return found


def test_no_attacker_process_survives(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert processes_mentioning(run.secrets.marker) == []


def test_the_grader_left_no_child_process(attack_run: AttackRun) -> None:
    background = session_background_pids() | _resource_tracker()  # the test session's own
    assert [child for child in children_of(os.getpid()) if int(child.split(":")[0]) not in background] == []


def _resource_tracker() -> set[int]:
    """multiprocessing's resource tracker: started once per session by tests that use
    multiprocessing or a Dask cluster, and alive until the session ends."""
    from multiprocessing import resource_tracker

    pid = getattr(resource_tracker._resource_tracker, "_pid", None)
    return {pid} if isinstance(pid, int) else set()


def test_nothing_was_written_outside_the_sandbox(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert _marked_files(run) == []


def test_the_harness_removed_its_temporary_folders(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert list(run.host_tmp.iterdir()) == []


def test_mounted_stub_and_zygote_are_unchanged(attack_run: AttackRun) -> None:
    for path, digest in MOUNTED.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} was modified"
