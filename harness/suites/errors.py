"""What goes wrong with a suite or an outputs file, as one clear line per problem."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic_core import ErrorDetails

from harness.errors import HarnessError

MAX_LISTED = 12  # problems listed in one message; the rest are counted


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


def data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The part of a pydantic error location that names real keys and indices of ``data``.

    pydantic puts union tags in locations (``points.linear.zero_at``); walking the data drops
    them, so the path can be looked up in the YAML positions.
    """
    path: list[str | int] = []
    for part in loc:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        elif isinstance(data, (dict, list)):
            if isinstance(part, int) or not _looks_like_tag(part):
                path.append(part)  # a missing field or an unknown index: still name it
            continue
        else:
            continue
        path.append(part)
    return tuple(path)


def validation_message(error: ErrorDetails, fields: Iterable[str], path: tuple[str | int, ...]) -> str:
    """One line for one pydantic error at ``path`` (``fields``: those of the model, for unknown ones)."""
    name = ".".join(str(part) for part in path)
    if error["type"] == "extra_forbidden":
        return f"unknown field {name!r}" + (f" (known fields: {', '.join(fields)})" if len(path) == 1 else "")
    if error["type"] == "missing":
        return f"missing required field {name!r}"
    text = error["msg"].removeprefix("Value error, ")
    return f"{name}: {text}" if name else text


def _looks_like_tag(part: str) -> bool:
    return part in ("pass", "linear", "piecewise") or "[" in part or part[:1].isupper()
