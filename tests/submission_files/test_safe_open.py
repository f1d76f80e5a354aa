"""The one way kinds open a student's files: no links, never outside the folder, capped; a
program read as Python reads it."""

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
        read_source(folder / "answer.py", 1_000)


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


def test_a_python_file_in_the_encoding_its_coding_line_names_is_handed_on_as_utf8(folder: Path) -> None:
    (folder / "answer.py").write_bytes("# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))

    source, _ = read_source(folder / "answer.py")

    assert source == "# -*- coding: utf-8 -*-\nname = 'café'\n"  # the same line numbers
    namespace: dict[str, object] = {}
    exec(compile(source.encode("utf-8"), "answer.py", "exec"), namespace)  # as the sandbox reads it
    assert namespace["name"] == "café"


@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_a_utf8_byte_order_mark_is_dropped(folder: Path, suffix: str) -> None:
    text = "x = 1\n" if suffix == ".py" else json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]})
    (folder / f"answer{suffix}").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    source, _ = read_source(folder / f"answer{suffix}")

    assert source.strip() == "x = 1"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"# coding: klingon\nx = 1\n", "names an unknown encoding: klingon"),
        (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "byte-order mark, but its coding line names another"),
        (b"caf\xe9 = 1\n", "not UTF-8 text .*coding line"),
        (b"# coding: utf-8\nx = 1\n'\xff'\n", "not UTF-8 text"),
        (b"# coding: latin-1\nx = '\x00'\n", "contains NUL bytes"),
        (b"# coding: hex\nx = 1\n", "names hex, which is not a text encoding"),
        (b"# coding: rot13\nx = 1\n", "names rot13, which is not a text encoding"),
        (b"# coding: undefined\nx = 1\n", "is not undefined text, as its coding line says"),
        (b"# coding: utf-16\nx = 1\n", "is not utf-16 text, as its coding line says"),
    ],
    ids=["unknown", "bom-and-cookie", "latin-1-no-cookie", "bad-utf8", "nul", "hex", "rot13", "undefined", "utf-16"],
)
def test_a_python_file_that_python_could_not_read_is_refused_in_one_line(
    folder: Path, data: bytes, problem: str
) -> None:
    (folder / "answer.py").write_bytes(data)

    with pytest.raises(SubmissionFileError, match=problem) as caught:
        read_source(folder / "answer.py")

    assert "\n" not in str(caught.value) and str(caught.value).startswith("answer.py")
