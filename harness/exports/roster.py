"""The roster: which LMS account each cohort folder belongs to.

A roster is a CSV file with a header row. ``folder`` (the student's folder name in the
cohort, the ``student_id`` of the results) is required; the other columns are optional and
an export uses those its LMS needs:

==============  ============================================================================
folder          the cohort folder name (required, unique)
name            the name as the LMS shows it (Canvas: "Last, First")
first_name      Moodle's "First name"
last_name       Moodle's "Last name"
lms_id          the LMS's own user id (Canvas: the "ID" column of a gradebook export)
sis_user_id     the institution's student id (Canvas "SIS User ID", Moodle "ID number")
sis_login_id    the login (Canvas "SIS Login ID")
section         the section (Canvas "Section")
email           the e-mail address (Moodle matches on it)
==============  ============================================================================

Unknown columns are refused (a typo such as ``emial`` would otherwise leave a column empty
without a word), and so are a folder named twice and a row that names nobody the LMS can
match (no ``lms_id``, ``sis_user_id``, ``sis_login_id`` or ``email``).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from harness.errors import HarnessError
from harness.results import CohortResult, StudentResult

IDENTIFYING = ("lms_id", "sis_user_id", "sis_login_id", "email")
MAX_ROSTER_BYTES = 20_000_000


@dataclass(frozen=True)
class RosterEntry:
    folder: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    lms_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    line: int = 0  # where the entry sits in the roster file, for messages


COLUMNS = tuple(f.name for f in fields(RosterEntry) if f.name != "line")


@dataclass(frozen=True)
class Roster:
    path: str
    entries: tuple[RosterEntry, ...]


@dataclass(frozen=True)
class RosterMatch:
    """Students matched to roster entries, and everyone who could not be matched."""

    matched: list[tuple[RosterEntry, StudentResult]]
    not_in_roster: list[str]  # cohort folders the roster does not name: not exported
    not_in_cohort: list[RosterEntry] = field(default_factory=list)  # roster entries without results

    @property
    def complete(self) -> bool:
        return not self.not_in_roster and not self.not_in_cohort

    def mismatches(self) -> list[str]:
        """One phrase per mismatch, results first, then roster entries in roster order."""
        phrases = [f"{folder} is not in the roster" for folder in self.not_in_roster]
        return phrases + [f"{e.folder} (roster line {e.line}) has no results" for e in self.not_in_cohort]

    def summary(self, shown: int = 5) -> str:
        """The mismatches on one line, the first ``shown`` named."""
        phrases = self.mismatches()
        more = f"; and {len(phrases) - shown} more" if len(phrases) > shown else ""
        return "; ".join(phrases[:shown]) + more

    def to_json(self) -> str:
        """The mismatch side file: stable keys, sorted, one trailing newline."""
        document = {
            "not_in_roster": self.not_in_roster,
            "not_in_cohort": [{k: v for k, v in asdict(e).items() if v != ""} for e in self.not_in_cohort],
            "matched": len(self.matched),
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"


def read_roster(path: Path) -> Roster:
    """Read and check a roster CSV (UTF-8, a BOM allowed: spreadsheets write one).

    Raises:
        HarnessError: the file cannot be read; an unknown or missing column; an empty,
            duplicate or unidentifiable row (``file:line: what``).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HarnessError(f"{path}: cannot read the roster ({exc.strerror})") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise HarnessError(f"{path}: the roster is {len(raw)} bytes; the limit is {MAX_ROSTER_BYTES}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HarnessError(f"{path}: the roster is not UTF-8 (byte {exc.start}); save it as CSV UTF-8") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise HarnessError(f"{path}: the roster is empty; its first row names the columns ({', '.join(COLUMNS)})")
    header = _header(rows[0], path)
    entries = [_entry(header, row, path, number) for number, row in enumerate(rows[1:], start=2) if any(row)]
    _check_unique(entries, path)
    return Roster(str(path), tuple(entries))


def _header(row: list[str], path: Path) -> list[str]:
    names = [cell.strip().lower() for cell in row]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise HarnessError(
            f"unknown column(s) {', '.join(map(repr, unknown))}; known: {', '.join(COLUMNS)}", f"{path}:1"
        )
    if "folder" not in names:
        raise HarnessError("no 'folder' column (the student's folder name in the cohort)", f"{path}:1")
    if len(set(names)) != len(names):
        raise HarnessError("a column is named twice", f"{path}:1")
    return names


def _entry(header: list[str], row: list[str], path: Path, number: int) -> RosterEntry:
    if len(row) > len(header):
        raise HarnessError(f"{len(row)} cells but the header names {len(header)} columns", f"{path}:{number}")
    values = {name: cell.strip() for name, cell in zip(header, row, strict=False)}
    if not values.get("folder"):
        raise HarnessError("no folder name", f"{path}:{number}")
    if not any(values.get(k) for k in IDENTIFYING):
        raise HarnessError(
            f"{values['folder']}: nothing an LMS can match on (give one of {', '.join(IDENTIFYING)})",
            f"{path}:{number}",
        )
    return RosterEntry(**values, line=number)


def _check_unique(entries: list[RosterEntry], path: Path) -> None:
    seen: dict[str, int] = {}
    for entry in entries:
        key = _key(entry.folder)
        if key in seen:
            raise HarnessError(f"{entry.folder} is already on line {seen[key]}", f"{path}:{entry.line}")
        seen[key] = entry.line


def _key(folder: str) -> str:
    """Folder names compared as the file system of another machine may have written them."""
    return unicodedata.normalize("NFC", folder)


def match_roster(roster: Roster, cohort: CohortResult) -> RosterMatch:
    """Pair every student with their roster entry, in roster order; list who is unmatched."""
    students = {_key(s.student_id): s for s in cohort.students}
    matched = [(e, students[_key(e.folder)]) for e in roster.entries if _key(e.folder) in students]
    known = {_key(e.folder) for e in roster.entries}
    return RosterMatch(
        matched=matched,
        not_in_roster=sorted(s.student_id for s in cohort.students if _key(s.student_id) not in known),
        not_in_cohort=[e for e in roster.entries if _key(e.folder) not in students],
    )
