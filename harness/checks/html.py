# ruff: noqa: E501  (the HTML template reads better unwrapped)
"""The HTML report of ``harness audit``: every flagged span highlighted in its output, beside the
source sentence it was compared with (or the note that nothing supports it); for bias checks, the
terms and counts behind each score.

Rendered from an :class:`~harness.checks.audit.AuditResult` alone. Everything is escaped by
Jinja's autoescape; the page has no script and a strict Content-Security-Policy (as the other
reports), so nothing in an output can run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from harness.checks.audit import AuditItem, AuditResult
from harness.checks.result import CheckResult, Finding, SampleResult
from harness.reports.output import write_text_atomically

MAX_SAMPLES_SHOWN = 300  # per check: flagged ones first; the JSON has them all

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="genai-harness">
<title>Audit of {{ result.outputs }}</title>
<style>
body { margin: 0; color: #1b1f24; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.page { max-width: 78rem; margin: 0 auto; padding: 1.25rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; overflow-wrap: anywhere; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; } th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.sample { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; border: 1px solid #d0d7de; border-radius: 6px; padding: .75rem; margin: .75rem 0; }
.sample > h3 { grid-column: 1 / -1; margin: 0; font-size: 1rem; overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: .5rem; border-radius: 4px; }
mark { padding: 0 .1em; border-radius: 3px; } mark.high { background: #ffcdd2; outline: 1px solid #a40e26; }
mark.medium { background: #fff3c4; outline: 1px solid #7d4e00; } mark.low { background: #e3f2fd; }
.pass { color: #116329; font-weight: 600; } .fail { color: #a40e26; font-weight: 600; } .muted { color: #57606a; }
.findings { grid-column: 1 / -1; } code { overflow-wrap: anywhere; }
</style>
</head>
<body><main class="page">
<h1>Audit of {{ result.outputs }}</h1>
<p>{{ result.items | length }} outputs, sha256 <code>{{ result.sha256[:12] }}</code>.
Verdict: {% if result.passed %}<span class="pass">every gate met</span>{% else %}<span class="fail">a gate was not met</span>{% endif %}.</p>
<table><thead><tr><th>check</th><th class="num">score</th><th>gate</th><th>passed</th><th class="num">flagged</th><th>signature</th></tr></thead><tbody>
{% for r in result.checks %}<tr><td><a href="#{{ r.check }}">{{ r.check }}</a></td><td class="num">{{ "%.4f" | format(r.score) }}</td>
<td>{{ r.gate_rule }}</td>
<td>{% if r.passed %}<span class="pass">yes</span>{% else %}<span class="fail">NO</span>{% endif %}</td>
<td class="num">{{ r.n_flagged }} / {{ r.n_samples }}</td><td><code>{{ r.signature.format() }}</code></td></tr>{% endfor %}
</tbody></table>
{% for section in sections %}{% set r = section.result %}
<h2 id="{{ r.check }}">{{ r.check }}</h2>
<p>{{ r.description }}. Score {{ "%.4f" | format(r.score) }} ({{ "higher" if r.higher_is_better else "lower" }} is better).</p>
{% if r.extra %}<p class="muted">{% for key, value in r.extra.items() if not key.startswith("tvd:") %}{{ key }} = {{ value }}{% if not loop.last %}; {% endif %}{% endfor %}</p>{% endif %}
{% if section.terms %}<h3>Terms behind the score</h3>
<table><thead><tr>{% for cell in section.terms.header %}<th{% if not loop.first %} class="num"{% endif %}>{{ cell }}</th>{% endfor %}</tr></thead><tbody>
{% for row in section.terms.rows[:60] %}<tr>{% for cell in row %}<td{% if not loop.first %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}
</tbody></table>{% if section.terms.rows | length > 60 %}<p class="muted">{{ section.terms.rows | length - 60 }} more rows in the JSON.</p>{% endif %}{% endif %}
{% for view in section.samples %}
<section class="sample"><h3>{{ view.sample.id }}{% if view.sample.flagged %} <span class="fail">flagged</span>{% endif %} <span class="muted">score {{ view.sample.score }}</span></h3>
<div><strong>Output</strong><div class="text">{{ view.highlighted }}</div></div>
<div><strong>{{ "Source" if view.item.source is not none else ("Counterfactual" if view.item.counterfactual is not none else "Compared with") }}</strong>
<div class="text">{% if view.item.source is not none %}{{ view.item.source }}{% elif view.item.counterfactual is not none %}{{ view.item.counterfactual }}{% else %}<span class="muted">see each finding</span>{% endif %}</div></div>
{% if view.sample.findings %}<div class="findings"><table><thead><tr><th>span</th><th>kind</th><th>severity</th><th>evidence</th><th>compared with</th></tr></thead><tbody>
{% for f in view.sample.findings %}<tr><td><mark class="{{ f.severity }}">{{ f.text }}</mark></td><td>{{ f.kind }}</td><td>{{ f.severity }}</td><td>{{ f.evidence }}</td>
<td>{% if f.source_sentence is not none %}{{ f.source_sentence }}{% else %}<em>{{ f.note }}</em>{% endif %}</td></tr>{% endfor %}
</tbody></table></div>{% endif %}
</section>{% endfor %}
{% if section.hidden %}<p class="muted">{{ section.hidden }} more outputs without findings (or beyond the first {{ limit }}) are in the JSON.</p>{% endif %}
{% endfor %}
</main></body></html>
"""


@dataclass(frozen=True)
class SampleView:
    sample: SampleResult
    item: AuditItem
    highlighted: Markup


@dataclass(frozen=True)
class TermTable:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Section:
    result: CheckResult
    samples: list[SampleView]
    hidden: int
    terms: TermTable | None


def term_table(result: CheckResult) -> TermTable | None:
    """The counts behind a bias score: one row per term (representation), or per target word with
    a column per group and its distance from uniform (association), in the result's order."""
    if not result.terms:
        return None
    groups = list(dict.fromkeys(term.group for term in result.terms))
    if all(term.target is None for term in result.terms):
        rows = [[term.term, *(f"{term.count:g}" if term.group == g else "" for g in groups)] for term in result.terms]
        return TermTable(["term", *groups], rows)
    counts: dict[str, dict[str, float]] = {}
    for term in result.terms:
        counts.setdefault(term.target or term.term, {})[term.group] = term.count
    rows = [
        [target, *(f"{by_group.get(g, 0):g}" for g in groups), f"{result.extra.get(f'tvd:{target}', 0):.3f}"]
        for target, by_group in counts.items()
    ]
    return TermTable(["target", *groups, "distance"], rows)


def highlight(text: str, findings: list[Finding]) -> Markup:
    """``text`` escaped, with finding spans in ``<mark>``; where spans overlap the narrowest wins
    (a wrong year inside an unsupported sentence is marked, the sentence is listed below)."""
    chosen: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.end - f.start, f.start)):
        if finding.end <= len(text) and all(finding.end <= c.start or c.end <= finding.start for c in chosen):
            chosen.append(finding)
    pieces: list[str] = []
    position = 0
    for finding in sorted(chosen, key=lambda f: f.start):
        pieces.append(str(escape(text[position : finding.start])))
        title = escape(f"{finding.kind}: {finding.evidence}")
        body = escape(text[finding.start : finding.end])
        pieces.append(f'<mark class="{escape(finding.severity)}" title="{title}">{body}</mark>')
        position = finding.end
    pieces.append(str(escape(text[position:])))
    return Markup("".join(pieces))


def sections(result: AuditResult) -> list[Section]:
    items = {item.id: item for item in result.items}
    built = []
    for check in result.checks:
        shown = sorted(
            (s for s in check.samples if s.flagged or s.findings), key=lambda s: (not s.flagged, -len(s.findings))
        )[:MAX_SAMPLES_SHOWN]
        order = {s.id: i for i, s in enumerate(check.samples)}
        shown.sort(key=lambda s: (not s.flagged, order[s.id]))
        views = [SampleView(s, items[s.id], highlight(items[s.id].output, s.findings)) for s in shown]
        built.append(Section(check, views, len(check.samples) - len(views), term_table(check)))
    return built


def render_audit_html(result: AuditResult) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = environment.from_string(TEMPLATE)
    return template.render(result=result, sections=sections(result), limit=MAX_SAMPLES_SHOWN)


def write_audit_html(result: AuditResult, folder: Path) -> Path:
    """Write ``index.html`` of the audit into ``folder`` (created if needed); returns its path.

    Raises:
        HarnessError: ``folder`` exists and is not a folder.
    """
    from harness.errors import HarnessError

    if folder.exists() and not folder.is_dir():
        raise HarnessError(f"--html {folder}: not a folder")
    page = folder / "index.html"
    write_text_atomically(page, render_audit_html(result))
    return page
