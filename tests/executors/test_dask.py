"""Grading on a real Dask cluster (two worker processes): the results are byte for byte those
of the local executor, and a worker killed in the middle of a student costs nothing: the
student is graded again elsewhere and counted once."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from distributed import Client

from harness import api
from harness.errors import HarnessError
from harness.executors import GradingJob
from harness.kinds import kind_registry, load_banks
from harness.kinds.lifecycle import RunOptions
from harness.plugins import registry
from harness.results import StudentResult
from harness.sandbox.bwrap import BwrapSandbox
from harness.submissions import collect_cohort
from tests.conftest import REPO
from tests.executors.cohorts import QUIZ_BANKS, SAMPLE_COHORT, SEED_SECRET, TODAY, true_false_cohort
from tests.executors.sleepy import RegisterSleepy, SleepyKind


def _results(banks: list[Path], cohort: Path, out: Path, **how: Any) -> bytes:
    api.grade(banks, cohort, out, ["json"], TODAY, seed_secret=SEED_SECRET, **how)
    return (out / "results.json").read_bytes()


def test_quiz_results_are_byte_identical_to_the_local_executors(client: Client, tmp_path: Path) -> None:
    local = _results(QUIZ_BANKS, SAMPLE_COHORT, tmp_path / "local")
    remote = _results(QUIZ_BANKS, SAMPLE_COHORT, tmp_path / "dask", executor="dask", scheduler=client.scheduler.address)
    assert remote == local
    assert b'"student_id": "s17-noah-bennett"' in remote  # the whole cohort, not an empty run


def test_a_worker_with_other_banks_refuses_the_job(client: Client, tmp_path: Path) -> None:
    bank, cohort = true_false_cohort(tmp_path, "true_false", 2)
    job = GradingJob.of(load_banks([bank]), "grade", TODAY, RunOptions("grade"))
    bank.write_text(bank.read_text(encoding="utf-8").replace("prompt: One", "prompt: Uno"), encoding="utf-8")
    graded = registry("executors").get("dask").grade(job, collect_cohort(cohort).submissions, client.scheduler.address)
    with pytest.raises(
        HarnessError, match=r"a Dask worker cannot grade this run: .*bank.yaml: this worker's bank differs"
    ):
        list(graded)


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.executors.cluster.CONNECT_TIMEOUT", "1s")
    bank, cohort = true_false_cohort(tmp_path, "true_false", 1)
    with pytest.raises(HarnessError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        _results([bank], cohort, tmp_path / "out", executor="dask", scheduler="tcp://127.0.0.1:9")


@pytest.fixture
def sleepy_log(client: Client, tmp_path: Path) -> Iterator[Path]:
    """The ``sleepy`` kind registered here and in every worker (restarted ones too); its log."""
    log = tmp_path / "graded.log"
    kind_registry().register("sleepy", SleepyKind)
    client.register_plugin(RegisterSleepy(log), name="register-sleepy")
    try:
        yield log
    finally:
        client.unregister_worker_plugin("register-sleepy")
        kind_registry().unregister("sleepy")


def test_a_worker_killed_mid_student_costs_nothing(client: Client, sleepy_log: Path, tmp_path: Path) -> None:
    bank, folder = true_false_cohort(tmp_path, "sleepy", 8)
    submissions = collect_cohort(folder).submissions
    job = GradingJob.of(load_banks([bank]), "grade", TODAY, RunOptions("grade", seed_secret=SEED_SECRET))
    expected = {r.student_id: r for r in registry("executors").get("local").grade(job, submissions)}
    assert not sleepy_log.exists()  # the local run was graded here, where the kind keeps no log
    graded = registry("executors").get("dask").grade(job, submissions, client.scheduler.address)
    results: list[StudentResult] = [next(graded)]
    victim, unfinished = _kill_a_busy_worker(sleepy_log)
    results += list(graded)
    assert sorted(r.student_id for r in results) == sorted(expected)  # every student, exactly once
    assert {r.student_id: r for r in results} == expected
    events = sleepy_log.read_text(encoding="utf-8").splitlines()
    assert f"{victim} end {unfinished}" not in events  # the kill landed in the middle of that student
    assert any(e.endswith(f" end {unfinished}") for e in events)  # who was graded again elsewhere


def _kill_a_busy_worker(log: Path) -> tuple[int, str]:
    """SIGKILL a worker process that has started a question it has not finished; return its pid
    and the ``student question`` it was grading."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        open_items: dict[tuple[str, str], str] = {}
        for line in log.read_text(encoding="utf-8").splitlines():
            pid, event, item = line.split(" ", 2)
            if event == "start":
                open_items[(pid, item)] = pid
            else:
                open_items.pop((pid, item), None)
        if open_items:
            pid, item = next(iter(open_items))
            os.kill(int(pid), signal.SIGKILL)
            return int(pid), item
        time.sleep(0.02)
    raise AssertionError("no worker was ever in the middle of a student")


@pytest.mark.slow
@pytest.mark.sandbox
def test_code_results_are_byte_identical_to_the_local_executors(client: Client, tmp_path: Path) -> None:
    """Each worker opens its own pools (bwrap: with its own leased uids) and grades the files it
    was sent, not a path: the same results as the local executor, notebooks included."""
    bank = tmp_path / "coding.yaml"
    data = yaml.safe_load((REPO / "question_bank" / "coding.yaml").read_text(encoding="utf-8"))
    data["questions"] = [q for q in data["questions"] if q["id"] in ("code-softmax", "code-greedy")]
    bank.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (tmp_path / "exercises").symlink_to(REPO / "question_bank" / "exercises")
    cohort = tmp_path / "cohort"
    for student in ("s01-ada-lovelace", "s02-alan-turing", "s05-ravi-patel", "s10-emma-okafor"):
        shutil.copytree(SAMPLE_COHORT / student, cohort / student, symlinks=True)
    how: dict[str, Any] = {"sandbox": "bwrap"}
    if BwrapSandbox().unavailable_reason():
        how = {"sandbox": "process", "unsafe_sandbox": True}
    local = _results([bank], cohort, tmp_path / "local", **how)
    remote = _results([bank], cohort, tmp_path / "dask", executor="dask", scheduler=client.scheduler.address, **how)
    assert remote == local
    assert b'"status": "correct"' in remote and b'"sandbox": "' + how["sandbox"].encode() + b'"' in remote
