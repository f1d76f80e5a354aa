"""Checks over generated outputs: hallucination (``grounded``, ``self_consistency``,
``reference_facts``) and bias (``representation``, ``association``, ``counterfactual``,
``likelihood``).

Each check is a plugin of the ``harness.checks`` entry-point group built on
:class:`harness.checks.base.Check`; results are typed, versioned records
(:mod:`harness.checks.result`). ``harness audit`` (:mod:`harness.checks.audit`) runs them on a
JSONL file of outputs. See ``docs/checks.md``.

The names below are imported when first asked for: every result log imports
:mod:`.result` (evidence quotes its findings), and reading or writing one must not import
the checks' machinery (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.checks.base import Check, CheckUnavailableError
    from harness.checks.result import CheckResult, CheckSignature, Finding, SampleResult, TermCount

_HOMES = {
    "Check": "harness.checks.base",
    "CheckUnavailableError": "harness.checks.base",
    "CheckResult": "harness.checks.result",
    "CheckSignature": "harness.checks.result",
    "Finding": "harness.checks.result",
    "SampleResult": "harness.checks.result",
    "TermCount": "harness.checks.result",
}
__all__ = ["Check", "CheckResult", "CheckSignature", "CheckUnavailableError", "Finding", "SampleResult", "TermCount"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
