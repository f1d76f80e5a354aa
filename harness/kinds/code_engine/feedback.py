"""What a student reads and what the result records of a code question's tests.

Hidden tests say pass or fail and nothing else: their inputs, messages and p-values could
carry the hidden inputs out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from harness.evidence import CodeTestVerdict
from harness.kinds.code_engine.channel import RunReport
from harness.kinds.code_engine.judge import Verdict

if TYPE_CHECKING:
    from harness.kinds.code import CodeQuestion, CodeTest


def evidence_record(test: CodeTest, verdict: Verdict) -> CodeTestVerdict:
    """What the result records of one test. Students get their record back, so a hidden test
    records no p-value: the code's draws steer it, and it could carry the test's inputs out
    (its category of failure is a few bits, as its pass or fail is one)."""
    return CodeTestVerdict(
        id=test.id,
        passed=verdict.passed,
        points=test.points,
        visibility=test.visibility,
        verdict=verdict.category,
        p_value=verdict.p_value if test.visibility == "public" else None,
    )


def feedback_lines(question: CodeQuestion, tests: Sequence[CodeTest], verdicts: Sequence[Verdict]) -> list[str]:
    """One line per test judged. A hidden test is named by its number among the question's
    hidden tests ("hidden test 3"), since an id such as ``empty-list-raises`` can describe
    the input; ``hidden_test_names: shown`` in the bank names it by id instead."""
    hidden = [t.id for t in question.tests if t.visibility == "hidden"]
    shown = question.hidden_test_names == "shown"
    return [
        feedback_line(t, v, t.id if shown or t.visibility == "public" else str(hidden.index(t.id) + 1))
        for t, v in zip(tests, verdicts, strict=True)
    ]


def feedback_line(test: CodeTest, verdict: Verdict, name: str | None = None) -> str:
    """What a student reads of one test; ``name`` is how a hidden test is named (its id by default)."""
    if test.visibility == "hidden":
        label = name or test.id
        return f"{'✓' if verdict.passed else '✗'} hidden test {label}: {'passed' if verdict.passed else 'failed'}"
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


def report_feedback(report: RunReport) -> list[str]:
    if report.import_error:
        error = report.import_error
        lines = "; ".join(str(x) for x in error.get("traceback", [])[:3])
        message = str(error.get("message", ""))[:200]
        return [f"Your file could not be imported: {error.get('type')}: {message} {lines}".strip()]
    if report.problem:
        return [f"Your program stopped early: {report.problem}."]
    return []
