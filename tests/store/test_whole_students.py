"""The re-grade's fast path: an unchanged student is reused whole, from their folder's bytes,
without reading their answers, opening the run or rendering the reports again."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness import api
from harness.cli import main
from harness.reports.json_report import JsonReporter
from harness.store import cohort as store_cohort
from harness.store import store_path
from harness.store.keys import folder_digest
from harness.submissions import ANSWER_FILES, StudentFolder, Submission
from tests.store.conftest import TODAY


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The students whose folder is read (their answers parsed), as they are read."""
    seen: list[str] = []
    read = StudentFolder.read

    def recording(self: StudentFolder) -> Submission:
        seen.append(self.student_id)
        return read(self)

    monkeypatch.setattr(StudentFolder, "read", recording)
    return seen


def _grade(bank: Path, cohort: Path, out: Path, formats: tuple[str, ...] = ("json",), **kwargs: Any) -> bytes:
    api.grade([bank], cohort, out, formats, dt.date.fromisoformat(TODAY), **kwargs)
    return (out / "results.json").read_bytes()


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("called on a re-grade of an unchanged cohort")


def test_an_unchanged_cohort_reads_no_student_opens_no_run_and_renders_nothing(
    quiz: tuple[Path, Path], tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, cohort = quiz
    first = _grade(bank, cohort, tmp_path / "out", ("json", "csv"))
    pages = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert len(reads) == 12
    reads.clear()
    monkeypatch.setattr(store_cohort, "open_run", _refuse)
    monkeypatch.setattr(JsonReporter, "_write", _refuse)
    run = api.grade([bank], cohort, tmp_path / "out", ["json", "csv"], dt.date.fromisoformat(TODAY))
    assert reads == []
    assert (tmp_path / "out" / "results.json").read_bytes() == first
    assert sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file()) == pages
    assert run.reports == {"json": tmp_path / "out" / "results.json", "csv": tmp_path / "out" / "gradebook.csv"}
    assert run.cohort.model_dump_json() == api.read_results(tmp_path / "out" / "results.json").model_dump_json()


def test_a_one_byte_change_reads_and_regrades_that_student_only(
    quiz: tuple[Path, Path], tmp_path: Path, reads: list[str]
) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out")
    answers = cohort / "s004" / "answers.yaml"
    text = answers.read_text(encoding="utf-8")
    answers.write_text(text + " ", encoding="utf-8")  # one byte more, the same answers
    reads.clear()
    again = _grade(bank, cohort, tmp_path / "out")
    assert reads == ["s004"]
    assert again == _grade(bank, cohort, tmp_path / "fresh")


def test_a_changed_report_is_rendered_again(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    bank, cohort = quiz
    first = _grade(bank, cohort, tmp_path / "out")
    (tmp_path / "out" / "results.json").write_text("edited by hand\n", encoding="utf-8")
    assert _grade(bank, cohort, tmp_path / "out") == first


def test_another_set_of_reports_is_rendered(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out", ("json",))
    _grade(bank, cohort, tmp_path / "out", ("json", "csv"))
    assert (tmp_path / "out" / "gradebook.csv").is_file()
    _grade(bank, cohort, tmp_path / "out", ("json",))
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_a_kept_record_unlike_the_opened_runs_reuses_nothing_whole(
    quiz: tuple[Path, Path], tmp_path: Path, reads: list[str]
) -> None:
    bank, cohort = quiz
    first = _grade(bank, cohort, tmp_path / "out")
    with sqlite3.connect(store_path(tmp_path / "out")) as db:  # as if a scope had recorded another sandbox
        db.execute("UPDATE meta SET value = '[\"elsewhere\", null]' WHERE name LIKE 'run-record:%'")
    (cohort / "s002" / "notes.txt").write_text("a new file: the run opens\n", encoding="utf-8")
    reads.clear()
    assert _grade(bank, cohort, tmp_path / "out") == first
    assert sorted(reads) == [f"s{i:03d}" for i in range(12)]  # every student read, graded per question


def test_a_student_who_left_is_forgotten(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out")
    for path in (cohort / "s011").iterdir():
        path.unlink()
    (cohort / "s011").rmdir()
    again = _grade(bank, cohort, tmp_path / "out")
    assert again == _grade(bank, cohort, tmp_path / "fresh")
    with sqlite3.connect(store_path(tmp_path / "out")) as db:
        ids = {row[0] for row in db.execute("SELECT student_id FROM students")}
        graded = {row[0] for row in db.execute("SELECT DISTINCT student_id FROM grades")}
    assert ids == graded == {f"s{i:03d}" for i in range(11)}


def test_the_command_prints_the_same_summary_without_building_the_cohort(
    quiz: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, cohort = quiz
    (cohort / "s001" / "answers.yaml").write_text("q-nope: 1\n", encoding="utf-8")  # a problem to flag
    args = ["grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "out"), "--today", TODAY, "-q"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "(1 problem(s))" in first.stdout
    monkeypatch.setattr(store_cohort.StoreGrading, "cohort", _refuse)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout


def _digest_by_rglob(folder: Path) -> str:
    """The folder digest as the store first defined it (pathlib's rglob, a stat per entry)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative in ANSWER_FILES or (path.is_dir() and not path.is_symlink()):
            continue
        digest.update(relative.encode() + b"\0")
        if path.is_symlink():
            digest.update(b"L" + str(path.readlink()).encode())
        elif path.is_file():
            digest.update(b"F" + hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(b"O")
        digest.update(b"\0")
    return digest.hexdigest()


def test_the_folder_digest_lists_a_folder_as_rglob_does(tmp_path: Path) -> None:
    """Stores written before the listing was made faster keep their keys."""
    for name in ["x.py", "a/b/z", "a/b-c/y", "a-b/q", "answers.yaml", "a/answers.yaml", "Z", "é.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    os.symlink("a", tmp_path / "link")
    os.symlink("nowhere", tmp_path / "dangling")
    os.mkfifo(tmp_path / "pipe")
    assert folder_digest(tmp_path) == _digest_by_rglob(tmp_path)


def test_a_folder_named_with_bytes_that_are_not_utf8_is_saved_whole_and_reused(
    quiz: tuple[Path, Path], tmp_path: Path, reads: list[str]
) -> None:
    bank, cohort = quiz
    raw = os.fsencode(cohort) + b"/zo\xeb"  # Latin-1 on a UTF-8 file system: the id holds a surrogate
    os.rename(cohort / "s004", raw)
    first = _grade(bank, cohort, tmp_path / "out")
    assert os.fsdecode(b"zo\xeb") in reads
    reads.clear()
    assert _grade(bank, cohort, tmp_path / "out") == first
    assert reads == []
