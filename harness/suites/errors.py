"""What goes wrong with a suite or an outputs file, as one clear line per problem."""

from __future__ import annotations

from harness.errors import HarnessError

MAX_LISTED = 12  # problems listed in one message; the rest are counted
CURVE_TAGS = ("pass", "linear", "piecewise")  # the points-curve union's tags, dropped from error paths


class SuiteError(HarnessError):
    """A metric suite (or its data set) is invalid: one problem, at ``file:line:col``."""

    exit_code = 2


class SuiteErrors(HarnessError):
    """Every problem found in one pass over a suite, so the author can fix them all at once."""

    exit_code = 2

    def __init__(self, errors: list[SuiteError]) -> None:
        self.errors = errors
        super().__init__(_joined([str(e) for e in errors]))


class OutputsError(HarnessError):
    """An outputs file (or image folder) cannot be scored; ``problems`` holds one line each."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(_joined(problems))


def _joined(lines: list[str]) -> str:
    shown = lines[:MAX_LISTED]
    if len(lines) > MAX_LISTED:
        shown.append(f"... and {len(lines) - MAX_LISTED} more")
    return "\n".join(shown)
