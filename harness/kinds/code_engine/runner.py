"""Running code questions: warm sandbox pools for the run, the student's jobs, the reference's.

The verdict is computed outside every sandbox (:mod:`~harness.kinds.code_engine.judge`) from
two plain-JSON reports: what the student's functions returned and what the reference returned
for the same calls. The reference runs in workers of its own (never in a student's), and its
reports are cached (:mod:`~harness.kinds.code_engine.reference_cache`).

A student's public and hidden tests run in separate sandbox jobs: the code can read every call
of its own job (arguments included) and put it in an exception message, and only the public
job's messages reach the feedback. Of the hidden job, a student learns pass or fail per test,
nothing else. Hidden jobs run in zygotes of their own, and a student's hidden jobs only once
all of their public work is done (every question's public job and statistical rounds): a job
can leave marks on what sandboxes share (the namespaces of its zygote, the page cache of the
host's files) that a later job could read back and quote.

Statistical tests draw with seeds derived from the run's secret (:func:`trial_seeds`): a
student cannot know them before the run, and the same secret reproduces the same run. The
reference draws with all of a test's seeds; a student draws in rounds, the first round with
the first look's seeds in the student's job, each later round (only the tests still
undecided, :mod:`~harness.kinds.code_engine.sequential`) in a job of its own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.evidence import CodeEvidence
from harness.kinds.base import Outcome
from harness.kinds.code_engine import values
from harness.kinds.code_engine.channel import RunReport, parse_channel
from harness.kinds.code_engine.families import Families, Family
from harness.kinds.code_engine.feedback import evidence_record, feedback_lines, report_feedback
from harness.kinds.code_engine.grouping import group_test_id, question_part, shared_file_groups
from harness.kinds.code_engine.judge import Pending, Verdict, extend, judge, load_properties
from harness.kinds.code_engine.reference_cache import ReferenceCache, cache_key
from harness.kinds.code_engine.sample_tests import trial_seeds
from harness.kinds.lifecycle import RunRecord, RunScope
from harness.sandbox.base import Sandbox, SandboxLimits
from harness.sandbox.pool import WarmPool

if TYPE_CHECKING:
    from harness.kinds.code import CodeQuestion, CodeTest, Statistical, StudentCode
    from harness.kinds.code_engine.sequential import SequentialPlan

SEED_SECRET_ENV = "HARNESS_SEED_SECRET"
PREWARM_LIMIT = 2  # zygotes started ahead: more would compete with the first for the cores


def _import_scipy_stats() -> None:
    import scipy.stats  # noqa: F401  (imported for its side effect: the module is loaded)


def default_cache_dir() -> Path:
    return Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")


SELF_CHECK_SECRET = "self-check-secret"
_HEX_SECRET = frozenset("0123456789abcdef")


def self_check_secret(cache_dir: Path) -> str:
    """The seed secret of this machine's self-checks: made once, then kept in the cache.

    A self-check with a fresh secret each time drew other seeds each time, so its statistical
    tests' references ran again every time (for the course's torch exercises, two zygotes
    and seconds), and a submission's feedback changed between two checks of the same code. A
    self-check grades nothing: its secret guards no grade (a cohort's grading has its own),
    so it may be kept. A cache that cannot keep it gives a fresh one (as before).
    """
    from harness.errors import HarnessError
    from harness.kept import read_trusted
    from harness.reports.output import write_text_atomically  # its temporary file, renamed, is mode 600

    path = cache_dir / SELF_CHECK_SECRET
    kept = (read_trusted(path) or "").strip()  # one another user could have written is replaced
    if len(kept) == 32 and set(kept) <= _HEX_SECRET:
        return kept
    secret = secrets.token_hex(16)
    with contextlib.suppress(HarnessError):
        write_text_atomically(path, secret + "\n")
    return secret


class ModelFolders:
    """The folders of the course's tiny models a run's questions name, found (or built) once
    per run: finding one hashes its recipe."""

    def __init__(self, cache_dir: Path, build: Callable[[str], Path] | None = None) -> None:
        self._cache_dir = cache_dir
        self._build = build
        self._folders: dict[str, Path] = {}
        self._guard = threading.Lock()

    def __call__(self, name: str) -> Path:
        with self._guard:
            if name in self._folders:
                return self._folders[name]
        if self._build is None:
            from harness.course_models.tiny import build

            path: Path = build(name, self._cache_dir)
        else:
            path = self._build(name)
        with self._guard:
            return self._folders.setdefault(name, path)


@dataclass(frozen=True)
class StudentRun:
    """A student's code run on one question, judged: the public tests' job, whose messages
    reach the feedback, the hidden tests' job (None when there are none), of which only pass
    or fail per test does, and each test's verdict by id (statistical tests drawn until
    decided)."""

    public: RunReport
    hidden: RunReport | None = None
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    failure: Exception | None = None  # judging failed (a grader bug): the grade says so


JOB_WALL_FACTOR = 2.0  # a job's wall clock over the CPU seconds its calls may use (load headroom)
MAX_JOB_WALL_SECONDS = 1200.0  # harness.sandbox.base.Limits' own bound


class CodeRunner(RunScope):
    """Grades code questions with one sandbox backend; the ``code`` kind opens one per run
    (:meth:`harness.kinds.code.CodeKind.open_run`) and the run closes it.

    ``seed_secret`` is where the seeds of statistical tests come from: by default
    ``$HARNESS_SEED_SECRET``, else, with ``keep_secret`` (a self-check), the one this
    machine's self-checks keep (:func:`self_check_secret`), else a fresh random one. The same
    secret (and the same inputs) gives byte-identical results; the run records it
    (``CohortResult.seed_secret``).
    """

    parallel = True  # grading waits on sandboxes: students are graded in threads

    def __init__(
        self,
        sandbox: Sandbox,
        cache_dir: Path | None = None,
        models: Callable[[str], Path] | None = None,
        seed_secret: str | None = None,
        keep_secret: bool = False,
    ) -> None:
        self.sandbox = sandbox
        self.cache_dir = cache_dir or default_cache_dir()
        self.seed_secret = (
            seed_secret
            or os.environ.get(SEED_SECRET_ENV)
            or (self_check_secret(self.cache_dir) if keep_secret else secrets.token_hex(16))
        )
        # every job's global generators start here (random's, and numpy's and torch's when
        # preloaded): a submission's unseeded draws are the same in every run with the secret
        self.job_seed = trial_seeds(self.seed_secret, "the jobs' generators", 1)[0]
        # a preload set's zygotes are lent to the threads job by job; at most one per CPU of a
        # set that is costly to start (torch's): the run's extra thread borrows a free one
        self.students = WarmPool(sandbox, at_most=os.cpu_count() or 1)
        # Hidden tests run in zygotes of their own, never in one whose jobs' output reaches a
        # student's feedback. A warm zygote's jobs share its sandbox's namespaces, and a job
        # can leave marks there that no cleanup undoes (the pid and SysV id counters, TCP
        # TIME_WAIT entries): a public job after a hidden one could read the hidden inputs
        # back and quote them. Of a hidden job, only pass or fail per test comes out.
        self.hidden = WarmPool(sandbox, at_most=os.cpu_count() or 1)
        # the reference never runs where a student's code runs; its jobs are a few per run,
        # so the threads share its workers instead of starting a zygote each
        self.references = WarmPool(sandbox, shared=True)
        self.reference_cache = ReferenceCache(self.cache_dir)
        self._model = ModelFolders(self.cache_dir, models)
        self._properties: dict[Path, Future[dict[str, Any]]] = {}
        self._plans: dict[Statistical, Future[SequentialPlan]] = {}
        # Per run, by question object (kept alive in the value): what every student of it shares.
        self._expected: dict[int, tuple[CodeQuestion, RunReport]] = {}
        self._calls: dict[tuple[int, str, bool], tuple[CodeQuestion, dict[str, Any]]] = {}
        self._loader: ThreadPoolExecutor | None = None
        self._starter: ThreadPoolExecutor | None = None  # starts the families with models (see warm_up)
        self._guard = threading.Lock()
        self._families = Families()  # the run's questions, told by prewarm
        self._warmed: set[tuple[int, int]] = set()  # id() of each (pool, family) whose first zygote was started ahead
        self._expecting: set[int] = set()  # id() of each question whose reference was asked for ahead

    def record(self) -> RunRecord:
        return RunRecord(sandbox=self.sandbox.name, seed_secret=self.seed_secret)

    def close(self) -> None:
        for ahead in (self._starter, self._loader):  # first: a warm-up must not start a zygote after
            if ahead is not None:
                ahead.shutdown(cancel_futures=True)
        self.students.close()
        self.hidden.close()
        self.references.close()

    def prewarm(self, questions: Sequence[CodeQuestion]) -> None:
        """Group the run's questions into zygote families (:mod:`~harness.kinds.code_engine.families`)
        and start, in the background, what the first student will wait for: a zygote for the
        first families (a sandbox, an interpreter, numpy: most of a lone student's grade), the
        instructor's property checks and the statistical tests' plans. Families that mount
        course models are left to :meth:`warm_up`, for a student who answered one of their
        questions (finding a model may build it)."""
        for question in questions:
            if question.properties and any(t.property for t in question.tests):
                self._properties_of(question)
            for test in question.tests:
                if test.statistical is not None:
                    self._plan_of(test.statistical)
        if self._plans:  # judging the draws needs scipy.stats: imported while the first jobs run
            with self._guard:
                self._loading().submit(_import_scipy_stats)
        self._families = Families(questions)
        started = 0
        for family in self._families:
            if not family.model_names and family.limits is not None and started < PREWARM_LIMIT:
                started += 1
                self._warmed.add((id(self.students), id(family)))
                self.students.prewarm(family.preload, (), family.limits)

    def warm_up(self, questions: Sequence[CodeQuestion], public_only: bool = False) -> None:
        """Start, in the background, a zygote for each family of a student's ``questions`` that
        none was started for yet (and one for their hidden tests, unless ``public_only``),
        before the first of their jobs runs: a run's first student
        then has their families start side by side, while their first jobs run, instead of
        one after another as each job comes to need one (a lone self-check of the course's
        bank waited for torch's zygote, then for transformers'). Only the families of the
        questions a student answered: finding a family's models may build them, which a
        student who checks only the autoencoder must not wait for. Such a family is found and
        started in a thread of its own (the loader's may be importing scipy.stats)."""
        self._expect_ahead(questions)
        for question in questions:
            family = self._families.of(question)
            hidden = not public_only and any(t.visibility == "hidden" for t in question.tests)
            for pool in (self.students, self.hidden) if hidden else (self.students,):
                with self._guard:
                    if family is None or family.limits is None or (id(pool), id(family)) in self._warmed:
                        continue
                    self._warmed.add((id(pool), id(family)))
                    if family.model_names:
                        if self._starter is None:  # not the loader, which may be importing scipy.stats
                            self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-up")
                        self._starter.submit(self._start_family, family, pool)
                        continue
                self._start_family(family, pool)

    def _expect_ahead(self, questions: Sequence[CodeQuestion]) -> None:
        """Run the references of a student's ``questions`` that no student asked for yet, in
        the background, a thread per zygote family (the references' pool has one zygote per
        family, for all threads). A reference ran when a student's job came back and was
        judged: every thread of a run then waited on the references' zygotes (torch's and
        transformers') before judging its first student; now they start with the students'.
        Each reference runs once per run either way (:class:`ReferenceCache`); one that fails
        here is tried again, and its failure reported, where a student's grade asks for it."""
        by_family: dict[int, list[CodeQuestion]] = {}
        with self._guard:
            for question in questions:
                if id(question) not in self._expecting:
                    self._expecting.add(id(question))
                    family = self._families.of(question)
                    by_family.setdefault(id(family) if family is not None else id(question), []).append(question)
        for members in by_family.values():
            threading.Thread(target=self._expect_each, args=(members,), name="reference", daemon=True).start()

    def _expect_each(self, questions: list[CodeQuestion]) -> None:
        for question in questions:
            try:
                self.expected(question)
            except Exception:  # reported where a grade asks for it (see _expect_ahead)
                continue

    def _start_family(self, family: Family, pool: WarmPool) -> None:
        assert family.limits is not None  # checked by warm_up
        pool.prewarm(family.preload, family.models(self._model), family.limits)

    def _plan_of(self, statistical: Statistical) -> Future[SequentialPlan]:
        """A statistical test's plan, found once per run in the loader's thread (started by
        :meth:`prewarm`, while the first zygote starts): read from the cache, or computed,
        which needs scipy.stats, most of a second to import."""
        with self._guard:
            found = self._plans.get(statistical)
            if found is None:
                found = self._plans[statistical] = self._loading().submit(statistical.plan, self.cache_dir)
            return found

    def _plan(self, statistical: Statistical) -> SequentialPlan:
        return self._plan_of(statistical).result()

    def _loading(self) -> ThreadPoolExecutor:
        """The run's one thread for work started ahead (lock held)."""
        if self._loader is None:
            self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loader")
        return self._loader

    def properties(self, question: CodeQuestion) -> dict[str, Any]:
        """The instructor's property checks of ``question``, imported once per run (and file)."""
        return self._properties_of(question).result()

    def _properties_of(self, question: CodeQuestion) -> Future[dict[str, Any]]:
        path = question.path(question.properties or "")
        with self._guard:
            if path not in self._properties:
                self._properties[path] = self._loading().submit(load_properties, question)
            return self._properties[path]

    def __enter__(self) -> CodeRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- running -----------------------------------------------------------------------

    def run(
        self, question: CodeQuestion, source: str, tests: list[CodeTest], pool: WarmPool, reference: bool = False
    ) -> RunReport:
        """Run ``tests`` against ``source`` in a warm worker of ``pool``; statistical tests draw
        with all their seeds for the ``reference``, else with their first look's."""
        return self._execute(pool, [question], source, [self._call(question, t, reference) for t in tests])

    def _execute(
        self, pool: WarmPool, questions: list[CodeQuestion], source: str, calls: list[dict[str, Any]]
    ) -> RunReport:
        """One sandbox job: ``calls`` against ``source``, the file of ``questions`` (which share
        preloads and limits); the job may read every model of every question."""
        first = questions[0]
        module = Path(first.file).with_suffix(".py").name
        family = self._families.of(first)
        if family is not None:
            preload, models = family.preload, family.models(self._model)
        else:
            preload = tuple(first.preload)
            models = tuple(sorted({path for question in questions for path in self._model_paths(question)}))
        worker = pool.jobs_for(preload, models, first.limits)
        request = {"module": module, "calls": calls, "import_time_limit": 20, "seed": self.job_seed}
        result = worker.run({module: source}, request, self._job_limits(questions, calls))
        return parse_channel(result, calls)

    @staticmethod
    def _job_limits(questions: list[CodeQuestion], calls: list[dict[str, Any]]) -> SandboxLimits:
        first = questions[0]
        return first.limits.model_copy(
            update={
                # time limits are CPU seconds; a loaded machine needs more wall-clock time for them
                "wall_seconds": min(
                    max(
                        max(q.limits.wall_seconds for q in questions),
                        JOB_WALL_FACTOR * sum(c["time_limit"] for c in calls) + 10,
                    ),
                    MAX_JOB_WALL_SECONDS,
                ),
                "channel_bytes": min(first.limits.channel_bytes * len(questions), 256_000_000),
            }
        )

    def run_student(self, question: CodeQuestion, source: str, tests: list[CodeTest]) -> StudentRun:
        """Run and judge ``tests``: the public ones (their job, then their statistical rounds),
        then the hidden ones, each in a job of their own in the hidden tests' pool.

        The public job runs even with no public test: its import errors are the feedback."""
        public_tests = [t for t in tests if t.visibility == "public"]
        hidden_tests = [t for t in tests if t.visibility == "hidden"]
        public = self._execute(self.students, [question], source, [self._call(question, t) for t in public_tests])
        verdicts = self._judged(question, source, public_tests, public)
        if not hidden_tests:
            return StudentRun(public, None, verdicts)
        hidden = self._execute(self.hidden, [question], source, [self._call(question, t) for t in hidden_tests])
        return StudentRun(public, hidden, {**verdicts, **self._judged(question, source, hidden_tests, hidden)})

    def run_together(
        self, jobs: list[tuple[CodeQuestion, StudentCode]], public_only: bool = False
    ) -> dict[str, StudentRun]:
        """Run and judge one student's questions: those that share a file, preloads and limits
        in one sandbox job per group (one fork, one import) for their public tests and one for
        their hidden tests. Every public job and statistical round of the student comes first,
        then the hidden ones (see the module's docstring).

        A group whose job stopped early (a crash, a timeout, a protocol violation) is run again
        one job per question, so that the report says which one misbehaved and the others keep
        their points; its hidden tests then run one job per question too. Returns ``{question
        id: its run}``; a question whose reference fails is left out (its grade says why), and
        one whose judging failed carries the error (graded alone afterwards, it would run a
        public job after the hidden ones).
        """
        self.warm_up([question for question, _ in jobs], public_only)
        usable = [(question, code) for question, code in jobs if self._reference_runs(question)]
        groups = shared_file_groups(usable)
        public: dict[str, RunReport] = {}
        batched: list[bool] = []  # per group: its public job ran clean together
        for group in groups:
            reports = self._run_group(group, "public", together=True)
            batched.append(reports is not None)
            public.update(reports or self._run_group(group, "public", together=False) or {})
        judged = {q.id: self._judged_or_failure(q, code.source, "public", public[q.id]) for q, code in usable}
        hidden: dict[str, RunReport] = {}
        if not public_only:
            for group, together in zip(groups, batched, strict=True):
                reports = self._run_group(group, "hidden", together) if together else None
                hidden.update(reports or self._run_group(group, "hidden", together=False) or {})
            for question, code in usable:
                verdicts = judged[question.id]
                if question.id in hidden and not isinstance(verdicts, Exception):
                    more = self._judged_or_failure(question, code.source, "hidden", hidden[question.id])
                    judged[question.id] = more if isinstance(more, Exception) else {**verdicts, **more}
        runs = {}
        for question, _ in usable:
            verdicts = judged[question.id]
            failure = verdicts if isinstance(verdicts, Exception) else None
            kept = {} if isinstance(verdicts, Exception) else verdicts
            runs[question.id] = StudentRun(public[question.id], hidden.get(question.id), kept, failure)
        return runs

    def _reference_runs(self, question: CodeQuestion) -> bool:
        try:
            expected = self.expected(question)
        except Exception:  # reported where the question is graded alone
            return False
        return expected.import_error is None and expected.problem is None

    def _run_group(
        self, group: list[tuple[CodeQuestion, StudentCode]], visibility: str, together: bool
    ) -> dict[str, RunReport] | None:
        """The ``visibility`` tests of ``group`` (one student's questions on one file): in one
        job (``together``; None when it stopped early, for a group of more than one question),
        else one job per question. Questions with no such test get no report, except for the
        public job, which runs anyway (its import errors are the feedback)."""
        questions = [question for question, _ in group]
        source = group[0][1].source
        pool = self.students if visibility == "public" else self.hidden
        tests = {q.id: [t for t in q.tests if t.visibility == visibility] for q in questions}
        wanted = [q for q in questions if visibility == "public" or tests[q.id]]
        if not wanted:
            return {}
        if not together or len(questions) == 1:  # one question: its job is its own either way
            return {q.id: self._execute(pool, [q], source, [self._call(q, t) for t in tests[q.id]]) for q in wanted}
        calls = [
            dict(self._call(question, test), id=group_test_id(n, test.id))
            for n, question in enumerate(questions)
            for test in tests[question.id]
        ]
        report = self._execute(pool, questions, source, calls)
        if report.problem is not None:
            return None
        return {q.id: question_part(report, n) for n, q in enumerate(questions) if q in wanted}

    def _judged_or_failure(
        self, question: CodeQuestion, source: str, visibility: str, report: RunReport
    ) -> dict[str, Verdict] | Exception:
        """:meth:`_judged` on the ``visibility`` tests of ``question``, or why it failed."""
        try:
            return self._judged(question, source, [t for t in question.tests if t.visibility == visibility], report)
        except Exception as exc:  # a grader bug: this question's grade reports it, the others go on
            return exc

    def _judged(
        self, question: CodeQuestion, source: str, tests: list[CodeTest], report: RunReport
    ) -> dict[str, Verdict]:
        """``tests`` judged on ``report`` (the job that ran them) against the reference, and
        the statistical ones drawn until decided."""
        expected = self.expected(question)
        properties = self.properties(question) if any(t.property for t in tests) else {}
        first: list[Verdict | Pending] = [
            judge(t, expected.events.get(t.id), report, properties, self._seeds(question, t)) for t in tests
        ]
        decided = self._draw_until_decided(question, source, tests, first)
        return {t.id: v for t, v in zip(tests, decided, strict=True)}

    def expected(self, question: CodeQuestion) -> RunReport:
        """The reference's report on every test of ``question``, from the cache when possible;
        the reference file is read (and the report looked up) once per run."""
        known = self._expected.get(id(question))
        if known is not None:
            return known[1]
        source = question.program(question.reference)  # as validation reads it: a coding line, a notebook
        calls = [self._call(question, t, reference=True) for t in question.tests]
        key = cache_key(source, question.file, question.preload, calls)
        report = self.reference_cache.get(
            key, lambda: self.run(question, source, question.tests, self.references, reference=True)
        )
        self._expected[id(question)] = (question, report)
        return report

    def _call(self, question: CodeQuestion, test: CodeTest, reference: bool = False) -> dict[str, Any]:
        """The sandbox's call of ``test``; a statistical test's draws are all of them for the
        ``reference``, else the student's first round (the first look's draws). Built once per
        run: every student's job sends the same call (callers copy it to change it)."""
        key = (id(question), test.id, reference)
        known = self._calls.get(key)
        if known is None:
            known = self._calls[key] = (question, self._build_call(question, test, reference))
        return known[1]

    def _build_call(self, question: CodeQuestion, test: CodeTest, reference: bool) -> dict[str, Any]:
        models = {name: self._model(name) for name in question.models}
        call: dict[str, Any] = {
            "id": test.id,
            "function": test.call,
            "args": values.build_argument(test.args, models),
            "kwargs": {k: values.build_argument(v, models) for k, v in test.kwargs.items()},
            "time_limit": test.time_limit,
        }
        if test.statistical:
            seeds = self._seeds(question, test) or []
            draws = len(seeds) if reference else self._plan(test.statistical).looks[0].draws
            call.update(self._round(test, seeds, 0, draws))
        return call

    @staticmethod
    def _round(test: CodeTest, seeds: list[int], start: int, stop: int) -> dict[str, Any]:
        """A statistical call's draws ``[start, stop)``, with their share of the test's time
        limit (which is for its ``trials`` draws)."""
        assert test.statistical is not None
        share = test.time_limit * (stop - start) / test.statistical.trials
        return {"seed_kwarg": test.statistical.seed_kwarg, "seeds": seeds[start:stop], "time_limit": share}

    def _seeds(self, question: CodeQuestion, test: CodeTest) -> list[int] | None:
        if test.statistical is None:
            return None
        return trial_seeds(self.seed_secret, f"{question.id}/{test.id}", self._plan(test.statistical).max_draws)

    def _model_paths(self, question: CodeQuestion) -> tuple[Path, ...]:
        return tuple(self._model(name) for name in question.models)

    # --- judging -----------------------------------------------------------------------

    def _draw_until_decided(
        self, question: CodeQuestion, source: str, tests: list[CodeTest], verdicts: list[Verdict | Pending]
    ) -> list[Verdict]:
        """Rounds of draws for the statistical tests still pending, until each is decided: a
        job per round, asking only for the next look's draws; every public round before any
        hidden one (whose messages must not reach the public feedback)."""
        for visibility in ("public", "hidden"):
            while rounds := [
                (n, t, v)
                for n, (t, v) in enumerate(zip(tests, verdicts, strict=True))
                if t.visibility == visibility and isinstance(v, Pending)
            ]:
                verdicts = self._next_round(question, source, verdicts, rounds)
        return [v for v in verdicts if isinstance(v, Verdict)]

    def _next_round(
        self,
        question: CodeQuestion,
        source: str,
        verdicts: list[Verdict | Pending],
        rounds: list[tuple[int, CodeTest, Pending]],
    ) -> list[Verdict | Pending]:
        """One job drawing the next look's draws of each pending test of ``rounds``."""
        calls, seeds = [], {}
        for _, test, pending in rounds:
            assert test.statistical is not None
            everything = self._seeds(question, test) or []
            start, stop = len(pending.drawn.items), self._plan(test.statistical).looks[pending.look + 1].draws
            seeds[test.id] = everything[start:stop]
            calls.append(dict(self._call(question, test), **self._round(test, everything, start, stop)))
        pool = self.hidden if rounds[0][1].visibility == "hidden" else self.students  # one visibility a round
        report = self._execute(pool, [question], source, calls)
        after = list(verdicts)
        for n, test, pending in rounds:
            after[n] = extend(test, pending, report, seeds[test.id])
        return after

    def grade(
        self, question: CodeQuestion, code: StudentCode, public_only: bool = False, run: StudentRun | None = None
    ) -> Outcome:
        """Run the student's code and judge every test against the reference. ``run`` is
        the student's run when it was made already (by :meth:`run_together`)."""
        tests = [t for t in question.tests if t.visibility == "public" or not public_only]
        expected = self.expected(question)
        if expected.import_error or expected.problem:
            raise RuntimeError(f"the reference solution failed: {expected.problem or expected.import_error}")
        if run is not None and run.failure is not None:
            raise run.failure
        if run is None or any(t.id not in run.verdicts for t in tests):
            run = self.run_student(question, code.source, tests)
        verdicts = [run.verdicts[t.id] for t in tests]
        earned = sum(t.points for t, v in zip(tests, verdicts, strict=True) if v.passed)
        total = sum(t.points for t in tests)
        feedback = [
            *code.notes,
            *report_feedback(run.public),  # never the hidden job's: its messages may quote hidden inputs
            *feedback_lines(question, tests, verdicts),
        ]
        evidence = CodeEvidence(
            sandbox=self.sandbox.name, tests=[evidence_record(t, v) for t, v in zip(tests, verdicts, strict=True)]
        )
        return Outcome(earned / total if total else 0.0, feedback, evidence)
