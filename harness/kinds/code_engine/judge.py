"""The verdict on one test: the student's event against the reference's, outside every sandbox.

Both events are plain JSON from the channel (:mod:`harness.kinds.code_engine.channel`),
decoded by the wire codec (:mod:`harness.kinds.code_engine.values`); statistical tests
compare draws (:mod:`harness.kinds.code_engine.sample_tests`); property tests call the
instructor's checks (trusted code, imported here, never in the sandbox).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.kinds.code_engine import values
from harness.kinds.code_engine.channel import RunReport
from harness.kinds.code_engine.sample_tests import SampleTest, compare_samples
from harness.kinds.code_engine.sequential import Decision, SequentialPlan

if TYPE_CHECKING:
    from harness.kinds.code import CodeQuestion, CodeTest


@dataclass(frozen=True)
class Verdict:
    passed: bool
    category: str  # passed | wrong | error | timeout | missing | raises | statistical | property
    detail: str = ""  # for public tests: what was expected and what came back
    p_value: float | None = None


@dataclass(frozen=True)
class Pending:
    """A statistical test that a look left undecided: the reference's draws (all of them)
    and the student's so far; the next round of draws decides (:func:`extend`)."""

    reference: values.Samples
    drawn: values.Samples
    look: int  # the look just made, 0-based


def judge(
    test: CodeTest,
    expected: dict[str, Any] | None,
    report: RunReport,
    properties: dict[str, Any],
    seeds: list[int] | None = None,
) -> Verdict | Pending:
    """The verdict on one test, from the student's event and the reference's; ``seeds`` are
    all those of a statistical test (the reference drew with every one, the student's first
    round with the first look's). A statistical test that its first look leaves undecided is
    :class:`Pending`."""
    event = report.events.get(test.id)
    stopped = _unanswered(test, report, event)
    if stopped is not None or event is None:
        return stopped or Verdict(False, "missing", "no result came back")
    if test.raises:
        return Verdict(False, "raises", f"expected {test.raises} to be raised, but it returned a value")
    sent = seeds[: test.statistical.plan().looks[0].draws] if test.statistical and seeds else seeds
    try:
        actual = _decode(test, event.get("value"), sent)
    except values.ProtocolError as exc:
        return Verdict(False, "error", f"the returned value could not be read: {exc}")
    if not expected or not expected.get("ok"):
        raise RuntimeError(f"the reference solution gave no value for test {test.id!r}")
    reference = _decode(test, expected["value"], seeds)
    if test.statistical:
        return look(test, reference, actual, 0)
    if test.property:
        return _judge_property(test, actual, properties)
    tol = values.Tolerance(test.compare.rtol, test.compare.atol, test.compare.dtype)
    reason = values.compare(reference, actual, tol)
    if reason:
        return Verdict(False, "wrong", _with_expected(reason, values.short(reference)))
    return Verdict(True, "passed")


def extend(test: CodeTest, pending: Pending, report: RunReport, seeds: list[int]) -> Verdict | Pending:
    """The next look of a pending statistical test, after a round whose draws were made with
    ``seeds`` (the round's own: one draw per seed, checked as for the first round)."""
    event = report.events.get(test.id)
    stopped = _unanswered(test, report, event)
    if stopped is not None or event is None:
        return stopped or Verdict(False, "missing", "no result came back")
    try:
        more = values.decode_samples(event.get("value"), seeds)
    except values.ProtocolError as exc:
        return Verdict(False, "error", f"the returned value could not be read: {exc}")
    drawn = values.Samples(pending.drawn.seeds + more.seeds, pending.drawn.items + more.items)
    return look(test, pending.reference, drawn, pending.look + 1)


def _unanswered(test: CodeTest, report: RunReport, event: dict[str, Any] | None) -> Verdict | None:
    """The verdict when the call gave no value: no event, or an exception (None otherwise)."""
    if event is None:
        why = report.problem or ("the module could not be imported" if report.import_error else "no result came back")
        return Verdict(False, "missing", why)
    if not event.get("ok"):
        return _judge_error(test, event)
    return None


def _with_expected(reason: str, expected: str) -> str:
    """The comparison's reason, with the whole expected value only when the reason does not
    already end with it ("value: expected 4, got 0.25" needs no "; expected 4")."""
    return reason if f"expected {expected}, got " in reason else f"{reason}; expected {expected}"


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


def look(test: CodeTest, reference: values.Samples, drawn: values.Samples, index: int) -> Verdict | Pending:
    """Look ``index`` of a statistical test: the student's draws so far against as many of
    the reference's (drawn with the same seeds); a verdict, or :class:`Pending` for more."""
    assert test.statistical is not None
    plan = test.statistical.plan()
    wanted = plan.looks[index].draws
    if len(drawn.items) != wanted:  # decode_samples checked each round already; cheap
        return Verdict(False, "statistical", f"expected {wanted} draws, got {len(drawn.items)}")
    try:
        ours = list(map(values.plain, reference.items[:wanted]))
        result = compare_samples(ours, list(map(values.plain, drawn.items)))
    except ValueError as exc:
        return Verdict(False, "statistical", str(exc))
    decision = plan.decide(index, result)
    if decision is Decision.MORE:
        return Pending(reference, drawn, index)
    passed = decision is Decision.PASS
    detail = _sample_detail(plan, index, result, passed)
    return Verdict(passed, "passed" if passed else "statistical", detail, round(result.p_value, 6))


def _sample_detail(plan: SequentialPlan, index: int, result: SampleTest, passed: bool) -> str:
    """What a public statistical test's feedback says: the draws compared, the p-value, and
    the level it was held to (alpha itself for a test of one look)."""
    step = plan.looks[index]
    head = f"{result.method} test over {step.draws} draws"
    if len(plan.looks) == 1:
        return f"{head}: p = {result.p_value:.3g} ({'≥' if passed else '<'} alpha {plan.alpha:g})"
    where = f"{head} (look {index + 1} of {len(plan.looks)}, alpha {plan.alpha:g} overall)"
    if passed and index < len(plan.looks) - 1:
        return f"{where}: p = {result.p_value:.3g}, close enough to the reference to stop early"
    return f"{where}: p = {result.p_value:.3g} ({'≥' if passed else '<'} this look's level {step.fail_below:.3g})"


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


def load_properties(question: CodeQuestion) -> dict[str, Any]:
    """Import the instructor's property checks (trusted code, run outside the sandbox)."""
    assert question.properties is not None
    path = question.path(question.properties)
    spec = importlib.util.spec_from_file_location(f"harness_properties_{question.id.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)
