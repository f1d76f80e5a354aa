"""Reading JSON Lines with a located message for every bad line, never a traceback.

Shared by the suites' data sets and by the outputs files students and models submit. Each
problem is one line ``file:line:col: what is wrong``; the reader goes on past a bad line so a
file with several mistakes is reported in one pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_PROBLEMS = 100  # stop collecting after this many; nobody reads more
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class JsonLine:
    """One parsed line: its 1-based number and its JSON value."""

    number: int
    value: Any


@dataclass
class JsonLines:
    """The good lines of a file and one message per bad one."""

    lines: list[JsonLine]
    problems: list[str]


def read_jsonl_file(path: Path, display: str, max_bytes: int) -> JsonLines:
    """Read ``path`` as UTF-8 JSON Lines; ``display`` names it in messages.

    Problems (recorded, not raised): unreadable, too large, not UTF-8, empty, an empty line,
    a line that is not JSON. Blank text after the last newline is not a line.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return JsonLines([], [f"{display}: the file is {size} bytes; the limit is {max_bytes}"])
        data = path.read_bytes()
    except OSError as exc:
        return JsonLines([], [f"{display}: cannot read: {exc.strerror or exc}"])
    return parse_jsonl(data, display)


def parse_jsonl(data: bytes, display: str) -> JsonLines:
    """Parse JSON Lines from ``data`` (see :func:`read_jsonl_file`)."""
    if data.startswith(_UTF16_BOMS):
        return JsonLines([], [f"{display}: the file is UTF-16 text; save it as UTF-8"])
    data = data.removeprefix(_UTF8_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return JsonLines([], [_encoding_problem(data, exc, display)])
    if not text.strip():
        return JsonLines([], [f"{display}: the file is empty; expected one JSON object per line"])
    pieces = text.split("\n")  # not splitlines(): U+2028 may stand unescaped inside a JSON string
    if pieces[-1].strip() == "":
        pieces.pop()
    result = JsonLines([], [])
    for number, piece in enumerate(pieces, start=1):
        if len(result.problems) >= MAX_PROBLEMS:
            result.problems.append(f"{display}: stopped after {MAX_PROBLEMS} problems")
            break
        _parse_line(piece.removesuffix("\r"), number, display, result)
    return result


def _parse_line(line: str, number: int, display: str, into: JsonLines) -> None:
    if not line.strip():
        into.problems.append(f"{display}:{number}:1: empty line (one JSON object per line, no blank lines)")
        return
    try:
        into.lines.append(JsonLine(number, json.loads(line)))
    except json.JSONDecodeError as exc:
        into.problems.append(f"{display}:{number}:{exc.colno}: not JSON: {exc.msg}")
    except RecursionError:
        into.problems.append(f"{display}:{number}:1: JSON nested too deeply")


def _encoding_problem(data: bytes, exc: UnicodeDecodeError, display: str) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    byte = data[exc.start : exc.start + 1].hex()
    return f"{display}:{line}:{column}: not UTF-8 text (byte 0x{byte}); save the file as UTF-8"


def describe(value: Any) -> str:
    """A short name for a JSON value's type, for messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, bool) or value is None:
        return names[type(value)]
    if isinstance(value, (int, float)):
        return "a number"
    return names.get(type(value), type(value).__name__)
