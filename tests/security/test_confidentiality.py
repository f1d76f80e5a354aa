"""Attacks on secrets and on the host: the system's files, the answer key, the reference, the
hidden tests' expected values, classmates' work, the grader's environment, the network and
the file system outside the sandbox's /tmp.

Each attacker reports what it found in its feedback (checked to arrive: the exfiltration
channel works), and no secret may appear anywhere in the results file.
"""

from __future__ import annotations

from pathlib import Path

from tests.security.conftest import Run, assert_contained

AttackRun = tuple[Run, list[str]]
READERS = ("atk-read-answer-key", "atk-read-reference", "atk-read-hidden-tests", "atk-read-classmate")


def _shadow_lines() -> list[str]:
    try:
        return [line for line in Path("/etc/shadow").read_text().splitlines() if line.count(":") >= 8]
    except OSError:
        return []


def test_no_secret_reaches_the_results(attack_run: AttackRun) -> None:
    run, _ = attack_run
    for student in ("atk-read-shadow", *READERS, "atk-environment-secrets"):
        assert run.probe(student), f"{student}'s report must come through, or this test proves nothing"
    for where, secret in run.secrets.all().items():
        assert secret not in run.results_text, f"the {where} secret leaked into the results"


def test_cannot_read_etc_shadow(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-read-shadow", "PROBE")
    probe = run.probe("atk-read-shadow")
    assert "READ" not in probe, probe
    assert "/etc/shadow=FileNotFoundError" in probe and "/proc/1/root/etc/shadow=PermissionError" in probe
    for line in _shadow_lines():
        assert line not in run.results_text


def test_cannot_read_the_answer_key(attack_run: AttackRun) -> None:
    run, _ = attack_run
    probe = run.probe("atk-read-answer-key")
    assert "READ" not in probe and "LISTED:['security.yaml'" not in probe, probe
    assert f"{run.host['bank']}=FileNotFoundError" in probe
    assert f"{run.host['repo']}/question_bank=FileNotFoundError" in probe


def test_cannot_read_the_reference_solution(attack_run: AttackRun) -> None:
    run, _ = attack_run
    probe = run.probe("atk-read-reference")
    assert probe.startswith("open=FileNotFoundError") and "FOUND" not in probe and "spec=False" in probe, probe


def test_cannot_find_the_hidden_tests_expected_value(attack_run: AttackRun) -> None:
    run, _ = attack_run
    probe = run.probe("atk-read-hidden-tests")
    assert probe.startswith("found=[]"), probe
    assert "✗ hidden test 1: failed" in run.feedback("atk-read-hidden-tests")
    assert run.question("atk-read-hidden-tests").score == 0


def test_cannot_read_a_classmates_submission(attack_run: AttackRun) -> None:
    run, _ = attack_run
    probe = run.probe("atk-read-classmate")
    assert "READ" not in probe and "LISTED:['aaa-honest'" not in probe and "LISTED:['answers.yaml'" not in probe, probe
    assert f"{run.host['sibling']}=FileNotFoundError" in probe


def test_environment_is_cleared(attack_run: AttackRun) -> None:
    run, _ = attack_run
    probe = run.probe("atk-environment-secrets")
    assert probe.startswith("leaked=[] readable=[]"), probe
    assert run.secrets.env not in run.results_text


def test_no_network_and_the_hosts_loopback_is_unreachable(attack_run: AttackRun) -> None:
    run, received = attack_run
    probe = run.probe("atk-network")
    assert "dns=gaierror" in probe and "tcp4=OK" not in probe and "tcp6=OK" not in probe, probe
    assert received == [], f"a loopback listener on the host was reached: {received}"


def test_cannot_write_outside_its_tmp(attack_run: AttackRun) -> None:
    run, _ = attack_run
    probe = run.probe("atk-write-outside")
    assert probe == "wrote=[] tmp=True", probe
    # that nothing appeared on the host is checked in test_host_unchanged.py
