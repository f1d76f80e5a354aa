"""A program is read as Python reads it: a PEP 263 coding line, a UTF-8 byte-order mark (in a
``.py`` file or a notebook) are a student's working code, not an unreadable submission."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from harness import api
from harness.submission_files import read_source

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


def grade(
    tmp_path: Path, file: str, data: bytes, reference: tuple[str, bytes] = ("reference.py", REFERENCE.encode())
) -> tuple[float, list[str]]:
    (tmp_path / "bank").mkdir()
    bank = BANK.format(file=file).replace("reference.py", reference[0])
    (tmp_path / "bank" / "bank.yaml").write_text(bank, encoding="utf-8")
    (tmp_path / "bank" / reference[0]).write_bytes(reference[1])
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


def test_a_program_with_cr_line_endings_finds_its_coding_line_on_line_one(tmp_path: Path) -> None:
    # Python splits lines at \r too (tokenize's readline does not: the whole file is its line 1)
    source = "# -*- coding: latin-1 -*-\rdef greeting():\r    return 'café'\r"
    (tmp_path / "answer.py").write_bytes(source.encode("latin-1"))

    text, _ = read_source(tmp_path / "answer.py")

    assert text == source.replace("latin-1", "utf-8")


def test_a_coding_line_past_line_two_of_a_cr_file_is_a_comment(tmp_path: Path) -> None:
    # python reads this file as UTF-8 and prints café: its third line is no coding line
    source = "# a comment\rx = 1\r# coding: latin-1\rs = 'café'\r"
    (tmp_path / "answer.py").write_bytes(source.encode("utf-8"))

    text, _ = read_source(tmp_path / "answer.py")

    assert text == source


def test_a_coding_line_in_a_notebooks_first_cell_does_not_recode_it(tmp_path: Path) -> None:
    # Jupyter runs the cell's text; the file handed on is UTF-8, so its coding line must say so
    cell = "# -*- coding: latin-1 -*-\ns = 'café'\n"
    notebook = {"cells": [{"cell_type": "code", "source": cell}], "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "answer.ipynb").write_text(json.dumps(notebook), encoding="utf-8")

    text, _ = read_source(tmp_path / "answer.ipynb")
    namespace: dict[str, object] = {}
    exec(compile(text.encode("utf-8"), "answer.py", "exec"), namespace)  # as the sandbox imports it

    assert namespace["s"] == "café"


def test_a_reference_with_a_coding_line_is_run_as_validation_read_it(tmp_path: Path) -> None:
    reference = "# -*- coding: latin-1 -*-\n" + REFERENCE

    score, feedback = grade(tmp_path, "answer.py", REFERENCE.encode(), ("reference.py", reference.encode("latin-1")))

    assert score == 1, feedback


def test_a_notebook_reference_is_run_as_its_code_cells(tmp_path: Path) -> None:
    notebook = {"cells": [{"cell_type": "code", "source": REFERENCE}], "nbformat": 4, "nbformat_minor": 5}

    score, feedback = grade(
        tmp_path, "answer.py", REFERENCE.encode(), ("reference.ipynb", json.dumps(notebook).encode())
    )

    assert score == 1, feedback
