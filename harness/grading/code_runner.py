"""Running code questions: the student's run, the reference's (cached), and the verdict.

The verdict is computed here, outside every sandbox, from two plain-JSON reports: what the
student's functions returned and what the reference returned for the same calls. The
reference runs in workers of its own (never in a student's), and its results are cached on
disk by a hash of everything that could change them.

A student's public and hidden tests run in separate sandbox jobs, public first: the code can
read every call of its own job (arguments included) and put it in an exception message, and
only the public job's messages reach the feedback. Of the hidden job, a student learns
pass or fail per test, nothing else.

Statistical tests draw with seeds derived from the run's secret (:func:`trial_seeds`): a
student cannot know them before the run, and the same secret reproduces the same run.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import secrets
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import __version__
from harness.evidence import CodeEvidence, CodeTestVerdict
from harness.grading import values
from harness.grading.channel import RunReport, parse_channel
from harness.grading.sample_tests import compare_samples, trial_seeds
from harness.kinds.base import Outcome
from harness.kinds.code import CodeQuestion, CodeTest, StudentCode
from harness.sandbox.base import Sandbox
from harness.sandbox.pool import STUB, WarmPool

SEED_SECRET_ENV = "HARNESS_SEED_SECRET"
STUB_DIGEST = hashlib.sha256(STUB[1].read_bytes()).hexdigest()[:16]


def default_cache_dir() -> Path:
    return Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")


@dataclass(frozen=True)
class StudentRun:
    """A student's code run on one question: the public tests' job, whose messages reach the
    feedback, and the hidden tests' job (None when there are none), of which only pass or
    fail per test does."""

    public: RunReport
    hidden: RunReport | None = None

    def report_for(self, test: CodeTest) -> RunReport:
        if test.visibility == "public":
            return self.public
        return self.hidden if self.hidden is not None else RunReport(problem="the hidden tests did not run")


class CodeRunner:
    """Grades code questions with one sandbox backend; create one per grading run.

    ``seed_secret`` is where the seeds of statistical tests come from: by default
    ``$HARNESS_SEED_SECRET``, else a fresh random one. The same secret (and the same inputs)
    gives byte-identical results; the run records it (``CohortResult.seed_secret``).
    """

    def __init__(
        self,
        sandbox: Sandbox,
        cache_dir: Path | None = None,
        models: Callable[[str], Path] | None = None,
        seed_secret: str | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.seed_secret = seed_secret or os.environ.get(SEED_SECRET_ENV) or secrets.token_hex(16)
        self.students = WarmPool(sandbox)
        self.references = WarmPool(sandbox)  # the reference never runs where a student's code runs
        self.cache_dir = cache_dir or default_cache_dir()
        self._models = models
        self._expected: dict[str, RunReport] = {}
        self._expected_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._model_folders: dict[str, Path] = {}

    def close(self) -> None:
        self.students.close()
        self.references.close()

    def __enter__(self) -> CodeRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- running -----------------------------------------------------------------------

    def run(self, question: CodeQuestion, source: str, tests: list[CodeTest], pool: WarmPool) -> RunReport:
        """Run ``tests`` against ``source`` in a warm worker of ``pool``."""
        return self._execute(pool, [question], source, [self._call(question, t) for t in tests])

    def _execute(
        self, pool: WarmPool, questions: list[CodeQuestion], source: str, calls: list[dict[str, Any]]
    ) -> RunReport:
        """One sandbox job: ``calls`` against ``source``, the file of ``questions`` (which share
        preloads and limits); the job may read every model of every question."""
        first = questions[0]
        module = Path(first.file).with_suffix(".py").name
        limits = first.limits.model_copy(
            update={
                "wall_seconds": max(
                    max(q.limits.wall_seconds for q in questions), sum(c["time_limit"] for c in calls) + 10
                ),
                "channel_bytes": min(first.limits.channel_bytes * len(questions), 256_000_000),
            }
        )
        models = tuple(sorted({path for question in questions for path in self._model_paths(question)}))
        worker = pool.worker(tuple(first.preload), models, first.limits)
        request = {"module": module, "calls": calls, "import_time_limit": 20}
        return parse_channel(worker.run({module: source}, request, limits), calls)

    def run_student(self, question: CodeQuestion, source: str, tests: list[CodeTest]) -> StudentRun:
        """The public tests of ``tests`` in one job, then the hidden ones in another.

        The public job runs even with no public test: its import errors are the feedback."""
        public = self.run(question, source, [t for t in tests if t.visibility == "public"], self.students)
        hidden = [t for t in tests if t.visibility == "hidden"]
        return StudentRun(public, self.run(question, source, hidden, self.students) if hidden else None)

    def run_together(
        self, jobs: list[tuple[CodeQuestion, StudentCode]], public_only: bool = False
    ) -> dict[str, StudentRun]:
        """One student's questions that share a file, preloads and limits, run in one sandbox
        job each group (one fork, one import; a second job for the hidden tests) instead of
        jobs per question.

        Returns ``{question id: its run}`` for the groups that ran cleanly. A group whose job
        stopped early (a crash, a timeout, a protocol violation) returns nothing, so that each
        of its questions is run again on its own and its report says which one misbehaved.
        """
        groups: dict[tuple[Any, ...], list[tuple[CodeQuestion, StudentCode]]] = {}
        for question, code in jobs:
            key = (
                question.file,
                code.source,
                tuple(question.preload),
                question.limits.model_copy(update={"wall_seconds": 0}),
            )  # not the models: the job reads every model of its group (all public, read-only)
            groups.setdefault(key, []).append((question, code))
        reports: dict[str, StudentRun] = {}
        for group in groups.values():
            if len(group) > 1:
                reports.update(self._run_group(group, public_only))
        return reports

    def _run_group(self, group: list[tuple[CodeQuestion, StudentCode]], public_only: bool) -> dict[str, StudentRun]:
        questions = [question for question, _ in group]

        def calls(visibility: str) -> list[dict[str, Any]]:
            return [
                dict(self._call(question, test), id=f"{n}:{test.id}")
                for n, question in enumerate(questions)
                for test in question.tests
                if test.visibility == visibility
            ]

        source = group[0][1].source
        public = self._execute(self.students, questions, source, calls("public"))
        if public.problem is not None:
            return {}
        hidden_calls = [] if public_only else calls("hidden")
        hidden = self._execute(self.students, questions, source, hidden_calls) if hidden_calls else None
        if hidden is not None and hidden.problem is not None:
            return {}
        return {
            question.id: StudentRun(_part(public, n), _part(hidden, n) if hidden is not None else None)
            for n, question in enumerate(questions)
        }

    def expected(self, question: CodeQuestion) -> RunReport:
        """The reference's report on every test of ``question``, from the cache when possible."""
        source = question.path(question.reference).read_text(encoding="utf-8")
        key = self._cache_key(question, source)
        with self._locks_guard:
            lock = self._expected_locks.setdefault(key, threading.Lock())
        with lock:  # students graded in parallel wait for one reference run, not one each
            if key in self._expected:
                return self._expected[key]
            path = self.cache_dir / "expected" / f"{key}.json"
            report = _load_report(path)
            if report is None:
                report = self.run(question, source, question.tests, self.references)
                if report.problem is None and report.import_error is None:
                    _save_report(path, report)
            self._expected[key] = report
            return report

    def _call(self, question: CodeQuestion, test: CodeTest) -> dict[str, Any]:
        models = {name: self._model(name) for name in question.models}
        call: dict[str, Any] = {
            "id": test.id,
            "function": test.call,
            "args": values.build_argument(test.args, models),
            "kwargs": {k: values.build_argument(v, models) for k, v in test.kwargs.items()},
            "time_limit": test.time_limit,
        }
        if test.statistical:
            call.update(seed_kwarg=test.statistical.seed_kwarg, seeds=self._seeds(question, test))
        return call

    def _seeds(self, question: CodeQuestion, test: CodeTest) -> list[int] | None:
        if test.statistical is None:
            return None
        return trial_seeds(self.seed_secret, f"{question.id}/{test.id}", test.statistical.trials)

    def _model(self, name: str) -> Path:
        """A model's folder, found (or built) once per run: finding it hashes its recipe."""
        with self._locks_guard:
            if name in self._model_folders:
                return self._model_folders[name]
        if self._models is None:
            from harness.course_models.tiny import build

            path: Path = build(name, self.cache_dir)
        else:
            path = self._models(name)
        with self._locks_guard:
            return self._model_folders.setdefault(name, path)

    def _model_paths(self, question: CodeQuestion) -> tuple[Path, ...]:
        return tuple(self._model(name) for name in question.models)

    def _cache_key(self, question: CodeQuestion, source: str) -> str:
        payload = {
            "harness": __version__,
            "stub": STUB_DIGEST,
            "python": sys.version,
            "reference": source,
            "file": question.file,
            "preload": question.preload,
            "calls": [self._call(question, t) for t in question.tests],
            "libraries": _library_versions(tuple(question.preload)),
        }
        canonical = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    # --- judging -----------------------------------------------------------------------

    def grade(
        self, question: CodeQuestion, code: StudentCode, public_only: bool = False, run: StudentRun | None = None
    ) -> Outcome:
        """Run the student's code and judge every test against the reference. ``run`` is
        the student's run when it was made already (by :meth:`run_together`)."""
        tests = [t for t in question.tests if t.visibility == "public" or not public_only]
        expected = self.expected(question)
        if expected.import_error or expected.problem:
            raise RuntimeError(f"the reference solution failed: {expected.problem or expected.import_error}")
        if run is None:
            run = self.run_student(question, code.source, tests)
        properties = _load_properties(question) if any(t.property for t in tests) else {}
        verdicts = [
            judge(t, expected.events.get(t.id), run.report_for(t), properties, self._seeds(question, t)) for t in tests
        ]
        earned = sum(t.points for t, v in zip(tests, verdicts, strict=True) if v.passed)
        total = sum(t.points for t in tests)
        feedback = [
            *code.notes,
            *_report_feedback(run.public),  # never the hidden job's: its messages may quote hidden inputs
            *(_test_line(t, v) for t, v in zip(tests, verdicts, strict=True)),
        ]
        evidence = CodeEvidence(
            sandbox=self.sandbox.name, tests=[_test_evidence(t, v) for t, v in zip(tests, verdicts, strict=True)]
        )
        return Outcome(earned / total if total else 0.0, feedback, evidence)


def _test_evidence(test: CodeTest, verdict: Verdict) -> CodeTestVerdict:
    """What the result records of one test. Students get their record back, so a hidden test
    records no p-value: the code's draws steer it, and it could carry the test's inputs out
    (its category of failure is a few bits, as its pass or fail is one)."""
    p_value = verdict.p_value if test.visibility == "public" else None
    return CodeTestVerdict(
        id=test.id,
        passed=verdict.passed,
        points=test.points,
        visibility=test.visibility,
        verdict=verdict.category,
        p_value=p_value,
    )


@dataclass(frozen=True)
class Verdict:
    passed: bool
    category: str  # passed | wrong | error | timeout | missing | raises | statistical | property
    detail: str = ""  # for public tests: what was expected and what came back
    p_value: float | None = None


def judge(
    test: CodeTest,
    expected: dict[str, Any] | None,
    report: RunReport,
    properties: dict[str, Any],
    seeds: list[int] | None = None,
) -> Verdict:
    """The verdict on one test, from the student's event and the reference's; ``seeds`` are
    those a statistical test's draws must have been made with."""
    event = report.events.get(test.id)
    if event is None:
        why = report.problem or ("the module could not be imported" if report.import_error else "no result came back")
        return Verdict(False, "missing", why)
    if not event.get("ok"):
        return _judge_error(test, event)
    if test.raises:
        return Verdict(False, "raises", f"expected {test.raises} to be raised, but it returned a value")
    try:
        actual = _decode(test, event.get("value"), seeds)
    except values.ProtocolError as exc:
        return Verdict(False, "error", f"the returned value could not be read: {exc}")
    if not expected or not expected.get("ok"):
        raise RuntimeError(f"the reference solution gave no value for test {test.id!r}")
    reference = _decode(test, expected["value"], seeds)
    if test.statistical:
        return _judge_samples(test, reference, actual)
    if test.property:
        return _judge_property(test, actual, properties)
    tol = values.Tolerance(test.compare.rtol, test.compare.atol, test.compare.dtype)
    reason = values.compare(reference, actual, tol)
    if reason:
        return Verdict(False, "wrong", f"{reason}; expected {values.short(reference)}")
    return Verdict(True, "passed")


def _decode(test: CodeTest, value: Any, seeds: list[int] | None) -> Any:
    if test.statistical is None:
        return values.decode(value)
    if seeds is None:
        raise RuntimeError(f"no seeds for the statistical test {test.id!r}")
    return values.decode_samples(value, seeds)


def _judge_error(test: CodeTest, event: dict[str, Any]) -> Verdict:
    raw = event.get("error")
    error: dict[str, Any] = raw if isinstance(raw, dict) else {}
    kind, message = str(error.get("type", "Error"))[:80], str(error.get("message", ""))[:300]
    if event.get("timed_out"):
        return Verdict(False, "timeout", f"timed out after {test.time_limit:g} s")
    if test.raises and kind == test.raises:
        return Verdict(True, "passed")
    lines = [str(line)[:160] for line in error.get("traceback", [])[:5] if isinstance(line, str)]
    where = f" ({'; '.join(lines)})" if lines else ""
    if test.raises:
        return Verdict(False, "raises", f"expected {test.raises}, but it raised {kind}: {message}{where}")
    return Verdict(False, "error", f"raised {kind}: {message}{where}")


def _judge_samples(test: CodeTest, reference: values.Samples, actual: values.Samples) -> Verdict:
    assert test.statistical is not None
    if len(actual.items) != test.statistical.trials:  # decode_samples checked it already; cheap
        return Verdict(False, "statistical", f"expected {test.statistical.trials} draws, got {len(actual.items)}")
    try:
        result = compare_samples(list(map(values.plain, reference.items)), list(map(values.plain, actual.items)))
    except ValueError as exc:
        return Verdict(False, "statistical", str(exc))
    passed = result.p_value >= test.statistical.alpha
    detail = (
        f"{result.method} test over {test.statistical.trials} draws: p = {result.p_value:.3g} "
        f"({'≥' if passed else '<'} alpha {test.statistical.alpha:g})"
    )
    return Verdict(passed, "passed" if passed else "statistical", detail, round(result.p_value, 6))


def _judge_property(test: CodeTest, actual: Any, properties: dict[str, Any]) -> Verdict:
    check = properties.get(str(test.property))
    if not callable(check):
        raise RuntimeError(f"no function {test.property!r} in the properties file")
    args = [_argument_value(a) for a in test.args]
    kwargs = {k: _argument_value(v) for k, v in test.kwargs.items()}
    try:
        verdict = check(values.plain(actual), args, kwargs)
    except Exception as exc:  # the check choked on what came back: the value is not what it asks for
        return Verdict(
            False, "property", f"the check {test.property} failed on the returned value ({type(exc).__name__})"
        )
    if verdict is True:
        return Verdict(True, "passed")
    return Verdict(False, "property", verdict if isinstance(verdict, str) else f"the check {test.property} failed")


def _argument_value(spec: Any) -> Any:
    """What the student's function received for ``spec`` (numpy arrays for arrays/tensors)."""
    try:
        return values.plain(values.decode(values.build_argument(spec, {})))
    except ValueError:  # a model path and the like: the spec itself says what it was
        return spec


def _test_line(test: CodeTest, verdict: Verdict) -> str:
    if test.visibility == "hidden":
        return f"{'✓' if verdict.passed else '✗'} hidden test {test.id}: {'passed' if verdict.passed else 'failed'}"
    call = f"{test.call}({_arguments(test)})"
    if verdict.passed:
        extra = f" — {verdict.detail}" if verdict.detail else ""
        return f"✓ {test.id}: {call}{extra}"
    return f"✗ {test.id}: {call} — {verdict.detail}"


def _arguments(test: CodeTest) -> str:
    parts = [_spec(a) for a in test.args] + [f"{k}={_spec(v)}" for k, v in test.kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) <= 100 else text[:99] + "…"


def _spec(value: Any) -> str:
    if isinstance(value, dict) and ("array" in value or "tensor" in value):
        kind = "array" if "array" in value else "tensor"
        return f"{kind}({json.dumps(value[kind])})"
    if isinstance(value, dict) and "random" in value:
        return f"<{value['random']} {value.get('shape', [])}>"
    if isinstance(value, dict) and "model" in value:
        return f"<model {value['model']}>"
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def _report_feedback(report: RunReport) -> list[str]:
    if report.import_error:
        error = report.import_error
        lines = "; ".join(str(x) for x in error.get("traceback", [])[:3])
        message = str(error.get("message", ""))[:200]
        return [f"Your file could not be imported: {error.get('type')}: {message} {lines}".strip()]
    if report.problem:
        return [f"Your program stopped early: {report.problem}."]
    return []


def _part(report: RunReport, index: int) -> RunReport:
    """The events of question ``index`` in a group's report, under their own test ids."""
    prefix = f"{index}:"
    events = {
        key.removeprefix(prefix): dict(event, id=key.removeprefix(prefix))
        for key, event in report.events.items()
        if key.startswith(prefix)
    }
    return RunReport(events=events, import_error=report.import_error)


def _load_properties(question: CodeQuestion) -> dict[str, Any]:
    """Import the instructor's property checks (trusted code, run outside the sandbox)."""
    assert question.properties is not None
    path = question.path(question.properties)
    spec = importlib.util.spec_from_file_location(f"harness_properties_{question.id.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


@functools.cache
def _library_versions(modules: tuple[str, ...]) -> dict[str, str]:
    """Installed versions, read once per process (a metadata lookup costs milliseconds)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ["numpy", *modules]:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _load_report(path: Path) -> RunReport | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunReport(events=data["events"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_report(path: Path, report: RunReport) -> None:
    """Write atomically under a name no other writer (process or thread) can share."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"events": report.events}, out, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
