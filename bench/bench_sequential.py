"""Group-sequential statistical tests against the fixed design, on the course's exercises.

Run from the repository root::

    HARNESS_CACHE=/tmp/hc .venv/bin/python bench/bench_sequential.py [--repeats 2] [--sandbox bwrap]

Every code question of the coding bank with a statistical test (sampling a token, the VAE's
reparameterised sample, sampling from a Hugging Face model) is graded for every student of
the sample cohort who handed in its file, twice: as the bank says (statistical tests in
looks, :mod:`harness.kinds.code_engine.sequential`) and with ``looks: 1`` on every
statistical test (the fixed design: all ``trials`` draws at once, level alpha). The peer is
the fixed design in the same run. Printed: the draws the students' code was asked for, the
wall time of grading (the references' draws are made and cached before the clock starts),
both ratios, and any test whose verdict differs between the two (there should be none).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import api
from harness.errors import AnswerError
from harness.evidence import CodeEvidence
from harness.kinds.code import CodeQuestion, StudentCode, read_student_code
from harness.kinds.code_engine.channel import RunReport
from harness.kinds.code_engine.runner import CodeRunner
from harness.sandbox.pool import WarmPool
from harness.sandbox.selection import sandbox_named

BANK = Path("question_bank/coding.yaml")
COHORT = Path("submissions/sample-cohort")
SECRET = "golden-sample-cohort"  # the golden run's secret (tests/conftest.py)


class CountingRunner(CodeRunner):
    """A runner that counts the draws it asks the students' code for."""

    draws = 0

    def _execute(
        self, pool: WarmPool, questions: list[CodeQuestion], source: str, calls: list[dict[str, Any]]
    ) -> RunReport:
        if pool is self.students:
            self.draws += sum(len(c.get("seeds") or ()) for c in calls)
        return super()._execute(pool, questions, source, calls)


def statistical_questions() -> list[CodeQuestion]:
    questions = [bq.question for bank in api.load([BANK]) for bq in bank.questions]
    return [q for q in questions if isinstance(q, CodeQuestion) and any(t.statistical for t in q.tests)]


def fixed_design(question: CodeQuestion) -> CodeQuestion:
    """The question with every statistical test in one look: the fixed design."""
    tests = [
        t.model_copy(update={"statistical": t.statistical.model_copy(update={"looks": 1})}) if t.statistical else t
        for t in question.tests
    ]
    return question.model_copy(update={"tests": tests})


def submissions(questions: list[CodeQuestion]) -> list[tuple[str, int, StudentCode]]:
    """(student, question index, code) for every sample student's file of a question."""
    found = []
    for folder in sorted(p for p in COHORT.iterdir() if p.is_dir()):
        for n, question in enumerate(questions):
            candidates = [folder / question.file, (folder / question.file).with_suffix(".ipynb")]
            path = next((p for p in candidates if p.is_file()), None)
            if path is None:
                continue
            try:
                found.append((folder.name, n, read_student_code(path)))
            except AnswerError:
                continue
    return found


@dataclass
class Tally:
    """What grading every submission once cost, per question, and the verdict of each test."""

    draws: dict[str, int] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)
    verdicts: dict[tuple[str, str, str], bool] = field(default_factory=dict)


def grade_all(runner: CountingRunner, questions: list[CodeQuestion], work: list[tuple[str, int, StudentCode]]) -> Tally:
    tally = Tally()
    for student, n, code in work:
        question = questions[n]
        runner.draws, start = 0, time.perf_counter()
        evidence = runner.grade(question, code).evidence
        tally.wall[question.id] = tally.wall.get(question.id, 0.0) + time.perf_counter() - start
        tally.draws[question.id] = tally.draws.get(question.id, 0) + runner.draws
        assert isinstance(evidence, CodeEvidence)
        for record in evidence.tests:
            tally.verdicts[(student, question.id, record.id)] = record.passed
    return tally


def _row(label: str, draws: int, wall: float, peer_draws: int, peer_wall: float) -> str:
    counts = f"{peer_draws:>10}{draws:>10}{draws / peer_draws:>8.3f}"
    return f"{label:28}{counts}{peer_wall:>10.2f}{wall:>10.2f}{wall / peer_wall:>8.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--sandbox", default="bwrap")
    args = parser.parse_args()
    sequential = statistical_questions()
    modes = {"sequential": sequential, "fixed": [fixed_design(q) for q in sequential]}
    work = submissions(sequential)
    print(
        f"{len(work)} submissions of {len(sequential)} questions with statistical tests: {[q.id for q in sequential]}"
    )
    with CountingRunner(sandbox_named(args.sandbox), seed_secret=SECRET) as runner:
        for questions in modes.values():  # the references' draws, cached; warm workers
            for question in questions:
                runner.expected(question)
            grade_all(runner, questions, work[:1])
        results: dict[str, list[Tally]] = {m: [] for m in modes}
        for _ in range(args.repeats):
            for mode, questions in modes.items():
                results[mode].append(grade_all(runner, questions, work))
    seq, fixed = results["sequential"][0], results["fixed"][0]
    print(f"{'':28}{'draws:':>10}{'':>10}{'':>8}{'wall s:':>10}")
    print(f"{'':28}{'fixed':>10}{'seq':>10}{'ratio':>8}{'fixed':>10}{'seq':>10}{'ratio':>8}")
    for question in sequential:
        q = question.id
        seq_wall, fixed_wall = (min(r.wall[q] for r in results[m]) for m in ("sequential", "fixed"))
        print(_row(q, seq.draws[q], seq_wall, fixed.draws[q], fixed_wall))
    seq_total, fixed_total = (min(sum(r.wall.values()) for r in results[m]) for m in ("sequential", "fixed"))
    print(_row("all", sum(seq.draws.values()), seq_total, sum(fixed.draws.values()), fixed_total))
    changed = sorted(k for k in fixed.verdicts if fixed.verdicts[k] != seq.verdicts.get(k))
    print(f"tests whose verdict differs: {len(changed)} of {len(fixed.verdicts)}", *changed, sep="\n  ")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
