"""The base of every record in the result log, and the cleaning of student text in it.

Kept apart from :mod:`harness.results` so that the evidence models (:mod:`harness.evidence`),
which the results hold, can share the same base without an import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every lone surrogate written out visibly, so it can be encoded as UTF-8.

    Student text reaches results from places that can hold code points no UTF-8 file can:
    an exception message or a notebook decoded from JSON (``"\\ud800"``), a folder or zip
    entry name that is not UTF-8 (Python keeps each undecodable byte as U+DC80..U+DCFF). An
    undecodable byte is shown as ``\\xNN``, any other lone surrogate as ``\\uNNNN``.
    """
    if text.isascii():
        return text
    return _SURROGATE.sub(_escape_surrogate, text)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (os.fsdecode, surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def printable_data(value: Any) -> Any:
    """:func:`printable` applied to every string (keys included) of nested dicts, lists and
    records (a record comes back as a dict, to be validated again by its field's type).

    Data that is already plain (dicts with string keys, lists, ASCII strings, numbers) comes
    back as it is, unrebuilt: every answer and every evidence passes through here, and almost
    all of them are plain."""
    if _plain(value):
        return value
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, BaseModel):
        return printable_data(value.model_dump())
    if isinstance(value, Mapping):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(v) for v in value]
    return value


_SCALARS = frozenset({int, float, bool, type(None)})


def _plain(value: Any) -> bool:
    """Only JSON's own types (exactly: no subclass, tuple or record) and ASCII strings, so that
    :func:`printable_data` would return an equal copy. A walk that builds nothing."""
    kind = type(value)
    if kind is str:
        text: str = value
        return text.isascii()
    if kind is dict:
        return all(type(k) is str and k.isascii() and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind in _SCALARS


# Fields that carry student-provided text: cleaned where it enters the result log.
Text = Annotated[str, AfterValidator(printable)]
Data = Annotated[Any, AfterValidator(printable_data)]


class Record(BaseModel):
    # defer_build: a model's validator is built when first used, not when its module is
    # imported; a lone grade imports some forty record models and uses a dozen (tests/test_startup.py)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
