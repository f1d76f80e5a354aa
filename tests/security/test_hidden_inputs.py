"""A hidden test's inputs never reach a student's feedback, through any job that runs later.

A warm zygote's jobs share its sandbox's namespaces, and a job can leave marks there that no
cleanup undoes (TCP TIME_WAIT entries, the pid and SysV id counters). Hidden tests therefore
run in zygotes of their own (:class:`harness.kinds.code_engine.runner.CodeRunner`), whose
jobs' output reaches the results only as pass or fail. The attack here leaves a hidden
call's input in TIME_WAIT entries and reads them back from every later public job; its public
calls leave a mark the same way, which later public jobs do find: the channel is real.
"""

from __future__ import annotations

import secrets

import pytest

from tests.security.conftest import ATTACKS, PROBE, CohortBuilder, Run, Secrets, requires_bwrap

pytestmark = [requires_bwrap, pytest.mark.sandbox]
ATTACKERS = ("atk-first", "atk-second")

BANK = """\
id: hidden-inputs
title: Hidden inputs
version: "1"
questions:
  - id: code-echo
    kind: code
    prompt: Write echo(text).
    file: solution.py
    reference: reference.py
    preload: [numpy]
    limits: {{cpu_seconds: 5, wall_seconds: 10, memory_mb: 1024, processes: 32, file_size_mb: 8, tmp_mb: 32}}
    tests:
      - {{id: echo, call: echo, args: [public-input], time_limit: 2}}
      - {{id: echo-hidden, call: echo, args: ["{hidden_input}"], visibility: hidden, time_limit: 2}}
  - id: code-add
    kind: code
    prompt: Write add(a, b).
    file: solution.py
    reference: reference.py
    preload: [numpy]
    limits: {{cpu_seconds: 5, wall_seconds: 10, memory_mb: 1024, processes: 32, file_size_mb: 8, tmp_mb: 32}}
    tests:
      - {{id: add-hidden, call: add, args: [1, 2], visibility: hidden, time_limit: 2}}
  # another file: a public job of its own, after the first one, in the same zygote
  - id: code-echo-again
    kind: code
    prompt: Write echo(text) once more.
    file: again.py
    reference: reference.py
    preload: [numpy]
    limits: {{cpu_seconds: 5, wall_seconds: 10, memory_mb: 1024, processes: 32, file_size_mb: 8, tmp_mb: 32}}
    tests:
      - {{id: echo, call: echo, args: [public-input], time_limit: 2}}
"""

REFERENCE = "def echo(text):\n    return text\n\n\ndef add(a, b):\n    return a + b\n"


@pytest.fixture(scope="module")
def leak_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, str]:
    hidden_input = f"HIDDEN-INPUT-{secrets.token_hex(12)}"
    builder = CohortBuilder(tmp_path_factory.mktemp("hidden-inputs"), Secrets())
    builder.bank.write_text(BANK.format(hidden_input=hidden_input), encoding="utf-8")
    builder.reference.write_text(REFERENCE, encoding="utf-8")
    attack = (ATTACKS / "hidden_inputs" / "leave_for_the_next_job.py").read_text("utf-8")
    for student in ATTACKERS:
        for name in ("solution.py", "again.py"):
            (builder.folder(student) / name).write_text(attack, encoding="utf-8")
    for name in ("solution.py", "again.py"):
        (builder.folder("honest") / name).write_text(REFERENCE, encoding="utf-8")
    return builder.grade(sequential=True), hidden_input  # one worker per pool: every job follows another


def _probes(run: Run, question: str = "code-echo") -> list[str]:
    found = []
    for student in ATTACKERS:
        (echo,) = [q for q in run.students[student].questions if q.question_id == question]
        probe = PROBE.search("\n".join(echo.feedback))
        assert probe, f"{student}: the attack did not report back: {echo.feedback}"
        found.append(probe.group(1))
    return found


def test_the_channel_is_real(leak_run: tuple[Run, str]) -> None:
    """The second public job of a student reads what the first one left."""
    run, _ = leak_run
    assert all("public='seen'" in probe for probe in _probes(run, "code-echo-again")), _probes(run, "code-echo-again")


def test_a_hidden_input_never_reaches_a_later_public_job(leak_run: tuple[Run, str]) -> None:
    run, hidden_input = leak_run
    probes = _probes(run) + _probes(run, "code-echo-again")
    assert all("hidden=''" in probe for probe in probes), probes
    assert hidden_input not in run.results_text
    assert hidden_input[len("HIDDEN-INPUT-") :] not in run.results_text


def test_the_honest_student_is_graded_in_full(leak_run: tuple[Run, str]) -> None:
    run, _ = leak_run
    scores = {q.question_id: q.score for q in run.students["honest"].questions}
    assert scores == {"code-echo": 2.0, "code-add": 1.0, "code-echo-again": 1.0}, scores


def test_the_attack_loses_its_hidden_points(leak_run: tuple[Run, str]) -> None:
    run, _ = leak_run
    for student in ATTACKERS:
        (echo,) = [q for q in run.students[student].questions if q.question_id == "code-echo"]
        assert echo.score == 0.0
        assert "✗ hidden test 1: failed" in "\n".join(echo.feedback)
