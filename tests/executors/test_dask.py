"""Grading on a real Dask cluster (two worker processes): the results are byte for byte those
of the local executor, and a worker killed in the middle of a student costs nothing: the
student is graded again elsewhere and saved in the store once. (The store's reuse, slices and
resumes with Dask: ``test_dask_store.py``.)"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from distributed import Client

from harness import api
from harness.errors import HarnessError
from harness.executors import GradingJob
from harness.executors import cluster as cluster_module
from harness.grading.runner import SilentProgress
from harness.kinds import load_banks
from harness.kinds.lifecycle import RunOptions
from harness.plugins import registry
from harness.results import QuestionResult
from harness.sandbox.bwrap import BwrapSandbox
from harness.store import ResultStore, store_path
from tests.conftest import REPO
from tests.executors.cohorts import QUIZ_BANKS, SAMPLE_COHORT, SEED_SECRET, TODAY, true_false_cohort
from tests.executors.sleepy import graded_log, kill_a_busy_worker


def _results(banks: list[Path], cohort: Path, out: Path, **how: Any) -> bytes:
    api.grade(banks, cohort, out, ["json"], TODAY, seed_secret=SEED_SECRET, **how)
    return (out / "results.json").read_bytes()


def test_quiz_results_are_byte_identical_to_the_local_executors(client: Client, tmp_path: Path) -> None:
    local = _results(QUIZ_BANKS, SAMPLE_COHORT, tmp_path / "local")
    remote = _results(QUIZ_BANKS, SAMPLE_COHORT, tmp_path / "dask", executor="dask", scheduler=client.scheduler.address)
    assert remote == local
    assert b'"student_id": "s17-noah-bennett"' in remote  # the whole cohort, not an empty run


def test_a_worker_with_other_banks_refuses_the_job(client: Client, tmp_path: Path) -> None:
    bank, _ = true_false_cohort(tmp_path, "true_false", 2)
    job = GradingJob.of(load_banks([bank]), "grade", TODAY, RunOptions("grade"))
    bank.write_text(bank.read_text(encoding="utf-8").replace("prompt: One", "prompt: Uno"), encoding="utf-8")
    refused = r"a Dask worker cannot grade this run: .*bank.yaml: this worker's bank differs"
    dask = registry("executors").get("dask")
    with pytest.raises(HarnessError, match=refused), dask.open(job, client.scheduler.address):
        pass  # refused when the run opens: before anyone is sent


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.executors.cluster.CONNECT_TIMEOUT", "1s")
    bank, cohort = true_false_cohort(tmp_path, "true_false", 1)
    with pytest.raises(HarnessError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        _results([bank], cohort, tmp_path / "out", executor="dask", scheduler="tcp://127.0.0.1:9")


class KillAfterTheFirstStudent(SilentProgress):
    """A progress sink that, once the first student is saved, SIGKILLs a worker in the middle
    of another one."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.victim: tuple[int, str, str] | None = None

    def advance(self, count: int = 1, failed: int = 0) -> None:
        if self.victim is None:
            self.victim = kill_a_busy_worker(self.log)


def test_a_worker_killed_mid_student_costs_nothing(
    client: Client, sleepy_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted where grades are kept: every student is saved in the store exactly once, by
    this process, and the results are the local executor's."""
    bank, cohort = true_false_cohort(tmp_path, "sleepy", 8)
    local = _results([bank], cohort, tmp_path / "local")
    assert not sleepy_log.exists()  # the local run was graded here, where the kind keeps no log
    saved: list[str] = []
    put_student = ResultStore.put_student

    def counting(store: ResultStore, student_id: str, grades: Mapping[str, QuestionResult]) -> None:
        saved.append(student_id)
        put_student(store, student_id, grades)

    monkeypatch.setattr(ResultStore, "put_student", counting)
    killer = KillAfterTheFirstStudent(sleepy_log)
    remote = _results(
        [bank], cohort, tmp_path / "dask", executor="dask", scheduler=client.scheduler.address, progress=killer
    )
    assert killer.victim is not None
    victim, student, question = killer.victim
    students = sorted(p.name for p in cohort.iterdir())
    assert sorted(saved) == students  # every student saved once: none lost, none twice
    assert _stored_rows(tmp_path / "dask") == 2 * len(students)
    assert remote == local
    events = graded_log(sleepy_log)
    assert (victim, "end", student, question) not in events  # the kill landed mid-question
    assert any(e[1:] == ("end", student, question) for e in events)  # graded again elsewhere


def _stored_rows(out: Path) -> int:
    with sqlite3.connect(store_path(out)) as db:
        return int(db.execute("SELECT COUNT(*) FROM grades").fetchone()[0])


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


@pytest.mark.slow
def test_a_cluster_started_for_a_run_leaves_port_8787_to_whoever_holds_it() -> None:
    """distributed serves HTTP on 8787 by default even without a dashboard; a notebook's
    cluster often holds that port, and the warning it then gives fails a run under -W error."""
    with socket.socket() as holder:
        try:
            holder.bind(("", 8787))
            holder.listen()
        except OSError:
            pass  # someone else holds it already: the same situation
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with cluster_module._client(None) as client:
                assert client.scheduler_info()["workers"]
