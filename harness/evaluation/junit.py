"""JUnit XML for CI test panels: one test case per threshold, per check and per comparison.

A missed threshold, a failed check gate or a significantly worse metric is a ``<failure>``
with the numbers in its message; a comparison that could not be made is ``<skipped>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.evaluation.gate_report import GateReport
from harness.evaluation.result import Comparison


def render_junit(report: GateReport) -> str:
    """The JUnit XML document for ``report`` (``harness eval`` or ``harness score``)."""
    suite_id = report.score.suite.id
    cases: list[ET.Element] = []
    for metric in report.score.metrics:
        if metric.threshold is None:
            continue
        sign = ">=" if metric.result.higher_is_better else "<="
        message = f"{metric.id} = {metric.result.score:.6g}, threshold {sign} {metric.threshold:g}"
        cases.append(_case(f"{suite_id}.threshold", metric.id, message, failed=metric.passed is False))
    for check in report.score.checks:
        message = (
            f"{check.check} = {check.score:.6g} ({check.gate_rule}); {check.n_flagged} of {check.n_samples} flagged"
        )
        cases.append(_case(f"{suite_id}.check", check.check, message, failed=not check.passed))
    for comparison in report.comparisons:
        case = _case(f"{suite_id}.baseline", comparison.metric, _comparison_message(comparison), failed=False)
        if comparison.verdict == "worse":
            _fail(case, _comparison_message(comparison))
        elif comparison.verdict == "not compared":
            ET.SubElement(case, "skipped", message=comparison.note or "not compared")
        cases.append(case)
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    root = ET.Element("testsuites", name=report.command, tests=str(len(cases)), failures=str(failures))
    suite = ET.SubElement(
        root,
        "testsuite",
        name=suite_id,
        tests=str(len(cases)),
        failures=str(failures),
        skipped=str(skipped),
        errors="0",
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in report.properties:
        ET.SubElement(properties, "property", name=key, value=value)
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(classname: str, name: str, message: str, failed: bool) -> ET.Element:
    case = ET.Element("testcase", classname=classname, name=name, time="0")
    if failed:
        _fail(case, message)
    else:
        ET.SubElement(case, "system-out").text = message
    return case


def _fail(case: ET.Element, message: str) -> None:
    ET.SubElement(case, "failure", message=message, type="harness.gate").text = message


def _comparison_message(c: Comparison) -> str:
    if c.delta is None:
        return f"{c.metric}: {c.verdict} ({c.note or 'no test'})"
    return (
        f"{c.metric}: {c.verdict}: {c.score:.6g} vs {c.baseline_score:.6g} (delta {c.delta:+.4g}, "
        f"{c.confidence:.0%} CI [{c.ci_low:+.4g}, {c.ci_high:+.4g}], p = {c.p_value:.3g}, Holm p = {c.p_adjusted:.3g}, "
        f"alpha {c.alpha:g})"
    )
