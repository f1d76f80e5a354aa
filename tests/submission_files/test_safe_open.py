"""The one way kinds open a student's files: no links, never outside the folder, capped, UTF-8."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.errors import AnswerError
from harness.submission_files import (
    SubmissionFileError,
    path_in_submission,
    read_source,
    read_submitted_bytes,
    read_submitted_text,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    student = tmp_path / "alice"
    (student / "outputs").mkdir(parents=True)
    (student / "outputs" / "run.jsonl").write_text('{"id": "a", "output": "x"}\n', encoding="utf-8")
    (tmp_path / "secret.txt").write_text("the answers\n", encoding="utf-8")
    return student


def test_a_path_inside_the_folder_is_returned(folder: Path) -> None:
    assert path_in_submission(folder, "outputs/run.jsonl") == folder / "outputs" / "run.jsonl"


@pytest.mark.parametrize("relative", ["../secret.txt", "outputs/../../secret.txt", "/etc/passwd"])
def test_a_path_that_leaves_the_folder_is_refused(folder: Path, relative: str) -> None:
    with pytest.raises(SubmissionFileError, match="inside your submission folder"):
        path_in_submission(folder, relative)


def test_a_linked_folder_on_the_way_is_refused_by_name(folder: Path) -> None:
    os.symlink(folder.parent, folder / "elsewhere")

    with pytest.raises(SubmissionFileError, match="elsewhere is a link"):
        path_in_submission(folder, "elsewhere/secret.txt")


def test_a_linked_file_is_not_read(folder: Path) -> None:
    os.symlink(folder.parent / "secret.txt", folder / "answer.py")

    with pytest.raises(SubmissionFileError, match=r"answer\.py is not a regular file"):
        read_submitted_text(folder / "answer.py", 1_000)


def test_a_folder_is_not_a_file(folder: Path) -> None:
    with pytest.raises(SubmissionFileError, match="outputs is not a regular file"):
        read_submitted_bytes(folder / "outputs", 1_000)


def test_the_size_cap_is_checked_before_reading(folder: Path) -> None:
    (folder / "big.py").write_bytes(b"x" * 1_001)

    with pytest.raises(SubmissionFileError, match=r"big\.py is 1001 bytes; the limit is 1000"):
        read_submitted_bytes(folder / "big.py", 1_000)
    assert read_submitted_bytes(folder / "big.py", 1_001) == b"x" * 1_001


def test_messages_name_the_file_as_shown_never_the_host_path(folder: Path) -> None:
    with pytest.raises(SubmissionFileError) as caught:
        read_submitted_bytes(folder / "missing.jsonl", 10, display="outputs/missing.jsonl")

    assert str(caught.value).startswith("outputs/missing.jsonl ")
    assert str(folder) not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"caf\xe9 = 1\n", "not UTF-8 text"), (b"x = 1\x00\n", "contains NUL bytes")],
    ids=["latin-1", "nul"],
)
def test_text_must_be_utf8_without_nul(folder: Path, data: bytes, problem: str) -> None:
    (folder / "answer.py").write_bytes(data)

    with pytest.raises(SubmissionFileError, match=problem):
        read_submitted_text(folder / "answer.py", 1_000)


def test_a_file_error_is_an_answer_error_so_the_answer_is_recorded_invalid() -> None:
    assert issubclass(SubmissionFileError, AnswerError)


def test_a_notebook_is_read_as_its_code_cells(folder: Path) -> None:
    cells = [{"cell_type": "markdown", "source": "# Hi"}, {"cell_type": "code", "source": ["%time\n", "x = 1\n"]}]
    (folder / "answer.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")

    source, notes = read_source(folder / "answer.ipynb")

    assert source.split("\n")[:2] == ["", "x = 1"]
    assert notes == ["cell 2: removed '%time' (IPython only)"]


def test_a_python_file_is_read_as_it_is(folder: Path) -> None:
    (folder / "answer.py").write_text("def f():\n    return 1\n", encoding="utf-8")

    assert read_source(folder / "answer.py") == ("def f():\n    return 1\n", [])
