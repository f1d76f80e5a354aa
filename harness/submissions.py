"""Collecting submissions: a cohort folder of student folders, or a zip export of one.

A problem with one student (no answers file, unreadable YAML, an answers file that is not a
mapping, a zip entry that cannot be written) is recorded on that student's
:class:`Submission` and never stops the cohort; one unreadable answer costs only that answer
(:mod:`harness.answers_file`). What the cohort loses as a whole (students whose every zip
entry was skipped, names that differ only by case or Unicode normalisation) is recorded in
:attr:`Cohort.problems`. A cohort that cannot be read at all, or holds no student,
raises :class:`~harness.errors.SubmissionError` saying what was found.
"""

from __future__ import annotations

import shutil
import stat
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from harness.answers_file import MAX_ANSWERS_BYTES, AnswersFile, read_answers_yaml
from harness.errors import SubmissionError
from harness.records import printable
from harness.results import Problem, ProblemCode
from harness.yamlsource import Positions
from harness.zip_names import open_zip, raw_name

ANSWER_FILES = ("answers.yaml", "answers.yml")
# what a student hands in; such a file at the cohort's top level is recorded, not ignored
SUBMISSION_SUFFIXES = frozenset({".py", ".ipynb", ".yaml", ".yml", ".json", ".jsonl", ".zip"})
__all__ = [
    "ANSWER_FILES",
    "MAX_ANSWERS_BYTES",
    "Cohort",
    "CohortScan",
    "StudentFolder",
    "Submission",
    "ZipLimits",
    "collect_cohort",
    "extract_zip",
    "read_answers_file",
    "read_submission",
    "scan_cohort",
]


@dataclass(frozen=True)
class ZipLimits:
    """Caps on what a zip export may unpack to; the sizes are counted while extracting."""

    max_members: int = 20_000
    max_file_bytes: int = 50_000_000
    max_total_bytes: int = 500_000_000


@dataclass
class Submission:
    student_id: str
    folder: Path
    answers: dict[str, Any] = field(default_factory=dict)
    positions: Positions | None = None  # where each answer sits in answers.yaml
    problems: list[Problem] = field(default_factory=list)
    unreadable: dict[str, Problem] = field(default_factory=dict)  # question id -> why its answer was lost

    def answer_location(self, question_id: str) -> str | None:
        return self.positions.at((question_id,)) if self.positions else None


@dataclass
class Cohort:
    name: str
    submissions: list[Submission]
    problems: list[Problem] = field(default_factory=list)  # what the cohort as a whole lost


def read_submission(folder: Path, display: str | None = None) -> Submission:
    """Read one student's folder; problems are recorded on the result, never raised.

    ``display`` names the folder in problem locations (``cohort/student``), so results do
    not depend on where the cohort was unpacked.
    """
    submission = Submission(folder.name, folder)
    shown = display or str(folder)
    if printable(folder.name) != folder.name:
        message = f"the folder name is not UTF-8 text; it is shown as '{printable(folder.name)}'"
        submission.problems.append(Problem(code=ProblemCode.NAME_NOT_UTF8, message=message, location=shown))
    answers_path = next((folder / n for n in ANSWER_FILES if (folder / n).is_file()), None)
    if answers_path is None:
        submission.problems.append(
            Problem(
                code=ProblemCode.NO_ANSWERS,
                message=f"no {ANSWER_FILES[0]} in the submission folder",
                location=shown,
            )
        )
        return submission
    _read_answers(answers_path, submission, f"{shown}/{answers_path.name}")
    return submission


def read_answers_file(path: Path, student_id: str) -> Submission:
    """Read a single answers file (the student's self-check)."""
    submission = Submission(student_id, path.parent)
    _read_answers(path, submission, str(path))
    return submission


def _read_answers(path: Path, submission: Submission, shown: str) -> None:
    found: AnswersFile = read_answers_yaml(path, shown)
    submission.answers = found.answers
    submission.positions = found.positions
    submission.problems += found.problems
    submission.unreadable = found.unreadable


@dataclass(frozen=True)
class StudentFolder:
    """A student's folder as a cohort lists it, before anything in it is read.

    ``problems`` are what collecting the cohort found about this student (zip entries that
    were skipped); :meth:`read` adds them after what reading the folder finds. A result store
    can hash the folder's bytes and reuse the student's grades without reading it at all.
    """

    student_id: str
    folder: Path
    display: str  # names the folder in problem locations: ``cohort/student``
    problems: tuple[Problem, ...] = ()

    def read(self) -> Submission:
        submission = read_submission(self.folder, self.display)
        submission.problems += self.problems
        return submission


@dataclass
class CohortScan:
    """A cohort's student folders, found and not read yet (see :func:`scan_cohort`)."""

    name: str
    students: list[StudentFolder]
    problems: list[Problem] = field(default_factory=list)  # what the cohort as a whole lost

    def read(self) -> Cohort:
        return Cohort(self.name, [student.read() for student in self.students], self.problems)


def collect_cohort(source: Path, workdir: Path | None = None) -> Cohort:
    """Collect every student folder under ``source`` (a folder, or a zip extracted into
    ``workdir``) and read each one; see :func:`scan_cohort` for what is raised."""
    return scan_cohort(source, workdir).read()


def scan_cohort(source: Path, workdir: Path | None = None) -> CohortScan:
    """Find every student folder under ``source`` (a folder, or a zip extracted into
    ``workdir``) without reading any; :meth:`CohortScan.read` reads them.

    Raises:
        SubmissionError: ``source`` does not exist, is not a folder or zip, the zip is
            corrupt or exceeds the :class:`ZipLimits`, or no student folder was found (the
            message says what was found instead).
    """
    entry_problems: list[EntryProblem] = []
    if source.is_file() and zipfile.is_zipfile(source):
        if workdir is None:
            raise SubmissionError("a zip cohort needs a work folder to extract into")
        dest = workdir / "cohort"
        root = _extract(source, dest, entry_problems, ZipLimits())
        name = source.stem
    elif source.is_dir():
        root, name = source, source.name
        dest = root
    else:
        raise SubmissionError(f"{source}: not a folder of submissions or a zip file")
    answers = next((n for n in ANSWER_FILES if (root / n).exists()), None)
    if answers is not None:
        raise SubmissionError(_one_student(source, answers))
    problems: list[Problem] = []
    folders = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_symlink():
            message = f"{printable(entry.name)}: symbolic link skipped"
            problems.append(Problem(code=ProblemCode.SKIPPED_LINK, message=message, location=f"{name}/{entry.name}"))
        elif entry.is_dir():
            folders.append(entry)
        elif _looks_like_work(entry.name):
            message = f"{printable(entry.name)}: a file, not a student folder; skipped"
            problems.append(Problem(code=ProblemCode.SKIPPED_FILE, message=message, location=f"{name}/{entry.name}"))
    placed, cohort_level = _place_entry_problems(entry_problems, root.relative_to(dest).parts, folders, name)
    if not folders:
        raise SubmissionError(_no_students(source, root, [e.problem for e in entry_problems]))
    students = [StudentFolder(f.name, f, f"{name}/{f.name}", tuple(placed.get(f.name, ()))) for f in folders]
    return CohortScan(name, students, cohort_level + problems + _lookalike_students(folders, name))


def _looks_like_work(name: str) -> bool:
    """A file at the cohort's top level that is a submission misplaced (a program, answers, a
    zip, a file with no suffix) rather than the cohort's own notes (``README.txt``, a roster)."""
    suffix = Path(name).suffix.lower()
    return suffix in SUBMISSION_SUFFIXES or not suffix


def _place_entry_problems(
    entry_problems: list[EntryProblem], wrapper: tuple[str, ...], folders: list[Path], cohort: str
) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """Each skipped zip entry's problem on its student (by folder name); what is left belongs
    to the cohort.

    A student whose every entry was skipped has no folder at all: they would vanish from
    the results without a word, so the cohort records that they were dropped.
    """
    names = {f.name for f in folders}
    placed: dict[str, list[Problem]] = {}
    cohort_level: list[Problem] = []
    dropped: Counter[str] = Counter()
    for item in entry_problems:
        student = item.student(wrapper)
        if student in names:
            placed.setdefault(student, []).append(item.problem)
            continue
        cohort_level.append(item.problem)
        if student is not None:
            dropped[student] += 1
    for student, count in sorted(dropped.items()):
        message = f"{printable(student)}: all {count} of this student's zip entries were skipped; not graded"
        cohort_level.append(Problem(code=ProblemCode.STUDENT_DROPPED, message=message, location=f"{cohort}/{student}"))
    return placed, cohort_level


def _lookalike_students(folders: list[Path], cohort: str) -> list[Problem]:
    """Student ids that differ only by case or Unicode normalisation (NFC "zoë", NFD "zoë")."""
    groups: dict[str, list[str]] = {}
    for folder in folders:
        key = unicodedata.normalize("NFC", printable(folder.name)).casefold()
        groups.setdefault(key, []).append(folder.name)
    problems = []
    for ids in groups.values():
        if len(ids) > 1:
            names = " and ".join(ascii(i) for i in ids)
            message = (
                f"{names} differ only by case or Unicode normalisation (NFC/NFD): graded as {len(ids)} "
                "students; merge or rename them"
            )
            problems.append(
                Problem(code=ProblemCode.LOOKALIKE_STUDENTS, message=message, location=f"{cohort}/{ids[0]}")
            )
    return problems


def _one_student(source: Path, answers: str) -> str:
    """A cohort with an answers file at its root is one student's submission, not a cohort."""
    if source.is_file():
        return f"{source}: {answers} is at the root of the zip; a cohort zip holds one folder per student"
    return (
        f"{source}: this is one student's folder (it holds {answers}); pass the folder that holds the "
        "student folders, or check one student with `harness check`"
    )


def _no_students(source: Path, root: Path, skipped: list[Problem]) -> str:
    """Why a cohort has no student, in the words of what was found instead."""
    seen = [e for e in sorted(root.iterdir(), key=lambda p: p.name) if not e.name.startswith((".", "__"))]
    names = ", ".join(printable(e.name) for e in seen[:3]) + (", ..." if len(seen) > 3 else "")
    found = [f"{len(seen)} item(s) that are not student folders ({names})"] if seen else []
    if skipped:
        first = skipped[0]
        found.append(f"{len(skipped)} zip entries skipped (first: {first.location}: {first.message})")
    if not found:
        return f"{source}: no student folders: the {'zip' if source.is_file() else 'folder'} is empty"
    return f"{source}: no student folders; found {'; '.join(found)}"


@dataclass(frozen=True)
class EntryProblem:
    """A zip entry that was skipped, with the path it claimed (for finding its student)."""

    claimed: tuple[str, ...]
    problem: Problem

    def student(self, wrapper: tuple[str, ...]) -> str | None:
        """The student folder this entry is inside, given the export's wrapper folder (if any)."""
        n = len(wrapper)
        inside = self.claimed[:n] == wrapper and len(self.claimed) > n + 1
        return self.claimed[n] if inside else None


def extract_zip(archive: Path, dest: Path, problems: list[Problem], limits: ZipLimits = ZipLimits()) -> Path:
    """Extract ``archive`` into ``dest`` safely; return the cohort root inside it.

    Entries that would escape ``dest`` (absolute paths, ``..``), links, duplicates,
    oversized files and entries the file system refuses (a path that is both a file and a
    folder, a name too long) are skipped and recorded in ``problems``.

    Raises:
        SubmissionError: the archive is corrupt, has too many entries, or unpacks to more
            than ``limits.max_total_bytes``.
    """
    found: list[EntryProblem] = []
    root = _extract(archive, dest, found, limits)
    problems += [item.problem for item in found]
    return root


@dataclass
class _Extraction:
    """What one extraction has written so far."""

    archive: Path
    dest: Path
    limits: ZipLimits
    problems: list[EntryProblem]
    total: int = 0
    written: set[tuple[str, ...]] = field(default_factory=set)  # paths of the files extracted

    def skip(self, name: str, code: ProblemCode, message: str) -> None:
        where = f"{self.archive.name}!{name}"
        self.problems.append(EntryProblem(_claimed_parts(name), Problem(code=code, message=message, location=where)))


def _extract(archive: Path, dest: Path, problems: list[EntryProblem], limits: ZipLimits) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    run = _Extraction(archive, dest, limits, problems)
    scratch = dest.parent / f"{dest.name}.names-repaired.zip"
    try:
        zf, repaired = open_zip(archive, scratch)
        with zf:
            members = zf.infolist()
            if len(members) > limits.max_members:
                raise SubmissionError(f"{archive}: {len(members)} entries; the limit is {limits.max_members}")
            for index, info in enumerate(members):
                name = raw_name(info).decode("utf-8", "surrogateescape") if index in repaired else info.filename
                _extract_member(zf, info, name, run)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SubmissionError(f"{archive}: cannot read zip: {exc}") from None
    finally:
        scratch.unlink(missing_ok=True)
    if repaired:
        first = next(printable(raw_name(members[i]).decode("utf-8", "surrogateescape")) for i in sorted(repaired))
        message = (
            f"{len(repaired)} entry name(s) are marked UTF-8 but are not (first: '{first}'); "
            "extracted under their bytes"
        )
        problems.append(
            EntryProblem((), Problem(code=ProblemCode.ZIP_NAME_NOT_UTF8, message=message, location=archive.name))
        )
    return _cohort_root(dest)


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, run: _Extraction) -> None:
    relative = _safe_member_path(name)
    if relative is None:
        run.skip(name, ProblemCode.ZIP_UNSAFE_ENTRY, "path leaves the archive; skipped")
        return
    if stat.S_ISLNK(info.external_attr >> 16):
        run.skip(name, ProblemCode.ZIP_UNSAFE_ENTRY, "symbolic link; skipped")
        return
    if relative.parts in run.written:
        run.skip(name, ProblemCode.ZIP_DUPLICATE_ENTRY, "a second entry with the same path; the first one was kept")
        return
    target = run.dest.joinpath(*relative.parts)
    try:  # the file system, not the archive, refuses these: this entry alone is lost
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("xb")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__  # "File exists", "Not a directory", "File name too long"
        run.skip(name, ProblemCode.ZIP_UNWRITABLE_ENTRY, f"cannot be written here ({reason}); skipped")
        return
    run.written.add(relative.parts)
    with out:
        _write_member(zf, info, name, (target, out), run)


def _write_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, output: tuple[Path, BinaryIO], run: _Extraction
) -> None:
    target, out = output
    try:
        written = _copy_member(zf, info, out, run)
    except (RuntimeError, NotImplementedError, zlib.error, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        # encrypted, an unsupported compression method, corrupt data, or a local header whose
        # name is marked UTF-8 but is not: skip this entry only
        target.unlink(missing_ok=True)
        run.skip(name, ProblemCode.ZIP_UNREADABLE_ENTRY, f"cannot extract: {exc}; skipped")
        return
    if written > run.limits.max_file_bytes:
        target.unlink()
        run.skip(name, ProblemCode.ZIP_OVERSIZED_ENTRY, f"larger than {run.limits.max_file_bytes} bytes; skipped")
        return
    run.total += written


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: BinaryIO, run: _Extraction) -> int:
    written = 0
    with zf.open(info) as src:
        while chunk := src.read(1 << 16):
            written += len(chunk)  # counted, not taken from the header, which can lie
            if written > run.limits.max_file_bytes:
                break
            if run.total + written > run.limits.max_total_bytes:
                raise SubmissionError(f"{run.archive.name}: unpacks to more than {run.limits.max_total_bytes} bytes")
            out.write(chunk)
    return written


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path if it stays inside the archive root, else None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or not path.parts or ":" in path.parts[0]:
        return None
    if any(part in ("..", "") for part in path.parts):
        return None
    return path


def _claimed_parts(name: str) -> tuple[str, ...]:
    """The folders a (possibly unsafe) entry name claims, for telling which student it was."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and ":" in parts[0]:
        parts = parts[1:]
    return tuple(parts)


def _cohort_root(dest: Path) -> Path:
    """LMS exports often wrap the student folders in one top folder: step into it."""
    entries = [e for e in dest.iterdir() if not e.name.startswith((".", "__"))]
    if len(entries) == 1 and entries[0].is_dir() and not any((entries[0] / n).exists() for n in ANSWER_FILES):
        inner = [e for e in entries[0].iterdir() if e.is_dir()]
        if inner:
            return entries[0]
    return dest
