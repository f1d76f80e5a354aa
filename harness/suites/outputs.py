"""Reading a system's outputs: a JSONL file of ``{"id": ..., "output": ...}`` or a folder of images.

Every mistake in an outputs file is reported at ``file:line:col`` and collected in one pass
(:class:`~harness.suites.errors.OutputsError`): not UTF-8, an empty line, a line that is not
JSON or not an object, a missing or non-string ``id`` or ``output``, a duplicate id, an id that
is not in the suite's data set. Ids of the data set with no output are returned rather than
raised, so the caller decides: ``harness score`` refuses them unless told otherwise, the
``generation`` kind scores them as empty outputs and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.submission_files import SubmissionFileError, read_submitted_bytes
from harness.suites.errors import OutputsError
from harness.suites.jsonl import describe, parse_jsonl

MAX_OUTPUTS_BYTES = 20_000_000
LISTED_IDS = 5


@dataclass(frozen=True)
class TextOutputs:
    """A system's text outputs for a data set."""

    display: str  # the file as messages name it
    outputs: dict[str, str]  # data-set id -> output
    missing: list[str]  # data-set ids without an output, in data-set order
    sha256: str  # of the file's bytes

    def hypotheses(self, ids: Sequence[str]) -> list[str]:
        """The outputs in the order of ``ids``; a missing one is the empty string."""
        return [self.outputs.get(item, "") for item in ids]


def read_text_outputs(path: Path, display: str, dataset_ids: Sequence[str], suite: str) -> TextOutputs:
    """Read the outputs file at ``path`` for a data set with ``dataset_ids`` (of suite ``suite``).

    Raises:
        OutputsError: every problem found (see the module docstring), each on its own line.
    """
    data = _read_bytes(path, display)
    parsed = parse_jsonl(data, display)
    problems = list(parsed.problems)
    known = set(dataset_ids)
    outputs: dict[str, str] = {}
    first_line: dict[str, int] = {}
    unknown: list[str] = []
    for line in parsed.lines:
        where = f"{display}:{line.number}:1"
        entry = line.value
        if not isinstance(entry, dict):
            problems.append(f'{where}: expected an object {{"id": ..., "output": ...}}, got {describe(entry)}')
            continue
        checked = _entry(entry.get("id"), entry.get("output"))
        if isinstance(checked, str):
            problems.append(f"{where}: {checked}")
            continue
        item_id, output = checked
        if item_id in first_line:
            problems.append(f"{where}: duplicate id {item_id!r} (first on line {first_line[item_id]})")
            continue
        first_line[item_id] = line.number
        if item_id not in known:
            unknown.append(item_id)
            problems.append(f"{where}: id {item_id!r} is not in the data set of suite {suite!r}")
            continue
        outputs[item_id] = output
    if problems:
        raise OutputsError(problems)
    missing = [item for item in dataset_ids if item not in outputs]
    return TextOutputs(display, outputs, missing, hashlib.sha256(data).hexdigest())


def _read_bytes(path: Path, display: str) -> bytes:
    if path.is_symlink():
        raise OutputsError([f"{display}: a link (links are not followed); submit the file itself"])
    if not path.is_file():
        what = "a folder" if path.is_dir() else "missing"
        raise OutputsError([f'{display}: {what}; expected a JSONL file with one {{"id", "output"}} object per line'])
    try:
        return read_submitted_bytes(path, MAX_OUTPUTS_BYTES, display)
    except SubmissionFileError as exc:
        raise OutputsError([exc.message]) from None


def _entry(item_id: object, output: object) -> tuple[str, str] | str:
    """The id and output of a line, or what is wrong with them."""
    if item_id is None:
        return 'no "id" (each line is {"id": ..., "output": ...})'
    if not isinstance(item_id, str):
        hint = f' (write "{item_id}", in quotes)' if isinstance(item_id, int) and not isinstance(item_id, bool) else ""
        return f'"id" must be a string, got {describe(item_id)}{hint}'
    if output is None:
        return f'no "output" for id {item_id!r}'
    if not isinstance(output, str):
        return f'"output" of id {item_id!r} must be a string, got {describe(output)}'
    return item_id, output


def list_ids(ids: Sequence[str]) -> str:
    """The first few ids, and how many more."""
    shown = ", ".join(ids[:LISTED_IDS])
    return shown + (f" and {len(ids) - LISTED_IDS} more" if len(ids) > LISTED_IDS else "")
