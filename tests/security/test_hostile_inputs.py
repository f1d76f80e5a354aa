"""Inputs that used to kill the whole run or refuse the whole cohort for one student.

Each attack is a real cohort graded through ``api.grade``: a lone surrogate in an exception
message or a notebook, a student folder or zip entry name that is not UTF-8, a zip where one
student's file is also a folder or whose entry name is longer than the file system allows.
The attacker's own answer may be lost (and says so); honest classmates are always graded and
``results.json`` is always complete, valid UTF-8 JSON.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.results import (
    BankRef,
    CohortResult,
    QuestionResult,
    Status,
    StudentResult,
    dump_json,
    write_cohort_json,
)
from harness.sandbox.bwrap import BwrapSandbox
from harness.submission_files import notebook_source

QUIZ = """\
id: quiz
title: Quiz
version: "1"
questions:
  - id: q1
    kind: numeric
    prompt: What is 0.1 + 0.2?
    answer: 0.3
    tolerance: {abs: 0.001}
"""

CODE_BANK = """\
id: hostile
title: Hostile inputs
version: "1"
questions:
  - id: code-add
    kind: code
    prompt: Write add(a, b).
    file: solution.py
    reference: reference.py
    limits: {cpu_seconds: 3, wall_seconds: 5, memory_mb: 512, processes: 16, file_size_mb: 4, tmp_mb: 16}
    tests:
      - id: add
        call: add
        args: [2, 3]
        time_limit: 1
"""

HONEST = "def add(a, b):\n    return a + b\n"
ANSWERS = "q1: 0.3\n"

_why = BwrapSandbox().unavailable_reason()
requires_bwrap = pytest.mark.skipif(
    _why is not None and not os.environ.get("CI"),
    reason=f"the bwrap sandbox cannot run here ({_why}); in CI these tests always run",
)


def _results(out: Path) -> dict[str, Any]:
    """results.json, read back as strict UTF-8 JSON: a truncated or unencodable file fails here."""
    data: dict[str, Any] = json.loads((out / "results.json").read_bytes().decode("utf-8"))
    return data


def _students(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["student_id"]: s for s in data["students"]}


def _grade_quiz(tmp_path: Path, submissions: Path) -> dict[str, Any]:
    bank = tmp_path / "quiz.yaml"
    bank.write_text(QUIZ, encoding="utf-8")
    out = tmp_path / "out"
    api.grade([bank], submissions, out, formats=("json", "html", "csv"))
    return _results(out)


# --- lone surrogates: the result log cannot die on one string ------------------------------


def _student_with(feedback: str, student_id: str = "mallory") -> StudentResult:
    question = QuestionResult(
        question_id="q1", kind="code", score=0, max_score=1, status=Status.INCORRECT, feedback=[feedback]
    )
    return StudentResult(
        student_id=student_id,
        banks=[BankRef(id="b", title="B", version="1", content_hash="0" * 64)],
        score=0,
        max_score=1,
        questions=[question],
    )


def test_lone_surrogate_in_feedback_is_written_visibly_escaped(tmp_path: Path) -> None:
    mallory = _student_with("ValueError: \ud800 PROBE", "mallory-\udcff")
    honest = _student_with("ok", "alice")
    cohort = CohortResult(cohort="c", mode="grade", banks=[], questions=[], students=[honest, mallory])

    write_cohort_json(cohort, tmp_path / "results.json")

    data = _results(tmp_path)
    students = _students(data)
    assert set(students) == {"alice", "mallory-\\xff"}  # an undecodable byte shows as \xNN
    assert students["mallory-\\xff"]["questions"][0]["feedback"] == ["ValueError: \\ud800 PROBE"]


def test_record_built_without_validation_still_serialises(tmp_path: Path) -> None:
    """model_copy and model_construct skip validators: the writer must survive them too."""
    dirty = _student_with("ok").model_copy(update={"student_id": "eve-\ud83d"})
    cohort = CohortResult.model_construct(
        schema_version=2, cohort="c", mode="grade", banks=[], questions=[], sandbox=None, students=[dirty], problems=[]
    )

    write_cohort_json(cohort, tmp_path / "results.json")

    assert [s["student_id"] for s in _results(tmp_path)["students"]] == ["eve-\\ud83d"]
    assert '"eve-\\\\ud83d"' in dump_json(dirty)


def test_notebook_cell_magic_with_a_lone_surrogate_is_a_note_not_a_crash() -> None:
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": "%%\ud800\nx = 1"}, _code("y = 2")]})

    source, notes = notebook_source(notebook)

    assert source.strip() == "y = 2"
    assert notes == ["cell 1: a cell magic (%%\\ud800) was skipped"]
    assert all(note.encode("utf-8") for note in notes)


def test_notebook_code_with_a_lone_surrogate_is_the_students_invalid_answer() -> None:
    from harness.errors import AnswerError

    notebook = json.dumps({"cells": [_code("x = '\ud800'")]})

    with pytest.raises(AnswerError, match="cell 1 holds a lone surrogate"):
        notebook_source(notebook)


def _code(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "source": source}


@pytest.mark.sandbox
@requires_bwrap
def test_lone_surrogate_in_an_exception_message_and_a_notebook_keep_every_student(tmp_path: Path) -> None:
    exercise = tmp_path / "bank"
    exercise.mkdir()
    (exercise / "hostile.yaml").write_text(CODE_BANK, encoding="utf-8")
    (exercise / "reference.py").write_text(HONEST, encoding="utf-8")
    cohort = tmp_path / "cohort"
    for student, name, text in [
        ("aaa-honest", "solution.py", HONEST),
        ("mallory-raise", "solution.py", "def add(a, b):\n    raise ValueError('PROBE ' + chr(0xD800))\n"),
        ("mallory-notebook", "solution.ipynb", json.dumps({"cells": [_code("%%\ud800\n"), _code(HONEST)]})),
        ("zzz-honest", "solution.py", HONEST),
    ]:
        (cohort / student).mkdir(parents=True)
        (cohort / student / name).write_text(text, encoding="utf-8")
        (cohort / student / "answers.yaml").write_text("{}\n", encoding="utf-8")
    out = tmp_path / "out"

    run = api.grade([exercise / "hostile.yaml"], cohort, out, formats=("json", "html", "csv"))

    students = _students(_results(out))
    assert set(students) == {"aaa-honest", "mallory-raise", "mallory-notebook", "zzz-honest"}
    assert [s.score for s in run.cohort.students if "honest" in s.student_id] == [1.0, 1.0]
    raised = json.dumps(students["mallory-raise"]["questions"])
    assert "PROBE" in raised and "\\\\ud800" in raised  # the message came through, escaped
    notebook = students["mallory-notebook"]["questions"][0]
    assert notebook["score"] == 1.0
    assert any("%%\\ud800" in line for line in notebook["feedback"])


# --- names that are not UTF-8 ---------------------------------------------------------------


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="macOS refuses file names that are not UTF-8")
def test_student_folder_named_with_bytes_that_are_not_utf8_is_graded(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    for name in (b"alice", b"zo\xeb"):  # Latin-1 "zoë"
        folder = os.path.join(os.fsencode(cohort), name)
        os.makedirs(folder)
        with open(os.path.join(folder, b"answers.yaml"), "w", encoding="utf-8") as f:
            f.write(ANSWERS)

    data = _grade_quiz(tmp_path, cohort)

    students = _students(data)
    assert set(students) == {"alice", "zo\\xeb"}
    assert students["zo\\xeb"]["score"] == 1.0
    assert [p["code"] for p in students["zo\\xeb"]["problems"]] == ["name-not-utf8"]
    assert "zo\\xeb" in (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8")


def _zip_with_raw_names(path: Path, members: list[tuple[bytes, bytes]]) -> Path:
    """A zip whose entries all set the UTF-8 flag, with names written byte for byte."""
    # zipfile sets the flag for a non-ASCII name; "é" is two bytes, the digits make it unique
    placeholders = [(f"é{i:0{len(raw) - 2}d}".encode(), raw) for i, (raw, _) in enumerate(members)]
    with zipfile.ZipFile(path, "w") as zf:
        for (fake, _), (_, data) in zip(placeholders, members, strict=True):
            zf.writestr(zipfile.ZipInfo(fake.decode()), data)
    blob = path.read_bytes()
    for fake, raw in placeholders:  # same length: no header size changes
        assert blob.count(fake) == 2  # the local header and the central directory
        blob = blob.replace(fake, raw)
    path.write_bytes(blob)
    return path


@pytest.mark.parametrize("layout", ["plain", "zip64", "self-extracting"])
def test_zip_entry_marked_utf8_whose_name_is_not_utf8_does_not_stop_the_cohort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    if layout == "zip64":  # zipfile writes zip64 end records past this many entries
        monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    archive = _zip_with_raw_names(
        tmp_path / "export.zip",
        [
            (b"alice/answers.yaml", ANSWERS.encode()),
            (b"zo\xeb/answers.yaml", ANSWERS.encode()),  # Latin-1, flagged UTF-8
            (b"bob/\xff\xfenotes.txt", b"junk"),
            (b"bob/answers.yaml", ANSWERS.encode()),
        ],
    )
    monkeypatch.undo()
    if layout == "self-extracting":  # a stub before the archive: offsets in it are off by its size
        archive.write_bytes(b"#!/bin/sh\nexit 0\n" * 8 + archive.read_bytes())
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(archive)  # the attack is real: the standard library refuses it

    data = _grade_quiz(tmp_path, archive)

    students = _students(data)
    assert set(students) == {"alice", "bob", "zo\\xeb"}
    assert all(s["score"] == 1.0 for s in students.values())
    assert "zip-name-not-utf8" in [p["code"] for p in data["problems"]]


def test_local_header_marked_utf8_with_a_bad_name_loses_that_entry_only(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice/answers.yaml", ANSWERS)
        zf.writestr("bob/answers.yaml", ANSWERS)
    with zipfile.ZipFile(archive) as zf:
        at = zf.getinfo("bob/answers.yaml").header_offset
    blob = bytearray(archive.read_bytes())
    (flags,) = struct.unpack_from("<H", blob, at + 6)
    struct.pack_into("<H", blob, at + 6, flags | 0x800)
    blob[at + 30 : at + 33] = b"b\xffb"  # the central directory still says "bob", not marked UTF-8
    archive.write_bytes(bytes(blob))

    data = _grade_quiz(tmp_path, archive)

    students = _students(data)
    assert students["alice"]["score"] == 1.0
    assert students["bob"]["score"] == 0.0
    assert [p["code"] for p in students["bob"]["problems"]] == ["no-answers", "zip-unreadable-entry"]
    assert data["problems"] == []


# --- zips the file system refuses, for one student ------------------------------------------


def _zip(path: Path, members: list[tuple[str, str]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return path


@pytest.mark.parametrize(
    "members",
    [
        [("mallory/sampler.py", "x = 1\n"), ("mallory/sampler.py/inner.py", "y = 2\n")],
        [("mallory/sampler.py/inner.py", "y = 2\n"), ("mallory/sampler.py", "x = 1\n")],
        [("mallory/sampler.py/", ""), ("mallory/sampler.py", "x = 1\n")],
        [("mallory/" + "a" * 300 + ".py", "x = 1\n")],
        [("mallory/" + "/".join(["d" * 200] * 30) + "/x.py", "x = 1\n")],
    ],
    ids=["file-then-folder", "folder-then-file", "folder-entry-then-file", "name-too-long", "path-too-long"],
)
def test_an_entry_the_file_system_refuses_is_recorded_on_that_student(
    tmp_path: Path, members: list[tuple[str, str]]
) -> None:
    archive = _zip(
        tmp_path / "export.zip",
        [("alice/answers.yaml", ANSWERS), ("mallory/answers.yaml", ANSWERS), *members, ("zed/answers.yaml", ANSWERS)],
    )

    data = _grade_quiz(tmp_path, archive)

    students = _students(data)
    assert set(students) == {"alice", "mallory", "zed"}
    assert all(s["score"] == 1.0 for s in students.values())
    assert [p["code"] for p in students["mallory"]["problems"]] == ["zip-unwritable-entry"]
    assert data["problems"] == []


def test_yaml_escapes_for_lone_surrogates_in_answers_keep_every_student(tmp_path: Path) -> None:
    """A YAML escape for a lone surrogate ("\\ud800"), in an answer and in a key: the YAML reader
    refuses it, so each entry is lost on its own line, and the run goes on."""
    cohort = tmp_path / "cohort"
    for student, text in [("alice", ANSWERS), ("mallory", 'q1: "0.3\\ud800"\n"q\\udcff": 1\n')]:
        (cohort / student).mkdir(parents=True)
        (cohort / student / "answers.yaml").write_text(text, encoding="utf-8")

    data = _grade_quiz(tmp_path, cohort)

    students = _students(data)
    assert students["alice"]["score"] == 1.0
    mallory = students["mallory"]
    assert mallory["questions"][0]["status"] == "invalid"  # that answer is lost, with its line
    assert [(p["code"], p["location"]) for p in mallory["problems"]] == [
        ("answer-unreadable", "cohort/mallory/answers.yaml:1:1"),
        ("answer-unreadable", "cohort/mallory/answers.yaml:2:1"),
    ]
