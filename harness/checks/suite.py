"""Checks in a metric suite (the ``checks:`` section): built and validated when the suite loads,
run when a system is scored, held to their gates with the suite's thresholds.

A suite's outputs are ``{"id", "output"}`` lines scored against a data set, so only checks that
need nothing more than the data set's ``source`` can run there (``grounded``, ``nli``,
``reference_facts``, ``representation``, ``association``); ``harness audit`` runs the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.checks.base import Check
from harness.checks.result import CheckResult
from harness.errors import HarnessError
from harness.plugins import registry

if TYPE_CHECKING:  # harness.suites imports this module: no import back at run time
    from harness.suites.model import CheckSpec

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class SuiteCheck:
    """A check of a suite: what the file says, and the configured plugin."""

    spec: CheckSpec
    check: Check[Any]


def build_suite_checks(
    specs: Sequence[CheckSpec], task: str, has_sources: bool
) -> tuple[list[SuiteCheck], list[tuple[str, Location]]]:
    """The configured checks of a suite, and every problem as (message, location in the file)."""
    built: list[SuiteCheck] = []
    problems: list[tuple[str, Location]] = []
    names = registry("checks").names()
    for index, spec in enumerate(specs):
        at: Location = ("checks", index)
        if spec.check not in names:
            problems.append((f"unknown check {spec.check!r} (known checks: {', '.join(names)})", (*at, "check")))
            continue
        options = {**spec.options, **({"gate": spec.gate} if spec.gate is not None else {})}
        try:
            check: Check[Any] = registry("checks").get(spec.check).with_options(**options)
        except HarnessError as exc:
            problems.append((exc.message, (*at, "options")))
            continue
        problem = _unusable(check, task, has_sources)
        if problem:
            problems.append((problem, (*at, "check")))
            continue
        built.append(SuiteCheck(spec, check))
    return built, problems


def _unusable(check: Check[Any], task: str, has_sources: bool) -> str | None:
    if task != "text":
        return f"{check.name} checks text outputs: it needs `jsonl` data"
    extra = sorted(check.needs - {"sources"})
    if extra:
        return f"{check.name} needs {', '.join(extra)}, which a suite's outputs do not carry: use harness audit"
    if "sources" in check.needs and not has_sources:
        return f"{check.name} needs a `source` on every item of the data set"
    return None


def run_suite_checks(
    checks: Sequence[SuiteCheck], ids: Sequence[str], outputs: Sequence[str], sources: Sequence[str] | None
) -> list[CheckResult]:
    """Every check of a suite on one system's outputs (in data-set order).

    Raises:
        HarnessError: a check cannot run (a missing extra or model).
    """
    results = []
    for suite_check in checks:
        needs_sources = "sources" in suite_check.check.needs
        results.append(suite_check.check.run(list(outputs), ids=list(ids), sources=sources if needs_sources else None))
    return results
