"""Reading a student's answers.yaml so that one bad answer costs only that answer.

The strict YAML reader (:mod:`harness.yamlsource`) refuses a whole document for one
duplicate key, and a file that is not UTF-8 cannot be read at all; for a bank that is right,
for a student it would throw away every answer for one slip. Here, a file the strict reader
refuses (or one with bytes that are not UTF-8) has its top-level entries located (first and
last line of each). Entries on a line that is not UTF-8, entries whose key appears twice, and
entries the strict reader rejects are blanked out (line numbers are kept) and recorded with
their line, and the rest is read strictly again. A valid file is read once, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import YamlError
from harness.results import Problem, ProblemCode
from harness.yamlsource import Positions, TopEntry, load_yaml_text, top_level_entries

MAX_ANSWERS_BYTES = 1_000_000
MAX_LOST_ANSWERS = 50  # each lost answer costs one more parse: a cap keeps a hostile file cheap
# Answers are located by question id (``Submission.answer_location``), never deeper: marks of
# the values inside an answer cost a quiz cohort's reading a tenth of its time, and were sent
# to the second process with every submission.
ANSWER_MARKS_DEPTH = 1


@dataclass
class AnswersFile:
    """What could be read from one answers file."""

    answers: dict[str, Any] = field(default_factory=dict)
    positions: Positions | None = None
    problems: list[Problem] = field(default_factory=list)
    unreadable: dict[str, Problem] = field(default_factory=dict)  # question id -> why it was not read


def read_answers_yaml(path: Path, shown: str) -> AnswersFile:
    """Read the answers file at ``path`` (``shown`` names it in locations). Never raises.

    A problem that loses the whole file has code ``answers-unreadable``; one that loses a
    single answer has code ``answer-unreadable`` and is also in ``unreadable``.
    """
    found = AnswersFile()
    if path.is_symlink():
        found.problems.append(_whole_file("answers file is a symbolic link", shown))
        return found
    try:
        if path.stat().st_size > MAX_ANSWERS_BYTES:
            found.problems.append(_whole_file(f"answers file is larger than {MAX_ANSWERS_BYTES} bytes", shown))
            return found
        raw = path.read_bytes()
    except OSError as exc:
        found.problems.append(_whole_file(f"cannot read the answers file: {exc.strerror or exc}", shown))
        return found
    text, bad_lines = _decode(raw)
    _parse(text, bad_lines, shown, found)
    return found


def _parse(text: str, bad_lines: dict[int, int], shown: str, found: AnswersFile) -> None:
    entries: list[TopEntry] | None = None  # located only when needed: a valid file is parsed once, by libyaml
    lost: dict[str, str] = {}  # key as written -> why its answer is not read
    if bad_lines:
        entries, lost = _located(text)
        problem = _lose_bad_lines(entries, bad_lines, lost, shown)
        if problem is not None:
            found.problems.append(problem)
            return
    while True:
        try:
            data, positions = load_yaml_text(_blanked(text, entries or [], lost), shown, marks_depth=ANSWER_MARKS_DEPTH)
            break
        except YamlError as exc:
            if entries is None:
                entries, lost = _located(text)
                if lost:  # keys written twice: the strict reader's error was one of them
                    continue
            entry = _entry_at(entries, _line_of(exc.location))
            if entry is None or entry.key in lost or len(lost) >= MAX_LOST_ANSWERS:  # the file is lost
                found.problems.append(
                    Problem(code=ProblemCode.ANSWERS_UNREADABLE, message=exc.message, location=exc.location)
                )
                return
            lost[entry.key] = exc.message
    if data is None:
        data = {}
    if not isinstance(data, dict):
        message = "answers file must be a mapping of question id to answer"
        found.problems.append(Problem(code=ProblemCode.ANSWERS_UNREADABLE, message=message, location=f"{shown}:1:1"))
        return
    found.answers = {str(k): v for k, v in data.items()}
    found.positions = positions
    for entry in entries or []:
        if entry.key in lost:
            _lose(found, entry, lost[entry.key], shown)


def _located(text: str) -> tuple[list[TopEntry] | None, dict[str, str]]:
    """The top-level entries, and the answers lost because their key is written twice."""
    entries = top_level_entries(text)
    lost = {
        key: f"answered {len(lines)} times (lines {', '.join(map(str, lines))}); none of them was graded"
        for key, lines in _duplicates(entries or []).items()
    }
    return entries, lost


def _lose_bad_lines(
    entries: list[TopEntry] | None, bad_lines: dict[int, int], lost: dict[str, str], shown: str
) -> Problem | None:
    """Mark the answer on each line that is not UTF-8; a Problem if the whole file is lost."""
    for line, byte in sorted(bad_lines.items()):
        why = f"line {line} is not UTF-8 text (byte 0x{byte:02x})"
        entry = _entry_at(entries, line)
        if entry is not None:
            lost.setdefault(entry.key, why)
        elif not entries:  # not a mapping of answers: nothing to keep apart
            return _whole_file(why, f"{shown}:{line}")
    return None


def _lose(found: AnswersFile, entry: TopEntry, why: str, shown: str) -> None:
    if entry.key in found.unreadable:
        return
    problem = Problem(
        code=ProblemCode.ANSWER_UNREADABLE,
        message=f"the answer to {entry.key!r} could not be read: {why}",
        location=f"{shown}:{entry.first}:{entry.column}",
    )
    found.unreadable[entry.key] = problem
    found.problems.append(problem)


def _decode(raw: bytes) -> tuple[str, dict[int, int]]:
    """The text, and for each line that is not UTF-8 its first bad byte (the line keeps U+FFFD)."""
    try:
        return raw.decode("utf-8"), {}
    except UnicodeDecodeError:
        pass
    lines, bad = [], {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad[number] = line[exc.start]
            lines.append(line.decode("utf-8", "replace"))
    return "\n".join(lines), bad


def _entry_at(entries: list[TopEntry] | None, line: int | None) -> TopEntry | None:
    if not entries or line is None:
        return None
    return next((e for e in entries if e.first <= line <= e.last), None)


def _duplicates(entries: list[TopEntry]) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = {}
    for entry in entries:
        lines.setdefault(entry.key, []).append(entry.first)
    return {key: found for key, found in lines.items() if len(found) > 1}


def _blanked(text: str, entries: list[TopEntry], lost: dict[str, str]) -> str:
    """``text`` with the lines of every lost entry emptied; line numbers are unchanged."""
    if not lost:
        return text
    lines = text.split("\n")
    for entry in entries:
        if entry.key in lost:
            for number in range(entry.first, entry.last + 1):
                if number <= len(lines) and not _shared(entries, entry, number):
                    lines[number - 1] = ""
    return "\n".join(lines)


def _shared(entries: list[TopEntry], entry: TopEntry, line: int) -> bool:
    """A line where the next entry begins (a flow mapping puts several on one line)."""
    return any(other is not entry and other.first == line for other in entries)


def _line_of(location: str | None) -> int | None:
    """The line of ``file:line:col``; None when the location has no line."""
    parts = (location or "").rsplit(":", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _whole_file(message: str, location: str) -> Problem:
    return Problem(code=ProblemCode.ANSWERS_UNREADABLE, message=message, location=location)
