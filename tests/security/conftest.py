"""Real attacks, graded end to end through ``api.grade`` and the real bwrap backend.

Every hostile submission lives in ``attacks/`` as the file a student would hand in. A cohort
is built under a temporary folder: a one-question bank (``add`` public, ``reveal`` hidden,
whose expected value is a secret), its reference solution, honest students and attackers.
Each attack file is prefixed with one line, ``HOST = {...}``: what a well-informed attacker
could know or guess about the grading machine (absolute paths of the answer key, of the
reference, of a classmate's folder, a loopback port, the marker to leave behind). Attacks
report what they found in the message of an exception raised by ``add`` (a public test, so
the message reaches the feedback and the results file): the tests check that the message
came through and that no secret did.

SAFETY: attack code runs only through the bwrap sandbox; network attacks only target
loopback listeners opened here, or names that resolve nowhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import secrets
import socket
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness import api
from harness.results import QuestionResult, StudentResult
from harness.sandbox.bwrap import BwrapSandbox
from tests.conftest import REPO

ATTACKS = Path(__file__).resolve().parent / "attacks"
QUESTION = "code-add"
FULL_MARKS = 2.0  # add (public, 1 point) + reveal (hidden, 1 point)
HONEST = ("aaa-honest", "mmm-honest", "zzz-honest")  # graded before, among and after the attackers
ENV_SECRET = "HARNESS_SECURITY_SECRET"
PROBE = re.compile(r"PROBE (.*?)(?: \(line \d+|$)", re.S)

_why = BwrapSandbox().unavailable_reason()
requires_bwrap = pytest.mark.skipif(
    _why is not None and not os.environ.get("CI"),
    reason=f"the bwrap sandbox cannot run here ({_why}); in CI these tests always run",
)

BANK = """\
# The answer key. {key_secret}
id: security
title: Hostile submissions
version: "1"
defaults:
  visibility: public
questions:
  - id: code-add
    kind: code
    prompt: Write add(a, b) and reveal().
    file: solution.py
    reference: reference.py
    preload: [numpy]
    limits: {{cpu_seconds: 3, wall_seconds: 5, memory_mb: 1024, processes: 32, file_size_mb: 8, tmp_mb: 32}}
    tests:
      - id: add
        call: add
        args: [2, 3]
        time_limit: 1
      - id: reveal
        call: reveal
        visibility: hidden
        time_limit: 1
  # The same file and limits: graded in one sandbox job with code-add (run_together), so every
  # attack also goes through the batched path, and the per-question fallback when it breaks it.
  - id: code-add-again
    kind: code
    prompt: add(a, b) once more.
    file: solution.py
    reference: reference.py
    preload: [numpy]
    limits: {{cpu_seconds: 3, wall_seconds: 5, memory_mb: 1024, processes: 32, file_size_mb: 8, tmp_mb: 32}}
    tests:
      - id: add-more
        call: add
        args: [20, 22]
        visibility: hidden
        time_limit: 1
"""

REFERENCE = """\
# The reference solution. {reference_secret}
def add(a, b):
    return a + b


def reveal():
    return "HIDDEN-" + "EXPECTED-{hidden_token}"
"""

HONEST_SOLUTION = """\
# An honest student's own work. {sibling_secret}
def add(a, b):
    return a + b


def reveal():
    return "HIDDEN-EXPECTED-" + "{reversed_token}"[::-1]
"""


@dataclass
class Secrets:
    """Strings that must never reach a results file; each names where it lives."""

    token: str = field(default_factory=lambda: secrets.token_hex(8))
    marker_token: str = field(default_factory=lambda: secrets.token_hex(8))  # attackers see this one

    @property
    def key(self) -> str:
        return f"ANSWERKEY-SECRET-{self.token}"

    @property
    def reference(self) -> str:
        return f"REFERENCE-SECRET-{self.token}"

    @property
    def hidden(self) -> str:
        return f"HIDDEN-EXPECTED-{self.token}"

    @property
    def sibling(self) -> str:
        return f"SIBLING-SECRET-{self.token}"

    @property
    def env(self) -> str:
        return f"ENV-SECRET-{self.token}"

    @property
    def marker(self) -> str:
        return f"harness-attack-{self.marker_token}"

    def all(self) -> dict[str, str]:
        return {
            "answer key": self.key,
            "reference": self.reference,
            "hidden expected": self.hidden,
            "sibling": self.sibling,
            "environment": self.env,
        }


@dataclass
class Listeners:
    """Loopback sockets the attackers try to reach; none may ever see a byte."""

    tcp4: socket.socket
    udp4: socket.socket
    tcp6: socket.socket | None

    @classmethod
    def open(cls) -> Listeners:
        tcp4 = socket.create_server(("127.0.0.1", 0))
        udp4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp4.bind(("127.0.0.1", 0))
        tcp6 = None
        if socket.has_ipv6:
            with contextlib.suppress(OSError):
                tcp6 = socket.create_server(("::1", 0), family=socket.AF_INET6)
        for s in (tcp4, udp4, tcp6):
            if s is not None:
                s.setblocking(False)
        return cls(tcp4, udp4, tcp6)

    def ports(self) -> dict[str, int | None]:
        return {
            "tcp4": self.tcp4.getsockname()[1],
            "udp4": self.udp4.getsockname()[1],
            "tcp6": self.tcp6.getsockname()[1] if self.tcp6 else None,
        }

    def anything_received(self) -> list[str]:
        seen = []
        for name, s in (("tcp4", self.tcp4), ("tcp6", self.tcp6)):
            if s is None:
                continue
            with contextlib.suppress(BlockingIOError):
                conn, peer = s.accept()
                conn.close()
                seen.append(f"{name} connection from {peer}")
        with contextlib.suppress(BlockingIOError):
            data, peer = self.udp4.recvfrom(65536)
            seen.append(f"udp4 datagram {data[:40]!r} from {peer}")
        return seen

    def close(self) -> None:
        for s in (self.tcp4, self.udp4, self.tcp6):
            if s is not None:
                s.close()


@dataclass
class Run:
    """A graded cohort: its results (parsed and as written), and what the attackers knew."""

    root: Path
    secrets: Secrets
    host: dict[str, object]
    results_text: str
    students: dict[str, StudentResult]
    cohort_problems: list[str]
    host_tmp: Path  # where the harness's own temporary folders went during the run

    def question(self, student: str) -> QuestionResult:
        (result,) = [q for q in self.students[student].questions if q.question_id == QUESTION]
        return result

    def feedback(self, student: str) -> str:
        return "\n".join(self.question(student).feedback)

    def probe(self, student: str) -> str:
        """What the attacker reported (the message of the exception ``add`` raised)."""
        found = PROBE.search(self.feedback(student))
        assert found, f"{student}: the attack did not report back: {self.feedback(student)}"
        return found.group(1)


class CohortBuilder:
    """Writes a bank, its reference and student folders, then grades them through the API."""

    def __init__(self, root: Path, secret: Secrets, ports: dict[str, int | None] | None = None) -> None:
        self.root = root
        self.secrets = secret
        self.bank_dir = root / "bank"
        self.cohort = root / "cohort"
        self.bank_dir.mkdir(parents=True)
        self.cohort.mkdir()
        self.bank = self.bank_dir / "security.yaml"
        self.bank.write_text(BANK.format(key_secret=secret.key), encoding="utf-8")
        self.reference = self.bank_dir / "reference.py"
        self.reference.write_text(
            REFERENCE.format(reference_secret=secret.reference, hidden_token=secret.token), encoding="utf-8"
        )
        self.host: dict[str, object] = {
            "marker": secret.marker,
            "bank": str(self.bank),
            "bank_dir": str(self.bank_dir),
            "reference": str(self.reference),
            "cohort": str(self.cohort),
            "sibling": str(self.cohort / HONEST[0] / "solution.py"),
            "cache": str(root / "cache"),
            "repo": str(REPO),
            "venv": sys.prefix,
            "host_tmp": str(root / "host-tmp"),
            "env": ENV_SECRET,
            "ports": ports or {},
        }

    def folder(self, student: str) -> Path:
        path = self.cohort / student
        path.mkdir(exist_ok=True)
        (path / "answers.yaml").write_text("{}\n", encoding="utf-8")
        return path

    def honest(self, student: str) -> None:
        text = HONEST_SOLUTION.format(sibling_secret=self.secrets.sibling, reversed_token=self.secrets.token[::-1])
        (self.folder(student) / "solution.py").write_text(text, encoding="utf-8")

    def attack(self, student: str, attack: str) -> None:
        """``attacks/<attack>.py`` handed in as the student's solution.py, with the HOST line in front."""
        source = (ATTACKS / f"{attack}.py").read_text("utf-8")
        (self.folder(student) / "solution.py").write_text(f"HOST = {self.host!r}\n{source}", encoding="utf-8")

    def grade(self, sequential: bool = False) -> Run:
        """Grade the cohort with bwrap; ``sequential``: one worker, so students share a zygote
        in folder-name order (the warm pool's worst case)."""
        host_tmp = Path(str(self.host["host_tmp"]))
        host_tmp.mkdir()
        out = self.root / "out"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(ENV_SECRET, self.secrets.env)
            mp.setenv("HARNESS_CACHE", str(self.host["cache"]))
            mp.setattr(tempfile, "tempdir", str(host_tmp))
            if sequential:
                mp.setattr(os, "cpu_count", lambda: 1)
            run = api.grade([self.bank], self.cohort, out, formats=["json"], sandbox="bwrap")
        text = (out / "results.json").read_text(encoding="utf-8")
        return Run(
            root=self.root,
            secrets=self.secrets,
            host=self.host,
            results_text=text,
            students={s.student_id: s for s in run.cohort.students},
            cohort_problems=[f"{p.code}: {p.message}" for p in run.cohort.problems],
            host_tmp=host_tmp,
        )


def attack_names() -> list[str]:
    """Every attack file: each becomes a student ``atk-<name>`` in the main cohort."""
    return sorted(p.stem for p in ATTACKS.glob("*.py") if not p.stem.startswith("_"))


def write_special_files(builder: CohortBuilder) -> None:
    """Submissions that attack the collection step rather than the sandbox."""
    sibling = builder.cohort / HONEST[0]
    (builder.folder("atk-link-to-passwd") / "solution.py").symlink_to("/etc/passwd")
    (builder.folder("atk-link-to-classmate") / "solution.py").symlink_to(sibling / "solution.py")
    (builder.folder("atk-link-notebook") / "solution.ipynb").symlink_to(builder.reference)
    (builder.cohort / "atk-linked-folder").symlink_to(sibling, target_is_directory=True)
    huge = "def add(a, b):\n    return a + b\n" + "#" * 50_000_000 + "\n"
    (builder.folder("atk-huge-file") / "solution.py").write_text(huge, encoding="utf-8")
    (builder.folder("atk-binary-file") / "solution.py").write_bytes(b"\x00\xff" + random.Random(0).randbytes(4096))
    (builder.folder("atk-notebook-bad-json") / "solution.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "source": ["def add(a, b):\\n", "  return a + b"]}', encoding="utf-8"
    )
    notebook = {
        "cells": [
            {"cell_type": "code", "source": ["!cat /etc/shadow > /tmp/stolen\n", "%env\n"]},
            {"cell_type": "code", "source": [(ATTACKS / "_notebook_cell.txt").read_text("utf-8")]},
        ]
    }
    notebook_folder = builder.folder("atk-notebook-shell-escape")
    (notebook_folder / "solution.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def processes_mentioning(text: str) -> list[str]:
    """Host processes whose command line contains ``text`` (sandboxed ones included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline[:120]}")
    return found


def children_of(pid: int) -> list[str]:
    """Live processes whose parent is ``pid`` (zombies too: a grader must reap what it starts)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(f"{entry.name}: {stat[:80]}")
    return found


@pytest.fixture(scope="session")
def attack_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Run, list[str]]]:
    """The main cohort: three honest students and every attack, graded in one run.

    Yields the run and what the loopback listeners received (must be nothing)."""
    if _why is not None and not os.environ.get("CI"):
        pytest.skip(f"the bwrap sandbox cannot run here ({_why})")
    listeners = Listeners.open()
    try:
        builder = CohortBuilder(tmp_path_factory.mktemp("attacks"), Secrets(), listeners.ports())
        for name in HONEST:
            builder.honest(name)
        for name in attack_names():
            builder.attack(f"atk-{name.replace('_', '-')}", name)
        write_special_files(builder)
        run = builder.grade()
        (builder.cohort / "atk-huge-file" / "solution.py").unlink()  # 50 MB: do not keep it in /tmp
        yield run, listeners.anything_received()
    finally:
        listeners.close()


def assert_contained(run: Run, student: str, *phrases: str, score: float = 0.0) -> None:
    """The attacker earned exactly ``score`` and its feedback says what happened."""
    result = run.question(student)
    feedback = run.feedback(student)
    assert result.score == score, f"{student} earned {result.score}: {feedback}"
    for phrase in phrases:
        assert phrase.lower() in feedback.lower(), f"{student}: {phrase!r} not in the feedback: {feedback}"


def probe_json(run: Run, student: str) -> dict[str, object]:
    report: dict[str, object] = json.loads(run.probe(student))
    return report
