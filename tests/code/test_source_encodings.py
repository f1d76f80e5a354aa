"""A program is read as Python reads it: a PEP 263 coding line, a UTF-8 byte-order mark (in a
``.py`` file or a notebook) are a student's working code, not an unreadable submission."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from harness import api

BANK = """\
id: encodings
title: A program in any encoding Python reads
version: "1"
questions:
  - id: greet
    kind: code
    prompt: greeting()
    file: {file}
    reference: reference.py
    tests:
      - {{id: word, call: greeting, args: [], visibility: public}}
"""

REFERENCE = "def greeting():\n    return 'café'\n"


def grade(tmp_path: Path, file: str, data: bytes) -> tuple[float, list[str]]:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "bank.yaml").write_text(BANK.format(file=file), encoding="utf-8")
    (tmp_path / "bank" / "reference.py").write_text(REFERENCE, encoding="utf-8")
    (tmp_path / "cohort" / "ana").mkdir(parents=True)
    (tmp_path / "cohort" / "ana" / file).write_bytes(data)
    run = api.grade(
        [tmp_path / "bank" / "bank.yaml"],
        tmp_path / "cohort",
        tmp_path / "out",
        ["json"],
        dt.date(2026, 12, 4),
        "process",
        True,
    )
    [student] = run.cohort.students
    [question] = student.questions
    return question.score, question.feedback


def test_a_latin1_program_with_its_coding_line_is_graded(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\ndef greeting():\n    return 'café'\n"

    score, feedback = grade(tmp_path, "answer.py", source.encode("latin-1"))

    assert score == 1, feedback


def test_a_notebook_saved_with_a_byte_order_mark_is_graded(tmp_path: Path) -> None:
    notebook = {"cells": [{"cell_type": "code", "source": REFERENCE}], "nbformat": 4, "nbformat_minor": 5}

    score, feedback = grade(tmp_path, "answer.ipynb", b"\xef\xbb\xbf" + json.dumps(notebook).encode("utf-8"))

    assert score == 1, feedback


def test_latin1_without_a_coding_line_is_the_students_one_line_error(tmp_path: Path) -> None:
    source = "def greeting():\n    return 'café'\n"

    score, feedback = grade(tmp_path, "answer.py", source.encode("latin-1"))

    assert score == 0
    assert any("not UTF-8 text" in line and "coding line" in line for line in feedback), feedback


def test_a_coding_line_naming_no_text_encoding_is_the_students_error_not_the_graders(tmp_path: Path) -> None:
    source = "# coding: hex\ndef greeting():\n    return 'cafe'\n"

    score, feedback = grade(tmp_path, "answer.py", source.encode("ascii"))

    assert score == 0
    assert feedback == ["answer.py: its coding line names hex, which is not a text encoding"]
