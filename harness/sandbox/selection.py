"""Choosing a sandbox backend for a run, and refusing an unsafe one for other people's code."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from harness.errors import HarnessError
from harness.plugins import registry
from harness.sandbox.base import Sandbox

if TYPE_CHECKING:
    from harness.sandbox.doctor import Check


def sandbox_named(name: str) -> Sandbox:
    """The installed backend ``name`` (raises UnknownPluginError listing the known ones)."""
    sandbox: Sandbox = registry("sandboxes").get(name)
    return sandbox


def default_sandbox() -> Sandbox:
    """bwrap where it can run, else the process backend (a student's own machine)."""
    bwrap = sandbox_named("bwrap")
    return bwrap if bwrap.unavailable_reason() is None else sandbox_named("process")


def sandbox_for_cohort(name: str, unsafe: bool) -> Sandbox:
    """The backend for grading a cohort: isolation must be real and confirmed.

    Raises:
        HarnessError: the backend does not isolate and ``unsafe`` is not set, it cannot run
            here, or the doctor's attacks show that its isolation does not hold.
    """
    sandbox = sandbox_named(name)
    if not sandbox.isolating and not unsafe:
        raise HarnessError(
            f"the {name!r} sandbox does not isolate students' code from each other or from this machine; "
            "use --sandbox bwrap, or pass --unsafe-sandbox if you accept that"
        )
    reason = sandbox.unavailable_reason()
    if reason:
        raise HarnessError(f"the {name!r} sandbox cannot run here: {reason}")
    if sandbox.isolating:
        failed = [c for c in confirmed_checks(name) if not c.held]
        if failed:
            names = ", ".join(c.name for c in failed)
            raise HarnessError(
                f"the {name!r} sandbox's isolation could not be confirmed ({names} did not hold); "
                "run `harness sandbox doctor` for details"
            )
    return sandbox


@cache
def confirmed_checks(name: str) -> tuple[Check, ...]:
    """The doctor's checks, run once per backend and process, and reused across processes
    while this host's boot, kernel, tools and sandbox source are unchanged (at most half an
    hour: :mod:`harness.sandbox.verdict_cache`), so that a lone grade starts fast."""
    from harness.sandbox import verdict_cache
    from harness.sandbox.doctor import run_checks

    kept = verdict_cache.load(name)
    if kept is not None:
        return kept
    checks = tuple(run_checks(sandbox_named(name)))
    verdict_cache.store(name, checks)
    return checks
