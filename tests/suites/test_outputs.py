"""Outputs files: each kind of mistake gets one located line, never a traceback."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from harness.suites import OutputsError, SystemOutputs, load_suite, read_system
from harness.suites.images import check_image_folder
from tests.suites.conftest import jsonl

GOOD = {"a": "Le modèle génère du texte.", "b": "Le chat dort.", "c": "Le bruit devient une image."}


@pytest.fixture
def read(make_suite: Callable[..., Path], outputs_file: Callable[..., Path]) -> Callable[..., SystemOutputs]:
    suite = load_suite(make_suite())

    def read_outputs(content: dict[str, str] | str | bytes) -> SystemOutputs:
        return read_system(suite, outputs_file(content), "out.jsonl")

    return read_outputs


def problems(read: Callable[..., SystemOutputs], content: dict[str, str] | str | bytes) -> list[str]:
    with pytest.raises(OutputsError) as caught:
        read(content)
    return caught.value.problems


def test_good_outputs_in_data_set_order(read: Callable[..., SystemOutputs]) -> None:
    system = read({"c": GOOD["c"], "a": GOOD["a"], "b": GOOD["b"]})
    assert system.ids == ["a", "b", "c"]
    assert system.hypotheses == [GOOD["a"], GOOD["b"], GOOD["c"]]
    assert system.missing == []


def test_missing_ids_are_returned_not_raised(read: Callable[..., SystemOutputs]) -> None:
    system = read({"b": GOOD["b"]})
    assert system.missing == ["a", "c"]
    assert system.hypotheses == ["", GOOD["b"], ""]
    assert system.missing_message() == "out.jsonl: no output for 2 id(s): a, c"


def test_duplicate_ids(read: Callable[..., SystemOutputs]) -> None:
    text = jsonl([{"id": "a", "output": "x"}, {"id": "b", "output": "y"}, {"id": "a", "output": "z"}])
    assert problems(read, text) == ["out.jsonl:3:1: duplicate id 'a' (first on line 1)"]


def test_empty_line(read: Callable[..., SystemOutputs]) -> None:
    text = jsonl([{"id": "a", "output": "x"}]) + "\n" + jsonl([{"id": "b", "output": "y"}])
    assert problems(read, text) == ["out.jsonl:2:1: empty line (one JSON object per line, no blank lines)"]


def test_wrong_encoding(read: Callable[..., SystemOutputs]) -> None:
    data = jsonl([{"id": "a", "output": "ok"}, {"id": "b", "output": "Le modèle"}]).encode("latin-1")
    assert problems(read, data) == ["out.jsonl:2:30: not UTF-8 text (byte 0xe8); save the file as UTF-8"]
    assert problems(read, "\ufeff{}".encode("utf-16")) == ["out.jsonl: the file is UTF-16 text; save it as UTF-8"]


def test_not_json(read: Callable[..., SystemOutputs]) -> None:
    text = 'a: Le modèle génère du texte.\n{"id": "b", "output": "x",}\n'
    assert problems(read, text) == [
        "out.jsonl:1:1: not JSON: Expecting value",
        "out.jsonl:2:27: not JSON: Expecting property name enclosed in double quotes",
    ]


def test_wrong_shapes(read: Callable[..., SystemOutputs]) -> None:
    lines = ['["a", "x"]', '{"output": "x"}', '{"id": 3, "output": "x"}', '{"id": "a"}', '{"id": "b", "output": ["x"]}']
    assert problems(read, "\n".join(lines) + "\n") == [
        'out.jsonl:1:1: expected an object {"id": ..., "output": ...}, got a list',
        'out.jsonl:2:1: no "id" (each line is {"id": ..., "output": ...})',
        'out.jsonl:3:1: "id" must be a string, got a number (write "3", in quotes)',
        "out.jsonl:4:1: no \"output\" for id 'a'",
        "out.jsonl:5:1: \"output\" of id 'b' must be a string, got a list",
    ]


def test_extra_ids(read: Callable[..., SystemOutputs]) -> None:
    found = problems(read, {**GOOD, "z": "extra"})
    assert found == ["out.jsonl:4:1: id 'z' is not in the data set of suite 'tiny-translation'"]


def test_empty_file_and_not_a_file(
    read: Callable[..., SystemOutputs], tmp_path: Path, make_suite: Callable[..., Path]
) -> None:
    assert problems(read, "\n\n") == ["out.jsonl: the file is empty; expected one JSON object per line"]
    suite = load_suite(make_suite())
    with pytest.raises(OutputsError, match=r"folder; expected a JSONL file"):
        read_system(suite, tmp_path, "out")
    with pytest.raises(OutputsError, match=r"out.jsonl: missing; expected a JSONL file"):
        read_system(suite, tmp_path / "nothing.jsonl", "out.jsonl")


def test_links_are_not_followed(
    make_suite: Callable[..., Path], outputs_file: Callable[..., Path], tmp_path: Path
) -> None:
    suite = load_suite(make_suite())
    link = tmp_path / "link.jsonl"
    os.symlink(outputs_file(GOOD), link)
    with pytest.raises(OutputsError, match=r"a link \(links are not followed\)"):
        read_system(suite, link, "link.jsonl")


def test_byte_order_mark_and_crlf_are_accepted(read: Callable[..., SystemOutputs]) -> None:
    data = b"\xef\xbb\xbf" + jsonl({"id": k, "output": v} for k, v in GOOD.items()).replace("\n", "\r\n").encode()
    assert read(data).hypotheses == list(GOOD.values())


def test_many_problems_are_listed_in_one_pass(read: Callable[..., SystemOutputs]) -> None:
    with pytest.raises(OutputsError) as caught:
        read("oops\n" * 30)
    assert len(caught.value.problems) == 30
    assert str(caught.value).count("\n") == 12  # 12 listed, then "... and 18 more"
    assert str(caught.value).endswith("... and 18 more")


def test_image_folder_checks(tmp_path: Path) -> None:
    folder = tmp_path / "art"
    folder.mkdir()
    Image.fromarray(np.zeros((8, 8, 3), dtype=np.uint8)).save(folder / "one.png")
    with pytest.raises(OutputsError, match=r"art: 1 PNG/JPEG image\(s\); at least 2 are needed"):
        check_image_folder(folder, "art")
    Image.fromarray(np.ones((8, 8, 3), dtype=np.uint8)).save(folder / "two.png")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    assert check_image_folder(folder, "art").ids == ["one.png", "two.png"]
    os.symlink("/etc/passwd", folder / "three.png")
    with pytest.raises(OutputsError, match=r"art/three.png: a link"):
        check_image_folder(folder, "art")
    with pytest.raises(OutputsError, match=r"art/one.png: not a folder"):
        check_image_folder(folder / "one.png", "art/one.png")
