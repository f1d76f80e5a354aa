"""Attacks on time, memory, processes, output and disk: each is stopped, recorded with a
message the student can act on, and earns nothing it did not earn.

All attackers are graded in one cohort (the ``attack_run`` fixture) next to honest students;
see conftest.py. The exercise's limits: 1 s per call, 3 CPU seconds, 1 GiB of address space,
32 processes, 8 MiB per file, a 32 MiB /tmp; the run's wall clock is 12 s (2 calls + 10 s).
"""

from __future__ import annotations

import json
import re

from tests.security.conftest import Run, assert_contained

AttackRun = tuple[Run, list[str]]
PROCESSES = 32  # the exercise's `processes` limit (conftest.BANK)
TMP_MIB = 32  # the exercise's `tmp_mb`
FILE_MIB = 8  # the exercise's `file_size_mb`


def test_cpu_loop_is_stopped_by_the_call_time_limit(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-cpu-loop", "timed out after 1 s")


def test_cpu_loop_that_disarms_the_alarm_is_stopped_by_the_cpu_limit(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-cpu-loop-ignoring-alarm", "CPU")


def test_sleeping_past_the_wall_clock_is_killed(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-sleep-past-wall-clock", "timed out after")
    seconds = float(re.search(r"timed out after ([\d.]+) s", run.feedback("atk-sleep-past-wall-clock")).group(1))
    assert seconds < 14 + 5, "the wall clock (2 x (2 calls x 1 s) + 10 s) was not enforced"


def test_memory_bomb_hits_the_address_space_limit(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-memory-bomb", "MemoryError")


def test_fork_bomb_is_contained(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-fork-bomb", "fork failed after")


def test_fork_bomb_stops_at_the_exercises_process_limit(attack_run: AttackRun) -> None:
    """The exercise sets ``processes: 32``; the bomb counts its uid's processes when fork fails."""
    run, _ = attack_run
    alive = int(re.search(r"processes=(\d+)", run.probe("atk-fork-bomb")).group(1))
    # The uid's count includes the warm worker's zygote (1): the limit is on the job's own
    # processes, the bomb and all its descendants.
    assert alive <= PROCESSES + 1, f"{alive} processes alive: the exercise's limit of {PROCESSES} was not applied"


def test_orphan_process_does_not_survive_the_job(attack_run: AttackRun) -> None:
    """It double-forks a daemon that drops every descriptor; the job still ends, graded."""
    run, _ = attack_run
    assert_contained(run, "atk-orphan", "expected 5, got 6")
    # that no such process survives on the host is checked in test_host_unchanged.py


def test_output_flood_is_contained(attack_run: AttackRun) -> None:
    run, _ = attack_run
    feedback = run.feedback("atk-output-flood")
    assert run.question("atk-output-flood").score == 0
    # Prints are captured up to a bound and the rest dropped, and fds 1 and 2 lead nowhere,
    # so the flood costs only time: the call finishes, returns its (wrong) value, and
    # nothing of the flood reaches the results.
    assert any(word in feedback for word in ("expected 5, got 6", "timed out", "MemoryError")), feedback
    assert _results_without_sources(run) < 200_000, "the flood reached the results file"


def test_result_channel_flood_is_contained(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-channel-flood", "more output than allowed")
    assert _results_without_sources(run) < 200_000


def _results_without_sources(run: Run) -> int:
    """The results file's size without the students' own files (a failed code question keeps
    its source, capped, for the report), so what is left is what came out of the sandbox."""
    data = json.loads(run.results_text)
    for student in data["students"]:
        for question in student["questions"]:
            evidence = question.get("evidence") or {}
            if isinstance(evidence, dict):
                evidence.pop("source", None)
    return len(json.dumps(data, indent=2))


def test_closed_stdio_does_not_cost_an_earned_point(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-closed-stdio", "✓ add", score=1.0)


def test_closing_the_print_capture_does_not_cost_an_earned_point(attack_run: AttackRun) -> None:
    """``sys.stdout.close()`` inside the call, then the right answer: `add` is earned."""
    run, _ = attack_run
    assert_contained(run, "atk-closed-capture", "✓ add", score=1.0)


def test_reading_stdin_gets_nothing_of_the_grader(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-read-stdin", "PROBE")
    probe = run.probe("atk-read-stdin")
    assert "'fd0': b''" in probe and "'sys.stdin': ''" in probe, probe
    assert "'parent-fd0': 'PermissionError'" in probe, probe
    assert "calls" not in probe and "reveal" not in probe


def test_filling_the_disk_hits_the_file_size_and_tmpfs_caps(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-fill-disk", "'big': 'EFBIG'", "ENOSPC after", "'shm': 'EACCES'")


def test_filling_the_disk_stops_at_the_exercises_tmpfs_size(attack_run: AttackRun) -> None:
    """The exercise sets ``tmp_mb: 32``: /tmp holds at most 32 MiB (8 of them the big file)."""
    run, _ = attack_run
    filled = int(re.search(r"ENOSPC after (\d+) MiB", run.probe("atk-fill-disk")).group(1))
    assert filled + FILE_MIB <= TMP_MIB, f"/tmp took {filled + FILE_MIB} MiB: the exercise's tmp_mb was not applied"


def test_segfault_is_recorded_as_a_crash(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-segfault", "segmentation fault")
