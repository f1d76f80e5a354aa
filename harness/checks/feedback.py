"""What a generation question says about its suite's checks: feedback lines and report evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.checks.result import SEVERITY_RANK, CheckResult, Finding
from harness.evidence import CheckEvidence, FlaggedSample

SHOWN_SAMPLES = 3  # flagged outputs named per check
SHOWN_TERMS = 40  # bias terms recorded per check, in the check's order


def check_feedback(
    results: Sequence[CheckResult], deductions: Sequence[float | None] = (), shown: int = SHOWN_SAMPLES
) -> list[str]:
    """One line per check (verdict, outputs flagged, the points it took off: ``deductions``, a
    share of the points per check, None or absent for a check that is reported only), then up to
    ``shown`` flagged outputs each with its most severe finding: the words, and why."""
    lines = []
    for index, result in enumerate(results):
        verdict = "met" if result.passed else "NOT met"
        deduction = deductions[index] if index < len(deductions) else None
        graded = "reported, no points" if deduction is None else f"-{100 * deduction:.1f}% of the points"
        lines.append(
            f"{result.check}: {result.n_flagged} of {result.n_samples} output(s) flagged; "
            f"gate {result.gate_rule} {verdict} ({graded})."
        )
        for sample in result.flagged()[:shown]:
            finding = _worst(sample.findings)
            if finding is not None:
                compared = f" Compared with: {finding.source_sentence!r}." if finding.source_sentence else ""
                lines.append(f"{sample.id}: {finding.text!r}: {finding.evidence}.{compared}")
    return lines


def check_evidence(
    results: Sequence[CheckResult], shown: int = SHOWN_SAMPLES, outputs: Mapping[str, str] | None = None
) -> list[CheckEvidence]:
    """Each check's verdict, signature, the findings of its first ``shown`` flagged outputs
    (with the output itself when ``outputs`` has it by id, so reports mark the spans in place)
    and, for bias checks, the terms and counts behind the score."""
    texts = outputs or {}
    return [
        CheckEvidence(
            check=r.check,
            score=r.score,
            gate=r.gate_rule,
            passed=r.passed,
            flagged=r.n_flagged,
            samples=r.n_samples,
            signature=str(r.signature),
            examples=[
                FlaggedSample(id=s.id, findings=[f for f in s.findings if f.severity != "low"], output=texts.get(s.id))
                for s in r.flagged()[:shown]
            ],
            terms=list(r.terms[:SHOWN_TERMS]),
        )
        for r in results
    ]


def _worst(findings: Sequence[Finding]) -> Finding | None:
    ranked = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.start))
    return ranked[0] if ranked else None
