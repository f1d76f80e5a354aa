"""What the HTML reports show of a generation question's checks (bias, hallucination).

Each flagged span is marked where it sits in the output, beside the source sentence that
contradicts it or the note that nothing supports it; a bias check shows the terms and counts
behind its score. Built from the :class:`~harness.evidence.CheckEvidence` in the result log
alone. (``harness.checks.html`` marks spans the same way for ``harness audit``; importing it
would bring the suites and numpy into every report, so the few lines are repeated here.)
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from harness.checks.result import Finding, TermCount
from harness.evidence import CheckEvidence, GenerationEvidence
from harness.results import QuestionResult


@dataclass(frozen=True)
class FlaggedView:
    """One flagged output: the output with its spans marked (``None`` when the log has no
    output text, from an older run), and each finding with what it was compared with."""

    sample_id: str
    marked: Markup | None
    findings: list[Finding]


@dataclass(frozen=True)
class CheckView:
    check: str
    score: float
    gate: str
    passed: bool
    flagged: int
    samples: int
    examples: list[FlaggedView]
    terms: list[TermCount]


def check_views(result: QuestionResult) -> list[CheckView]:
    """The checks a generation question recorded (none for other kinds)."""
    evidence = result.evidence
    if not isinstance(evidence, GenerationEvidence):
        return []
    return [_check_view(entry) for entry in evidence.checks]


def _check_view(entry: CheckEvidence) -> CheckView:
    examples = [
        FlaggedView(
            sample.id,
            mark_spans(sample.output, sample.findings) if sample.output is not None else None,
            sample.findings,
        )
        for sample in entry.examples
    ]
    return CheckView(
        entry.check, entry.score, entry.gate, entry.passed, entry.flagged, entry.samples, examples, list(entry.terms)
    )


def mark_spans(text: str, findings: list[Finding]) -> Markup:
    """``text`` escaped, each finding's span in a ``<mark>`` of its severity.

    Where spans overlap the narrowest wins (a wrong year inside an unsupported sentence is
    marked; the sentence is still listed beside it). A span outside the text is skipped.
    """
    chosen: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.end - f.start, f.start)):
        inside = 0 <= finding.start < finding.end <= len(text)
        if inside and all(finding.end <= c.start or c.end <= finding.start for c in chosen):
            chosen.append(finding)
    pieces: list[str] = []
    position = 0
    for finding in sorted(chosen, key=lambda f: f.start):
        pieces.append(str(escape(text[position : finding.start])))
        body = escape(text[finding.start : finding.end])
        pieces.append(f'<mark class="sev-{escape(finding.severity)}">{body}</mark>')
        position = finding.end
    pieces.append(str(escape(text[position:])))
    return Markup("".join(pieces))
