"""Attacks on the grader itself: killing or freezing it, and forging a verdict. The verdict is
computed outside the sandbox from plain JSON, so every forgery earns exactly what the code
really returned, and students graded in the same run are unaffected.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import FULL_MARKS, HONEST, Run, assert_contained

AttackRun = tuple[Run, list[str]]


@pytest.mark.parametrize("student", HONEST)
def test_honest_students_in_the_same_run_get_full_marks(attack_run: AttackRun, student: str) -> None:
    run, _ = attack_run
    result = run.question(student)
    assert result.score == FULL_MARKS, run.feedback(student)


def test_every_attacker_was_graded(attack_run: AttackRun) -> None:
    run, _ = attack_run
    attackers = [s for s in run.students if s.startswith("atk-")]
    assert len(attackers) >= 40
    for student in attackers:
        assert run.question(student).max_score == FULL_MARKS


def test_killing_the_worker_is_recorded_as_a_crash(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-kill-parent", "killed")


def test_kill_minus_one_is_recorded_as_a_crash(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-kill-everything", "killed")


def test_freezing_the_worker_times_out(attack_run: AttackRun) -> None:
    """SIGSTOP on the warm worker: the host gives up after the wall clock and its slack."""
    run, _ = attack_run
    assert_contained(run, "atk-freeze-parent", "timed out after")


def test_pid_one_and_other_processes_cannot_be_signalled(attack_run: AttackRun) -> None:
    run, _ = attack_run
    # PID 1 (bubblewrap's init, root) is out of reach. The worker's own processes share the
    # job's uid and can be signalled: killing the zygote ends the sandbox, which is a crash
    # of this job and a fresh worker for the next (which of the two the attack sees first
    # depends on the order of PIDs).
    feedback = run.feedback("atk-kill-pid-one")
    if "PROBE" in feedback:
        assert "'1:PermissionError'" in run.probe("atk-kill-pid-one")
    else:
        assert "killed" in feedback, feedback
    assert run.question("atk-kill-pid-one").score == 0


@pytest.mark.parametrize(
    "student", ["atk-forge-stdout", "atk-forge-channel-first", "atk-forge-channel-after", "atk-forge-frames"]
)
def test_forged_results_earn_nothing(attack_run: AttackRun, student: str) -> None:
    """Each `add` really returns 2 - 3 or -1: that, not the forgery, is what gets judged."""
    run, _ = attack_run
    assert_contained(run, student, "expected 5, got -1", "hidden test 1: failed")


@pytest.mark.parametrize(
    ("student", "type_name"),
    [
        ("atk-eq-always-true", "Anything"),
        ("atk-float-subclass", "LyingFloat"),
        ("atk-int-subclass", "LyingInt"),
        ("atk-str-subclass", "LyingStr"),
        ("atk-list-subclass", "LyingList"),
        ("atk-ndarray-subclass", "LyingArray"),
        ("atk-numpy-impostor", "ndarray"),
    ],
)
def test_objects_that_lie_about_equality_earn_nothing(attack_run: AttackRun, student: str, type_name: str) -> None:
    run, _ = attack_run
    assert_contained(run, student, f"cannot compare a object of type {type_name}", "hidden test 1: failed")


@pytest.mark.parametrize(
    ("student", "phrase"),
    [
        ("atk-exit-at-import", "could not be imported: SystemExit"),
        ("atk-hard-exit-at-import", "exited before all tests ran"),
        ("atk-hard-exit-in-call", "exited before all tests ran"),
        ("atk-exit-in-call", "raised SystemExit"),
    ],
)
def test_exiting_before_the_tests_earns_nothing(attack_run: AttackRun, student: str, phrase: str) -> None:
    run, _ = attack_run
    assert_contained(run, student, phrase)
