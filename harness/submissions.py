"""Collecting submissions: a cohort folder of student folders, or a zip export of one.

A problem with one student (no answers file, unreadable YAML, an answers file that is not a
mapping) is recorded on that student's :class:`Submission` and never stops the cohort. Only a
cohort that cannot be read at all raises :class:`~harness.errors.SubmissionError`.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from harness.bank.yaml_source import Positions, load_yaml
from harness.errors import BankError, SubmissionError
from harness.results import Problem

ANSWER_FILES = ("answers.yaml", "answers.yml")
MAX_ANSWERS_BYTES = 1_000_000


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

    def answer_location(self, question_id: str) -> str | None:
        return self.positions.at((question_id,)) if self.positions else None


@dataclass
class Cohort:
    name: str
    submissions: list[Submission]
    problems: list[Problem] = field(default_factory=list)  # entries skipped while collecting


def read_submission(folder: Path, display: str | None = None) -> Submission:
    """Read one student's folder; problems are recorded on the result, never raised.

    ``display`` names the folder in problem locations (``cohort/student``), so results do
    not depend on where the cohort was unpacked.
    """
    submission = Submission(folder.name, folder)
    shown = display or str(folder)
    answers_path = next((folder / n for n in ANSWER_FILES if (folder / n).is_file()), None)
    if answers_path is None:
        submission.problems.append(
            Problem(
                code="no-answers",
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
    if path.is_symlink():
        submission.problems.append(
            Problem(code="answers-unreadable", message="answers file is a symbolic link", location=shown)
        )
        return
    if path.stat().st_size > MAX_ANSWERS_BYTES:
        message = f"answers file is larger than {MAX_ANSWERS_BYTES} bytes"
        submission.problems.append(Problem(code="answers-unreadable", message=message, location=shown))
        return
    try:
        data, positions = load_yaml(path, shown)
    except BankError as exc:
        submission.problems.append(Problem(code="answers-unreadable", message=exc.message, location=exc.location))
        return
    if data is None:
        data = {}
    if not isinstance(data, dict):
        message = "answers file must be a mapping of question id to answer"
        submission.problems.append(Problem(code="answers-unreadable", message=message, location=f"{shown}:1:1"))
        return
    submission.answers = {str(k): v for k, v in data.items()}
    submission.positions = positions


def collect_cohort(source: Path, workdir: Path | None = None) -> Cohort:
    """Collect every student folder under ``source`` (a folder, or a zip extracted into ``workdir``).

    Raises:
        SubmissionError: ``source`` does not exist, is not a folder or zip, or the zip is
            corrupt or exceeds the :class:`ZipLimits`.
    """
    problems: list[Problem] = []
    if source.is_file() and zipfile.is_zipfile(source):
        if workdir is None:
            raise SubmissionError("a zip cohort needs a work folder to extract into")
        root = extract_zip(source, workdir / "cohort", problems)
        name = source.stem
    elif source.is_dir():
        root, name = source, source.name
    else:
        raise SubmissionError(f"{source}: not a folder of submissions or a zip file")
    submissions = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_symlink():
            problems.append(
                Problem(
                    code="skipped-link", message=f"{entry.name}: symbolic link skipped", location=f"{name}/{entry.name}"
                )
            )
        elif entry.is_dir():
            submissions.append(read_submission(entry, f"{name}/{entry.name}"))
    return Cohort(name, submissions, problems)


def extract_zip(archive: Path, dest: Path, problems: list[Problem], limits: ZipLimits = ZipLimits()) -> Path:
    """Extract ``archive`` into ``dest`` safely; return the cohort root inside it.

    Entries that would escape ``dest`` (absolute paths, ``..``), links and oversized files are
    skipped and recorded in ``problems``.

    Raises:
        SubmissionError: the archive is corrupt, has too many entries, or unpacks to more
            than ``limits.max_total_bytes``.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > limits.max_members:
                raise SubmissionError(f"{archive}: {len(members)} entries; the limit is {limits.max_members}")
            total = 0
            for info in members:
                total += _extract_member(zf, info, dest, problems, limits, archive, total)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SubmissionError(f"{archive}: cannot read zip: {exc}") from None
    return _cohort_root(dest)


def _extract_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    dest: Path,
    problems: list[Problem],
    limits: ZipLimits,
    archive: Path,
    total_so_far: int,
) -> int:
    where = f"{archive.name}!{info.filename}"
    relative = _safe_member_path(info.filename)
    if relative is None:
        problems.append(Problem(code="zip-unsafe-entry", message="path leaves the archive; skipped", location=where))
        return 0
    if stat.S_ISLNK(info.external_attr >> 16):
        problems.append(Problem(code="zip-unsafe-entry", message="symbolic link; skipped", location=where))
        return 0
    target = dest.joinpath(*relative.parts)
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        written = _copy_member(zf, info, target, limits, archive, total_so_far)
    except (RuntimeError, NotImplementedError, zlib.error, zipfile.BadZipFile) as exc:
        # encrypted, an unsupported compression method, or corrupt data: skip this entry only
        target.unlink(missing_ok=True)
        problems.append(Problem(code="zip-unreadable-entry", message=f"cannot extract: {exc}; skipped", location=where))
        return 0
    if written > limits.max_file_bytes:
        target.unlink()
        message = f"larger than {limits.max_file_bytes} bytes; skipped"
        problems.append(Problem(code="zip-oversized-entry", message=message, location=where))
        return 0
    return written


def _copy_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: ZipLimits, archive: Path, total_so_far: int
) -> int:
    written = 0
    with zf.open(info) as src, target.open("wb") as out:
        while chunk := src.read(1 << 16):
            written += len(chunk)  # counted, not taken from the header, which can lie
            if written > limits.max_file_bytes:
                break
            if total_so_far + written > limits.max_total_bytes:
                raise SubmissionError(f"{archive.name}: unpacks to more than {limits.max_total_bytes} bytes")
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


def _cohort_root(dest: Path) -> Path:
    """LMS exports often wrap the student folders in one top folder: step into it."""
    entries = [e for e in dest.iterdir() if not e.name.startswith((".", "__"))]
    if len(entries) == 1 and entries[0].is_dir() and not any((entries[0] / n).exists() for n in ANSWER_FILES):
        inner = [e for e in entries[0].iterdir() if e.is_dir()]
        if inner:
            return entries[0]
    return dest
