"""Running code questions: the student's run, the reference's (cached), and the verdict.

The verdict is computed here, outside every sandbox, from two plain-JSON reports: what the
student's functions returned and what the reference returned for the same calls. The
reference runs in workers of its own (never in a student's), and its results are cached on
disk by a hash of everything that could change them.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import __version__
from harness.grading import values
from harness.grading.sample_tests import compare_samples
from harness.kinds.base import Outcome
from harness.kinds.code import CodeQuestion, CodeTest, StudentCode
from harness.sandbox.base import RunResult, Sandbox
from harness.sandbox.pool import STUB, WarmPool

MAX_EVENT_BYTES = 8_000_000
STUB_DIGEST = hashlib.sha256(STUB[1].read_bytes()).hexdigest()[:16]


def default_cache_dir() -> Path:
    return Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")


@dataclass
class RunReport:
    """The parsed channel of one run: per-test events, and what went wrong at the top level."""

    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    import_error: dict[str, Any] | None = None
    problem: str | None = None  # protocol violation, crash, timeout: why results are missing


class CodeRunner:
    """Grades code questions with one sandbox backend; create one per grading run."""

    def __init__(
        self, sandbox: Sandbox, cache_dir: Path | None = None, models: Callable[[str], Path] | None = None
    ) -> None:
        self.sandbox = sandbox
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
        return parse_channel(worker.run({module: source}, request, limits), [c["id"] for c in calls])

    def run_together(
        self, jobs: list[tuple[CodeQuestion, StudentCode]], public_only: bool = False
    ) -> dict[str, RunReport]:
        """One student's questions that share a file, preloads and limits, run in one sandbox
        job each group (one fork, one import) instead of one job per question.

        Returns ``{question id: report}`` for the groups that ran cleanly. A group whose job
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
        reports: dict[str, RunReport] = {}
        for group in groups.values():
            if len(group) > 1:
                reports.update(self._run_group(group, public_only))
        return reports

    def _run_group(self, group: list[tuple[CodeQuestion, StudentCode]], public_only: bool) -> dict[str, RunReport]:
        questions = [question for question, _ in group]
        calls = [
            dict(self._call(question, test), id=f"{n}:{test.id}")
            for n, question in enumerate(questions)
            for test in question.tests
            if test.visibility == "public" or not public_only
        ]
        report = self._execute(self.students, questions, group[0][1].source, calls)
        if report.problem is not None:
            return {}
        split = {q.id: RunReport(import_error=report.import_error) for q in questions}
        for key, event in report.events.items():
            index, test_id = key.split(":", 1)
            split[questions[int(index)].id].events[test_id] = dict(event, id=test_id)
        return split

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
            call.update(trials=test.statistical.trials, seed_kwarg=test.statistical.seed_kwarg, seed=0)
        return call

    def _model(self, name: str) -> Path:
        """A model's folder, found (or built) once per run: finding it hashes its recipe."""
        with self._locks_guard:
            if name in self._model_folders:
                return self._model_folders[name]
        if self._models is None:
            from harness.models.tiny import build

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
        self, question: CodeQuestion, code: StudentCode, public_only: bool = False, report: RunReport | None = None
    ) -> Outcome:
        """Run the student's code and judge every test against the reference. ``report`` is
        the student's run when it was made already (by :meth:`run_together`)."""
        tests = [t for t in question.tests if t.visibility == "public" or not public_only]
        expected = self.expected(question)
        if expected.import_error or expected.problem:
            raise RuntimeError(f"the reference solution failed: {expected.problem or expected.import_error}")
        if report is None:
            report = self.run(question, code.source, tests, self.students)
        properties = _load_properties(question) if any(t.property for t in tests) else {}
        verdicts = [judge(t, expected.events.get(t.id), report, properties) for t in tests]
        earned = sum(t.points for t, v in zip(tests, verdicts, strict=True) if v.passed)
        total = sum(t.points for t in tests)
        feedback = [
            *code.notes,
            *_report_feedback(report),
            *(_test_line(t, v) for t, v in zip(tests, verdicts, strict=True)),
        ]
        evidence = {
            "sandbox": self.sandbox.name,
            "tests": [
                {"id": t.id, "passed": v.passed, "points": t.points, "visibility": t.visibility, "why": v.category}
                | ({"p_value": v.p_value} if v.p_value is not None else {})
                for t, v in zip(tests, verdicts, strict=True)
            ],
        }
        return Outcome(earned / total if total else 0.0, feedback, evidence)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    category: str  # passed | wrong | error | timeout | missing | raises | statistical | property
    detail: str = ""  # for public tests: what was expected and what came back
    p_value: float | None = None


def judge(test: CodeTest, expected: dict[str, Any] | None, report: RunReport, properties: dict[str, Any]) -> Verdict:
    """The verdict on one test, from the student's event and the reference's."""
    event = report.events.get(test.id)
    if event is None:
        why = report.problem or ("the module could not be imported" if report.import_error else "no result came back")
        return Verdict(False, "missing", why)
    if not event.get("ok"):
        return _judge_error(test, event)
    if test.raises:
        return Verdict(False, "raises", f"expected {test.raises} to be raised, but it returned a value")
    try:
        actual = values.decode(event.get("value"))
    except values.ProtocolError as exc:
        return Verdict(False, "error", f"the returned value could not be read: {exc}")
    if not expected or not expected.get("ok"):
        raise RuntimeError(f"the reference solution gave no value for test {test.id!r}")
    reference = values.decode(expected["value"])
    if test.statistical:
        return _judge_samples(test, reference, actual)
    if test.property:
        return _judge_property(test, actual, properties)
    tol = values.Tolerance(test.compare.rtol, test.compare.atol, test.compare.dtype)
    reason = values.compare(reference, actual, tol)
    if reason:
        return Verdict(False, "wrong", f"{reason}; expected {values.short(reference)}")
    return Verdict(True, "passed")


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


def _judge_samples(test: CodeTest, reference: Any, actual: Any) -> Verdict:
    assert test.statistical is not None
    if not isinstance(actual, values.Samples) or not isinstance(reference, values.Samples):
        return Verdict(False, "statistical", "expected a list of samples")
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


def parse_channel(result: RunResult, wanted: Iterable[str]) -> RunReport:
    """Validate and index the stub's events. Anything malformed is a protocol violation;
    the first violation is the one reported, and nothing after it is read."""
    wanted_ids = set(wanted)
    report = RunReport(problem="it sent more output than allowed" if result.channel_overflow else None)
    for line in result.channel.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        event = _event(line)
        if isinstance(event, str):
            report.problem = report.problem or event
            break
        kind = event.get("event")
        if kind == "import_error" and isinstance(event.get("error"), dict):
            report.import_error = event["error"]
        elif kind == "result" and event.get("id") in wanted_ids and event["id"] not in report.events:
            report.events[event["id"]] = event
        elif kind == "worker_error":
            report.problem = report.problem or f"the sandbox worker failed ({str(event.get('message'))[:200]})"
    if len(report.events) < len(wanted_ids) and report.problem is None and report.import_error is None:
        report.problem = _why_stopped(result)
    return report


def _event(line: str) -> dict[str, Any] | str:
    """One channel line as an event, or why it is not one."""
    if len(line) > MAX_EVENT_BYTES:
        return "a result was larger than allowed"
    try:
        event = json.loads(line)
    except ValueError:
        return "it wrote something that is not a result on the result channel"
    return event if isinstance(event, dict) else "it wrote a malformed result"


def _why_stopped(result: RunResult) -> str:
    if result.timed_out:
        return f"timed out after {result.wall_seconds:g} s"
    if result.worker_problem:
        return f"killed: its sandbox worker stopped ({result.worker_problem})"
    if result.signal is not None:
        names = {9: "killed (memory or CPU limit?)", 11: "crashed (segmentation fault)", 24: "CPU time limit exceeded"}
        return names.get(result.signal, f"killed by signal {result.signal}")
    if result.exit_code not in (None, 0):
        return f"exited with status {result.exit_code} before all tests ran"
    return "it exited before all tests ran"


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
