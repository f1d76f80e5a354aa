"""The warm pool's promise: nothing one student does reaches the next one graded by the same
zygote. Each scenario grades a small cohort with one worker (so students share a zygote, in
folder-name order): an attacker first, then a reader that reports what it finds, or an
honest student who must get full marks.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
from collections.abc import Callable

import pytest

from tests.security.conftest import (
    FULL_MARKS,
    CohortBuilder,
    Run,
    Secrets,
    assert_contained,
    probe_json,
    processes_mentioning,
    requires_bwrap,
)

pytestmark = requires_bwrap
Scenario = Callable[[CohortBuilder], None]


def _grade(tmp_path_factory: pytest.TempPathFactory, name: str, scenario: Scenario) -> Run:
    builder = CohortBuilder(tmp_path_factory.mktemp(name), Secrets())
    scenario(builder)
    return builder.grade(sequential=True)


@pytest.fixture(scope="module")
def leftovers(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-writer", "cross_student/state_writer")
        b.attack("b-reader", "cross_student/state_reader")
        b.honest("c-honest")

    return _grade(tmp_path_factory, "leftovers", scenario)


def test_state_writer_ran_and_was_graded(leftovers: Run) -> None:
    assert_contained(leftovers, "a-writer", "✓ add", score=1.0)
    assert leftovers.question("c-honest").score == FULL_MARKS


def test_tmp_files_do_not_reach_the_next_student(leftovers: Run) -> None:
    report = probe_json(leftovers, "b-reader")
    assert report["tmp"] == 0, report


def test_processes_do_not_reach_the_next_student(leftovers: Run) -> None:
    report = probe_json(leftovers, "b-reader")
    assert report["processes"] == [] and report["socket"] is False, report
    assert processes_mentioning(leftovers.secrets.marker) == []


def test_interpreter_state_does_not_reach_the_next_student(leftovers: Run) -> None:
    report = probe_json(leftovers, "b-reader")
    assert report["globals"] == [False, False, False], "builtins, sys.modules, os.environ"


def test_sysv_ipc_does_not_reach_the_next_student(leftovers: Run) -> None:
    report = probe_json(leftovers, "b-reader")
    assert report["sysv"] == [], report


def test_posix_message_queue_does_not_reach_the_next_student(leftovers: Run) -> None:
    report = probe_json(leftovers, "b-reader")
    assert report["mqueue"] is False, "a POSIX message queue left by the previous student is still open"


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.honest("a-honest")
        b.attack("b-snoop", "cross_student/memory_snoop")

    return _grade(tmp_path_factory, "memory", scenario)


def test_previous_students_code_is_not_in_the_next_ones_memory(memory: Run) -> None:
    """The snoop reads its own address space, inherited by fork() from the zygote."""
    probe = memory.probe("b-snoop")
    assert int(probe.rpartition("scanned_mib=")[2]) > 10, "the scan must have covered the heap"
    assert memory.secrets.sibling not in probe, f"the previous student's source code was found: {probe}"


def test_previous_students_results_do_not_earn_the_next_one_a_hidden_test(memory: Run) -> None:
    """Its `reveal` returns any HIDDEN-EXPECTED-... string found in memory: the previous
    student's correct return value would pass the hidden test."""
    assert_contained(memory, "b-snoop", "hidden test 1: failed")
    assert memory.secrets.hidden not in memory.probe("b-snoop")


@pytest.fixture(scope="module")
def undeletable(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-undeletable", "cross_student/undeletable_dir")
        b.attack("b-reader", "cross_student/state_reader")

    return _grade(tmp_path_factory, "undeletable", scenario)


def test_read_only_folder_in_tmp_does_not_reach_the_next_student(undeletable: Run) -> None:
    report = probe_json(undeletable, "b-reader")
    assert report["tmp"] == 0, f"left in /tmp for the next student: {report['tmp_first']}"


@pytest.fixture(scope="module")
def squatted(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-squatter", "cross_student/squat_next_jobs")
        b.honest("b-honest")
        b.honest("c-honest")

    return _grade(tmp_path_factory, "squatted", scenario)


@pytest.mark.parametrize("student", ["b-honest", "c-honest"])
def test_squatting_the_next_job_folders_does_not_fail_later_students(squatted: Run, student: str) -> None:
    assert squatted.question(student).score == FULL_MARKS, squatted.feedback(student)


@pytest.fixture(scope="module")
def lowered_limits(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-prlimit", "cross_student/lower_worker_limits")
        b.honest("b-honest")
        b.honest("c-honest")

    return _grade(tmp_path_factory, "prlimit", scenario)


@pytest.mark.parametrize("student", ["b-honest", "c-honest"])
def test_lowering_the_workers_limits_does_not_fail_later_students(lowered_limits: Run, student: str) -> None:
    assert lowered_limits.question(student).score == FULL_MARKS, lowered_limits.feedback(student)


@pytest.fixture(scope="module")
def deprioritized(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-deprioritize", "cross_student/deprioritize_worker")
        b.attack("b-reader", "cross_student/priority_reader")

    return _grade(tmp_path_factory, "priority", scenario)


def test_worker_scheduling_changes_do_not_reach_the_next_student(deprioritized: Run) -> None:
    report = probe_json(deprioritized, "b-reader")
    expected = {
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "policy": os.sched_getscheduler(0),
        "cpus": len(os.sched_getaffinity(0)),
        "clamps": _clamps(),  # on a kernel without utilisation clamps the attack's call is refused
    }
    assert report == expected, "the previous student changed the scheduling of the next one's job"


def _clamps() -> list[int] | None:
    """(uclamp_min, uclamp_max) of this process: what a fresh sandbox's process inherits."""
    number = {"x86_64": 315, "aarch64": 275}.get(platform.machine())
    buffer = ctypes.create_string_buffer(56)
    if number is None or ctypes.CDLL(None, use_errno=True).syscall(number, 0, buffer, 56, 0) != 0:
        return None
    return list(struct.unpack("=IIQiIQQQII", buffer.raw)[-2:])


@pytest.fixture(scope="module")
def after_crashes(tmp_path_factory: pytest.TempPathFactory) -> Run:
    def scenario(b: CohortBuilder) -> None:
        b.attack("a-fill-disk", "fill_disk")
        b.honest("b-honest")
        b.attack("c-kill-parent", "kill_parent")
        b.honest("d-honest")
        b.attack("e-kill-everything", "kill_everything")
        b.honest("f-honest")

    return _grade(tmp_path_factory, "crashes", scenario)


@pytest.mark.parametrize("student", ["b-honest", "d-honest", "f-honest"])
def test_full_disk_and_killed_worker_do_not_fail_the_next_student(after_crashes: Run, student: str) -> None:
    assert after_crashes.question(student).score == FULL_MARKS, after_crashes.feedback(student)
