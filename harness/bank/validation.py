"""pydantic validation errors, located in the YAML they came from.

Banks and metric suites are both YAML read with :mod:`harness.yamlsource`; both turn
each pydantic error into one line at ``file:line:col`` through these two functions.
A model validator that finds problems in its fields raises :func:`errors_at`, so that each
is reported at its own field's line rather than at the model's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from harness.yamlsource import PathKey


def error_path(data: Any, loc: tuple[str | int, ...], tags: Iterable[str] = ()) -> PathKey:
    """The part of a pydantic error location that names real keys and indices of ``data``.

    pydantic puts union members in locations (``visibility.literal['public','hidden']``,
    ``points.linear.zero_at``); walking the data drops them, so the path can be looked up in
    the YAML positions. ``tags`` names lower-case discriminator values to drop as well.
    """
    known_tags = set(tags)
    path: list[str | int] = []
    for part in loc:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
            path.append(part)
        elif isinstance(data, (dict, list)) and (isinstance(part, int) or not _is_tag(part, known_tags)):
            path.append(part)  # a missing field or an unknown index: still name it
            data = None
    return tuple(path)


def error_message(error: ErrorDetails, path: PathKey, fields: Iterable[str], subject: str | None = None) -> str:
    """One line for one pydantic error at ``path``; ``fields`` lists the model's own, for
    an unknown one, and ``subject`` names the model in that list ("kind 'choice'")."""
    name = ".".join(str(part) for part in path)
    if error["type"] == "extra_forbidden":
        message = f"unknown field {name!r}"
        if len(path) == 1:
            message += f" ({'fields of ' + subject if subject else 'known fields'}: {', '.join(fields)})"
        return message
    if error["type"] == "missing":
        return f"missing required field {name!r}"
    text = error["msg"].removeprefix("Value error, ")
    return f"{name}: {text}" if name else text


def errors_at(title: str, problems: Sequence[tuple[PathKey, str]]) -> ValidationError:
    """A validation error holding each ``(location, message)`` of ``problems``, the location
    relative to the model being validated: raised from a model validator, pydantic puts the
    model's own location in front, as for any error of its fields."""
    return ValidationError.from_exception_data(
        title,
        [
            # the message is the template's value, not the template: braces in it stay as written
            InitErrorDetails(
                type=PydanticCustomError("value_error", "{message}", {"message": message}), loc=loc, input=None
            )
            for loc, message in problems
        ],
    )


def _is_tag(part: str | int, tags: set[str]) -> bool:
    return isinstance(part, str) and (part in tags or "[" in part or part[:1].isupper())
