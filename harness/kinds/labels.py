"""Reading students' references to labels (option ids, items) forgivingly but exactly."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from harness.errors import AnswerError


@lru_cache(maxsize=65_536)
def normalize_label(value: str) -> str:
    """Compare labels ignoring case, Unicode form and runs of whitespace."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def resolve_label(value: Any, labels: Sequence[str], what: str) -> str:
    """The label in ``labels`` that ``value`` names.

    Raises:
        AnswerError: ``value`` is not a string or number, or names no label.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise AnswerError(f"expected {what} as text, got {type_name(value)}")
    wanted = normalize_label(str(value))
    for label in labels:
        if normalize_label(label) == wanted:
            return label
    shown = ", ".join(labels) if len(labels) <= 8 else ", ".join(labels[:8]) + ", …"
    raise AnswerError(f"unknown {what} {str(value)[:60]!r} (expected one of: {shown})")


def as_label_list(raw: Any, what: str) -> list[Any]:
    """One label, a list of labels, or a comma-separated string of them."""
    if isinstance(raw, list):
        return raw
    if isinstance(raw, str) and "," in raw:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, (str, int)) and not isinstance(raw, bool):
        return [raw]
    raise AnswerError(f"expected {what} or a list of them, got {type_name(raw)}")


def type_name(value: Any) -> str:
    """A student-friendly name of a YAML value's type."""
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }
    return names.get(type(value), type(value).__name__)
