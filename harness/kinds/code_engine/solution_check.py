"""`harness validate --solutions`: how well the tests of a code question catch its known bugs.

Every reference solution must pass all its tests, and every known-wrong solution must fail
one. A wrong solution that fails only because of a lucky draw is not caught: grading with
another seed would give it full marks. So the tests whose verdict depends on chance are run
again under other *draws*:

- *chance tests*: statistical tests (their trials get their seeds from a seed secret), tests with
  seeded random inputs (``{random: ..., seed: s}`` gets another seed) and tests that pass a
  seed to the student's function (the ``seed`` keyword, or a statistical test's
  ``seed_kwarg``, gets another value);
- draw 0 is the run as the grader would make it; draw d > 0 moves every seed a chance test
  states by ``d × SEED_STRIDE`` and gives the runner another ``seed_secret`` (from which it
  derives the seeds of statistical trials), for the reference (whose results are the
  expectations) and the solution alike. Deterministic tests give the same verdict in every
  draw and run once.

Each wrong solution gets a *catch rate*: the share of draws in which at least one test fails.
Below 1, a lucky draw is all that catches it (a warning). At 1 but resting, in some draw, only
on statistical tests whose p-value was within a factor of ``MARGIN`` of their alpha, it is a
near miss (a warning too). A solution caught only by single seeded draws is drawn
``EXTRA_DRAWS_FACTOR`` times as often before it is called caught in every draw: five lucky
draws in a row are not rare.

Only the runner's public API is used: ``grade``, ``expected`` and ``seed_secret``. If the
runner stops deriving statistical seeds from ``seed_secret``, the reference's draws come back
unchanged; that is detected and reported, and statistical tests then count one draw only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.errors import AnswerError
from harness.evidence import CodeEvidence, Evidence
from harness.kinds import LoadedBank
from harness.kinds.code import CodeQuestion, CodeTest, StudentCode, read_student_code
from harness.kinds.code_engine.runner import CodeRunner
from harness.sandbox.base import Sandbox

DRAWS = 5
EXTRA_DRAWS_FACTOR = 4  # single-draw catches only: 5 → 20 draws
SEED_STRIDE = 1_000_003  # a large prime: moved seeds land far from the small seeds banks state
MARGIN = 100.0  # a statistical catch with p >= alpha / MARGIN could go the other way
Level = Literal["ok", "warn", "bad"]


@dataclass(frozen=True)
class TestCatch:
    """How one test fared against one solution over the draws it ran in."""

    test_id: str
    chance: bool  # its verdict depends on a seed
    failed: tuple[int, ...]  # the draws in which it failed
    draws: int  # the draws it ran in (1 for deterministic tests)
    alpha: float | None = None  # statistical tests: their level ...
    p_values: dict[int, float] = field(default_factory=dict)  # ... and their p-value per failed draw

    def failed_in(self, draw: int) -> bool:
        """A test that was not drawn again gives its one verdict in every draw."""
        return draw in self.failed if self.chance else bool(self.failed)

    def solid_in(self, draw: int) -> bool:
        """Failed in ``draw`` by a margin that another seed would not overturn."""
        if not self.failed_in(draw):
            return False
        if self.alpha is None:
            return not self.chance  # deterministic: solid; one seeded draw: judged by the catch rate
        p = self.p_values.get(draw if self.chance else 0)
        return p is not None and p < self.alpha / MARGIN

    def single_draw_in(self, draw: int) -> bool:
        """One seeded draw (not a statistical test) caught it in ``draw``."""
        return self.chance and self.alpha is None and draw in self.failed


@dataclass(frozen=True)
class SolutionReport:
    """The verdict on one solution of one code question."""

    question_id: str
    solution: str  # "reference" or the wrong solution's file as the bank names it
    level: Level
    detail: str
    tests: tuple[TestCatch, ...] = ()
    caught_draws: int = 0  # wrong solutions: draws in which some test failed ...
    draws: int = 1  # ... out of this many

    @property
    def ok(self) -> bool:
        return self.level != "bad"


def check_solutions(
    banks: Sequence[LoadedBank], sandbox: Sandbox, draws: int = DRAWS, seed_secret: str | None = None
) -> Iterator[SolutionReport]:
    """Grade every code question's reference and known-wrong solutions, under ``draws`` draws
    of the chance tests (see the module docstring). ``seed_secret`` fixes the statistical
    tests' seeds (by default the runner draws a fresh secret, so each run is another draw).
    Yields one report per solution."""
    with CodeRunner(sandbox) as runner:
        if seed_secret is not None:
            runner.seed_secret = seed_secret
        for bank in banks:
            for bq in bank.questions:
                if isinstance(bq.question, CodeQuestion):
                    yield from _QuestionCheck(runner, bq.question, max(1, draws)).reports()


class _QuestionCheck:
    """One code question: its chance tests, its draws, and the verdict on each solution."""

    def __init__(self, runner: CodeRunner, question: CodeQuestion, draws: int) -> None:
        self.runner = runner
        self.secret = runner.seed_secret
        # Hidden tests report only pass or fail; this check needs their p-values too, and
        # visibility changes no verdict.
        public = [t.model_copy(update={"visibility": "public"}) for t in question.tests]
        self.question = question.model_copy(update={"tests": public})
        self.chance = {t.id for t in self.question.tests if is_chance_test(self.question, t)}
        self.draws = draws if self.chance else 1
        self.redrawn_statistical = True  # until the runner shows otherwise
        self.bank_expected: dict[str, dict[str, Any]] = {}

    def reports(self) -> Iterator[SolutionReport]:
        try:
            self.bank_expected = self.runner.expected(self.question).events
            reference = self._failures(read_student_code(self.question.path(self.question.reference)), self.draws)
        except (RuntimeError, AnswerError) as exc:
            yield SolutionReport(self.question.id, "reference", "bad", f"cannot run: {exc}")
            return
        yield self._reference_report(reference)
        for name in self.question.wrong_solutions:
            yield self._wrong_report(name)

    # --- running ------------------------------------------------------------------------

    def _failures(self, code: StudentCode, draws: int, start: int = 0) -> dict[int, dict[str, float | None]]:
        """For each draw in ``[start, draws)``: the failed tests, each with its p-value if any.

        Raises:
            RuntimeError: the reference solution failed to run (the runner's own message).
        """
        failures: dict[int, dict[str, float | None]] = {}
        for draw in range(start, draws):
            question = self.question if draw == 0 else self._redrawn(draw)
            self.runner.seed_secret = f"{self.secret}/draw-{draw}" if draw else self.secret
            try:
                outcome = self.runner.grade(question, code)
                if draw == 1 and self.redrawn_statistical:
                    self.redrawn_statistical = self._statistical_moved(question)
            finally:
                self.runner.seed_secret = self.secret
            failures[draw] = _failed_tests(outcome.evidence)
        return failures

    def _redrawn(self, draw: int) -> CodeQuestion:
        """The question with only its chance tests, every seed moved for ``draw``."""
        tests = [redraw(self.question, t, draw) for t in self.question.tests if t.id in self.chance]
        return self.question.model_copy(update={"tests": tests})

    def _statistical_moved(self, redrawn: CodeQuestion) -> bool:
        """Whether the reference's statistical draws changed in ``redrawn`` (graded just now,
        with its draw's secret still set): if not, the runner did not take the secret."""
        statistical = [t.id for t in redrawn.tests if t.statistical]
        if not statistical:
            return True
        after = self.runner.expected(redrawn).events
        return any(self.bank_expected.get(i, {}).get("value") != after.get(i, {}).get("value") for i in statistical)

    # --- verdicts -----------------------------------------------------------------------

    def _reference_report(self, failures: dict[int, dict[str, float | None]]) -> SolutionReport:
        failed = sorted({test for draw in failures.values() for test in draw})
        if not failed:
            drawn = f" (chance tests in {self.draws} draws)" if self.draws > 1 else ""
            return SolutionReport(self.question.id, "reference", "ok", f"passes all tests{drawn}")
        where = [f"{t} in draws {_draws(d for d, f in failures.items() if t in f)}" for t in failed]
        return SolutionReport(self.question.id, "reference", "bad", f"fails {'; '.join(where)}")

    def _wrong_report(self, name: str) -> SolutionReport:
        try:
            code = read_student_code(self.question.path(name))
        except AnswerError as exc:
            return SolutionReport(self.question.id, name, "bad", f"cannot be read: {exc}")
        try:
            failures = self._failures(code, self.draws)
            catches = self._catches(failures)
            if self._needs_more_draws(catches, len(failures)):
                failures.update(self._failures(code, self.draws * EXTRA_DRAWS_FACTOR, start=self.draws))
                catches = self._catches(failures)
        except RuntimeError as exc:
            return SolutionReport(self.question.id, name, "bad", f"cannot run: {exc}")
        return self._verdict(name, catches, len(failures))

    def _catches(self, failures: dict[int, dict[str, float | None]]) -> list[TestCatch]:
        catches = []
        for test in self.question.tests:
            chance = test.id in self.chance and (self.redrawn_statistical or not test.statistical)
            ran = sorted(failures) if chance else [0]
            failed = tuple(d for d in ran if test.id in failures[d])
            p_values = {d: p for d in failed if (p := failures[d].get(test.id)) is not None}
            alpha = test.statistical.alpha if test.statistical else None
            catches.append(TestCatch(test.id, chance, failed, len(ran), alpha, p_values))
        return catches

    def _needs_more_draws(self, catches: list[TestCatch], draws: int) -> bool:
        """Caught in every draw so far, but only by single seeded draws: draw more."""
        if draws <= 1 or draws >= self.draws * EXTRA_DRAWS_FACTOR:
            return False
        caught = [c for c in catches if c.failed]
        return bool(caught) and all(c.chance and c.alpha is None for c in caught)

    def _verdict(self, name: str, catches: list[TestCatch], draws: int) -> SolutionReport:
        qid = self.question.id
        caught = [c for c in catches if c.failed]
        caught_draws = sum(any(c.failed_in(d) for c in caught) for d in range(draws))
        summary = _summary(caught, len(catches))
        if not self.redrawn_statistical:
            summary += "; statistical tests were not re-drawn (the runner ignored the draw's seed secret)"
        level: Level
        if not caught:
            level, head = "bad", "passes every test" + (f" in all {draws} draws" if draws > 1 else "")
            return SolutionReport(qid, name, level, f"{head}: add a test that catches it", tuple(catches), 0, draws)
        if caught_draws < draws:
            missed = draws - caught_draws
            head = f"only a lucky draw catches it: passes every test in {missed} of {draws} draws"
            return SolutionReport(qid, name, "warn", f"{head} ({summary})", tuple(catches), caught_draws, draws)
        near = [d for d in range(draws) if not any(c.solid_in(d) or c.single_draw_in(d) for c in caught)]
        if near:
            head = (
                f"caught by a narrow margin in draw(s) {_draws(near)} (by statistical tests whose"
                f" p-value was within {MARGIN:g}x of alpha, or not reported)"
            )
            return SolutionReport(qid, name, "warn", f"{head} ({summary})", tuple(catches), caught_draws, draws)
        return SolutionReport(qid, name, "ok", summary, tuple(catches), caught_draws, draws)


def _failed_tests(evidence: Evidence) -> dict[str, float | None]:
    """The tests a draw failed, with their p-values (statistical tests), by id."""
    if not isinstance(evidence, CodeEvidence):
        raise TypeError(f"a code question recorded {type(evidence).__name__}, not CodeEvidence")
    return {t.id: t.p_value for t in evidence.tests if not t.passed}


def _summary(caught: list[TestCatch], total: int) -> str:
    parts = []
    for c in caught:
        if not c.chance:
            parts.append(c.test_id)
            continue
        p = f" (p ≤ {_p(max(c.p_values.values()))})" if c.p_values else ""
        parts.append(f"{c.test_id} in {len(c.failed)}/{c.draws} draws{p}")
    return f"caught by {len(caught)} of {total} tests: {', '.join(parts)}"


def _p(value: float) -> str:
    return f"{value:.2g}" if value > 0 else "1e-06"  # the grader rounds p-values to 6 decimals


def _draws(draws: Iterable[int]) -> str:
    return ", ".join(str(d) for d in draws)


# --- draws ------------------------------------------------------------------------------------


def seed_keywords(question: CodeQuestion) -> set[str]:
    """Keyword arguments that carry a seed: ``seed``, and every statistical test's ``seed_kwarg``."""
    names = {"seed"}
    names |= {t.statistical.seed_kwarg for t in question.tests if t.statistical and t.statistical.seed_kwarg}
    return names


def is_chance_test(question: CodeQuestion, test: CodeTest) -> bool:
    """Whether the verdict of ``test`` depends on a seed (see the module docstring)."""
    if test.statistical is not None or _has_random(test.args) or _has_random(list(test.kwargs.values())):
        return True
    names = seed_keywords(question)
    return any(_is_seed(v) for k, v in test.kwargs.items() if k in names)


def redraw(question: CodeQuestion, test: CodeTest, draw: int) -> CodeTest:
    """``test`` with every seed it states moved for ``draw`` (draw 0: unchanged). Statistical
    trials get their seeds from the runner's ``seed_secret``, set per draw by the caller."""
    if draw == 0:
        return test
    names = seed_keywords(question)
    kwargs = {
        k: _moved(v, draw) if k in names and _is_seed(v) else _redraw_value(v, draw) for k, v in test.kwargs.items()
    }
    return test.model_copy(update={"args": [_redraw_value(a, draw) for a in test.args], "kwargs": kwargs})


def _is_seed(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _moved(seed: int, draw: int) -> int:
    return (seed + draw * SEED_STRIDE) % 2**32


def _redraw_value(value: Any, draw: int) -> Any:
    if isinstance(value, dict):
        if "random" in value:
            return dict(value, seed=_moved(int(value.get("seed") or 0), draw))
        return {k: _redraw_value(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [_redraw_value(v, draw) for v in value]
    return value


def _has_random(values: list[Any]) -> bool:
    for value in values:
        if isinstance(value, dict) and ("random" in value or _has_random(list(value.values()))):
            return True
        if isinstance(value, list) and _has_random(value):
            return True
    return False
