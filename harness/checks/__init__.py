"""Checks over generated outputs: hallucination (``grounded``, ``self_consistency``,
``reference_facts``) and bias (``representation``, ``association``, ``counterfactual``,
``likelihood``).

Each check is a plugin of the ``harness.checks`` entry-point group built on
:class:`harness.checks.base.Check`; results are typed, versioned records
(:mod:`harness.checks.result`). ``harness audit`` (:mod:`harness.checks.audit`) runs them on a
JSONL file of outputs. See ``docs/checks.md``.
"""

from harness.checks.base import Check, CheckUnavailableError
from harness.checks.result import CheckResult, CheckSignature, Finding, SampleResult, TermCount

__all__ = ["Check", "CheckResult", "CheckSignature", "CheckUnavailableError", "Finding", "SampleResult", "TermCount"]
