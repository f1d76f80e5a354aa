"""The HTML report of a gate: one self-contained page (inline CSS, no script, no external URL).

Per-metric scores with their intervals and signatures, the comparison with the baseline, the
checks, and for ``harness eval`` a per-sample viewer: prompt, output (check findings highlighted
where they are), references, each metric's score and its difference from the baseline
(``harness score`` has no prompts or outputs in its record: it lists each metric's worst items).
Everything is decided here in small typed functions; the template
(``templates/model_report.html.j2``) only lays it out, and escapes every string it is given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from harness.checks.result import Finding
from harness.evaluation.gate_report import GateReport
from harness.evaluation.result import EvalResult
from harness.models.hf_image import PNG_PREFIX

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Segment:
    """A piece of an output; ``finding`` set when a check flagged it."""

    text: str
    finding: Finding | None = None
    check: str = ""


@dataclass(frozen=True)
class MetricCell:
    metric: str
    score: float
    delta: float | None  # against the baseline's score on the same item


@dataclass
class SampleView:
    id: str
    prompt: str
    output: list[Segment]
    references: list[str]
    extra_samples: list[str]
    cells: list[MetricCell]
    findings: list[tuple[str, Finding]] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def regressed(self) -> bool:
        return any(c.delta is not None and c.delta < 0 for c in self.cells)


def render_html(report: GateReport) -> str:
    """The report page; for an image run the samples are a grid of thumbnails."""
    result = report.eval_result
    images = image_samples(result) if result is not None else []
    return (
        _environment()
        .get_template("model_report.html.j2")
        .render(
            report=report,
            samples=sample_views(result) if result is not None and not images else [],
            images=images,
            comparisons={c.metric: c for c in report.comparisons},
        )
    )


def image_samples(result: EvalResult) -> list[tuple[str, str]]:
    """``(id, PNG data URI)`` of every sample when every output is an image; else none."""
    if result.samples and all(s.output.startswith(PNG_PREFIX) for s in result.samples):
        return [(s.id, s.output) for s in result.samples]
    return []


def sample_views(result: EvalResult) -> list[SampleView]:
    """One view per item, in data-set order."""
    findings: dict[str, list[tuple[str, Finding]]] = defaultdict(list)
    for check in result.score.checks:
        for checked in check.samples:
            findings[checked.id] += [(check.check, f) for f in checked.findings]
    position = {sample_id: i for i, sample_id in enumerate(result.score.sample_ids)}
    return [
        SampleView(
            sample.id,
            sample.prompt,
            highlight(sample.output, findings[sample.id]),
            sample.references,
            sample.samples[1:],
            metric_cells(result, position[sample.id]),
            findings[sample.id],
        )
        for sample in result.samples
    ]


def metric_cells(result: EvalResult, i: int) -> list[MetricCell]:
    """Item ``i``'s score on every metric, and how much better (+) or worse (-) than the baseline's."""
    comparisons = {c.metric: c for c in result.comparisons}
    cells = []
    for metric in result.score.metrics:
        if i >= len(metric.result.per_sample):
            continue  # a corpus-only metric (distinct-n) has no per-item score
        score = metric.result.per_sample[i]
        base = comparisons.get(metric.id)
        delta = None
        if base is not None and i < len(base.baseline_per_sample):
            sign = 1.0 if metric.result.higher_is_better else -1.0
            delta = sign * (score - base.baseline_per_sample[i])
        cells.append(MetricCell(metric.id, score, delta))
    return cells


def highlight(text: str, findings: list[tuple[str, Finding]]) -> list[Segment]:
    """``text`` cut into plain and flagged pieces (overlapping findings: the earlier one wins)."""
    segments: list[Segment] = []
    at = 0
    for check, finding in sorted(findings, key=lambda pair: (pair[1].start, -pair[1].end)):
        start, end = max(finding.start, at), min(finding.end, len(text))
        if start >= end:
            continue
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(text[start:end], finding, check))
        at = end
    if at < len(text) or not segments:
        segments.append(Segment(text[at:]))
    return segments


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["num"] = lambda value, digits=4: "" if value is None else f"{value:.{digits}g}"
    environment.filters["signed"] = lambda value: "" if value is None else f"{value:+.3g}"
    return environment
