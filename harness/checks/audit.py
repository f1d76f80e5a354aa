"""``harness audit``: run checks on a JSONL file of outputs, gate on them, write JSON and HTML.

The outputs file is the one ``harness score`` reads, one object per line, with optional fields::

    {"id": "s-01", "output": "...",            # required, strings (as for harness score)
     "source": "...",                           # grounded: the text the output must stay true to
     "samples": ["...", "..."],                 # self_consistency: further outputs for the same prompt
     "counterfactual": "..."}                   # counterfactual, likelihood: the paired output

``--sources S`` gives sources in a separate JSONL file (``{"id": ..., "source": ...}``) for outputs
files without them. Every mistake is one line ``file:line:col: what is wrong``; all are collected
in one pass (exit 2). A check whose gate is not met makes the audit fail (exit 1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from harness.checks.base import Check
from harness.checks.result import SCHEMA_VERSION, CheckResult
from harness.errors import CheckFailed, HarnessError
from harness.plugins import registry
from harness.reports.output import check_writable_file, write_text_atomically
from harness.suites.errors import OutputsError
from harness.suites.jsonl import describe, parse_jsonl

MAX_BYTES = 200_000_000
FIELD_OF = {"sources": "source", "samples": "samples", "counterfactuals": "counterfactual"}  # check input -> JSONL key


class AuditItem(BaseModel):
    """One output as audited (kept in the result so reports render from the log alone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    output: str
    source: str | None = None
    counterfactual: str | None = None


class AuditResult(BaseModel):
    """Every check's result on one outputs file; ``passed`` when every gate was met."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION
    outputs: str
    sha256: str
    passed: bool
    checks: list[CheckResult]
    items: list[AuditItem] = Field(default_factory=list)

    def to_json(self) -> str:
        """Deterministic JSON (declaration order, two-space indent, trailing newline)."""
        return self.model_dump_json(indent=2) + "\n"


@dataclass
class AuditInputs:
    """The outputs file read: ids, outputs and whatever optional fields it had."""

    display: str
    sha256: str
    ids: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    sources: list[str | None] = field(default_factory=list)
    samples: list[list[str] | None] = field(default_factory=list)
    counterfactuals: list[str | None] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def read_outputs(path: Path, display: str | None = None) -> AuditInputs:
    """Read an outputs file (see the module docstring).

    Raises:
        OutputsError: every problem found, one ``file:line:col`` line each.
    """
    shown = display or str(path)
    data = _read_bytes(path, shown)
    parsed = parse_jsonl(data, shown)
    problems = list(parsed.problems)
    inputs = AuditInputs(shown, hashlib.sha256(data).hexdigest())
    seen: dict[str, int] = {}
    for line in parsed.lines:
        where = f"{shown}:{line.number}:1"
        value = line.value
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a JSON object, got {describe(value)}")
            continue
        entry = _entry(value, where, problems)
        if entry is None:
            continue
        item_id = entry["id"]
        if item_id in seen:
            problems.append(f"{where}: duplicate id {item_id!r} (first on line {seen[item_id]})")
            continue
        seen[item_id] = line.number
        inputs.ids.append(item_id)
        inputs.outputs.append(entry["output"])
        inputs.sources.append(entry.get("source"))
        inputs.samples.append(entry.get("samples"))
        inputs.counterfactuals.append(entry.get("counterfactual"))
        inputs.lines.append(line.number)
    if problems:
        raise OutputsError(sorted(problems, key=_line_of))
    return inputs


def _line_of(problem: str) -> int:
    """The line number of a ``file:line:col: ...`` message (0 for a message about the whole file)."""
    parts = problem.split(":")
    return next((int(part) for part in parts[1:3] if part.isdigit()), 0)


def _entry(value: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any] | None:
    before = len(problems)
    for key in ("id", "output"):
        if key not in value:
            problems.append(f"{where}: missing {key!r}")
        elif not isinstance(value[key], str):
            problems.append(f"{where}: {key!r} must be a string, not {describe(value[key])}")
    for key in ("source", "counterfactual"):
        if key in value and not isinstance(value[key], str):
            problems.append(f"{where}: {key!r} must be a string, not {describe(value[key])}")
    samples = value.get("samples")
    if samples is not None and (not isinstance(samples, list) or not all(isinstance(s, str) for s in samples)):
        problems.append(f"{where}: 'samples' must be a list of strings")
    return None if len(problems) > before else value


def read_sources(path: Path, inputs: AuditInputs, display: str | None = None) -> None:
    """Fill the outputs' missing sources from a JSONL file of ``{"id", "source"}`` objects.

    Raises:
        OutputsError: a bad line, a duplicate id, or an id that is not among the outputs.
    """
    shown = display or str(path)
    parsed = parse_jsonl(_read_bytes(path, shown), shown)
    problems = list(parsed.problems)
    index = {item_id: i for i, item_id in enumerate(inputs.ids)}
    seen: set[str] = set()
    for line in parsed.lines:
        where = f"{shown}:{line.number}:1"
        value = line.value
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            problems.append(f"{where}: expected an object with a string 'id'")
        elif not isinstance(value.get("source"), str):
            problems.append(f"{where}: 'source' must be a string")
        elif value["id"] in seen:
            problems.append(f"{where}: duplicate id {value['id']!r}")
        elif value["id"] not in index:
            problems.append(f"{where}: id {value['id']!r} is not in {inputs.display}")
        else:
            seen.add(value["id"])
            position = index[value["id"]]
            if inputs.sources[position] is None:
                inputs.sources[position] = value["source"]
    if problems:
        raise OutputsError(problems)


def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise OutputsError([f"{shown}: the file is larger than {MAX_BYTES} bytes"])
        return path.read_bytes()
    except OSError as exc:
        raise OutputsError([f"{shown}: cannot read: {exc.strerror or exc}"]) from None


def parse_settings(settings: Sequence[str], names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["grounded.support=0.7", ...]`` as options by check (values parsed as YAML scalars).

    Raises:
        HarnessError: a setting not of the form CHECK.OPTION=VALUE, or for a check not run.
    """
    import yaml

    options: dict[str, dict[str, Any]] = {}
    for setting in settings:
        target, sep, raw = setting.partition("=")
        check, dot, option = target.partition(".")
        if not sep or not dot or not option:
            raise HarnessError(f"--set {setting!r}: expected CHECK.OPTION=VALUE, e.g. grounded.support=0.7")
        if check not in names:
            raise HarnessError(f"--set {setting!r}: {check!r} is not among the checks run ({', '.join(names)})")
        options.setdefault(check, {})[option] = yaml.safe_load(raw) if raw else None
    return options


def audit(checks: Sequence[str], inputs: AuditInputs, options: dict[str, dict[str, Any]] | None = None) -> AuditResult:
    """Run ``checks`` (registered names) on ``inputs``.

    Raises:
        HarnessError: an unknown check, a bad option, or an output that lacks a field a check needs
            (named with its file:line).
    """
    results = []
    for name in checks:
        check: Check[Any] = registry("checks").get(name)
        if options and name in options:
            check = check.with_options(**options[name])
        _require(check, inputs)
        results.append(
            check.run(
                inputs.outputs,
                ids=inputs.ids,
                sources=_complete(inputs.sources) if "sources" in check.needs else None,
                samples=_complete(inputs.samples) if "samples" in check.needs else None,
                counterfactuals=_complete(inputs.counterfactuals) if "counterfactuals" in check.needs else None,
            )
        )
    items = [
        AuditItem(id=i, output=o, source=s, counterfactual=c)
        for i, o, s, c in zip(inputs.ids, inputs.outputs, inputs.sources, inputs.counterfactuals, strict=True)
    ]
    return AuditResult(
        outputs=inputs.display,
        sha256=inputs.sha256,
        passed=all(r.passed for r in results),
        checks=results,
        items=items,
    )


def _require(check: Check[Any], inputs: AuditInputs) -> None:
    columns: dict[str, Sequence[object]] = {
        "sources": inputs.sources,
        "samples": inputs.samples,
        "counterfactuals": inputs.counterfactuals,
    }
    for needed in sorted(check.needs):
        for number, value in zip(inputs.lines, columns[needed], strict=True):
            if value is None or value == []:
                hint = " (or give --sources)" if needed == "sources" else ""
                raise HarnessError(
                    f"{check.name} needs {FIELD_OF[needed]!r} on every line{hint}", f"{inputs.display}:{number}:1"
                )


def _complete(values: list[Any]) -> list[Any]:
    return [value for value in values if value is not None]


def summary_lines(result: AuditResult) -> list[str]:
    """The table ``harness audit`` prints: one line per check, then the verdict."""
    lines = [f"outputs: {result.outputs} ({len(result.items)} outputs, sha256 {result.sha256[:12]})", ""]
    lines.append(f"{'check':<17} {'score':>9}  {'gate':<28} {'passed':<7} {'flagged':>8}  signature")
    for r in result.checks:
        lines.append(
            f"{r.check:<17} {r.score:>9.4f}  {r.gate_rule:<28} {'yes' if r.passed else 'NO':<7} "
            f"{r.n_flagged:>8}  {r.signature}"
        )
    failed = [r.check for r in result.checks if not r.passed]
    lines.append("")
    lines.append(f"gates: NOT met by {', '.join(failed)}" if failed else "gates: all met")
    return lines


def run_audit(
    checks: str,
    outputs: str,
    sources: str | None = None,
    json_out: str | None = None,
    html_out: str | None = None,
    settings: Sequence[str] = (),
) -> AuditResult:
    """What ``harness audit`` does: read, check, write the JSON and HTML asked for.

    The caller decides what a failed gate means (``harness audit`` exits 1 through :func:`verdict`).

    Raises:
        HarnessError: bad input (exit 2), with file:line where it applies.
    """
    names = [name.strip() for name in checks.split(",") if name.strip()]
    if not names:
        raise HarnessError("--check: name at least one check (harness plugins lists them)")
    known = registry("checks").names()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise HarnessError(f"unknown check {unknown[0]!r} (known: {', '.join(known)})")
    options = parse_settings(settings, names)
    if json_out:  # fail now, not after the checks have run
        check_writable_file(Path(json_out))
    if html_out:
        check_writable_file(Path(html_out) / "index.html")
    inputs = read_outputs(Path(outputs), outputs)
    if sources:
        read_sources(Path(sources), inputs, sources)
    result = audit(names, inputs, options)
    if json_out:
        write_text_atomically(Path(json_out), result.to_json())
    if html_out:
        from harness.checks.html import write_audit_html

        write_audit_html(result, Path(html_out))
    return result


def verdict(result: AuditResult) -> None:
    """Raise :class:`CheckFailed` (exit 1) when a check's gate was not met."""
    failed = [r for r in result.checks if not r.passed]
    if failed:
        detail = ", ".join(f"{r.check} {r.score:g} (gate: {r.gate_rule})" for r in failed)
        raise CheckFailed(f"audit failed: {detail}")
