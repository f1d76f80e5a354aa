"""A student's folder travels to a worker as bytes: the same files, folders and links (links
kept as links, never followed), nothing else, and not more than the cap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.executors.packing import FolderTooLarge, pack_folder, unpack_folder


def _tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a file's text, a link's target, ``<dir>``."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            key = os.fsdecode(path.relative_to(folder))
            if path.is_symlink():
                found[key] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                found[key] = "<dir>"
            elif path.is_file():
                found[key] = path.read_bytes().decode("utf-8", "replace")
            else:
                found[key] = "<other>"
    return found


def test_files_folders_and_links_arrive_as_they_were(tmp_path: Path) -> None:
    src = tmp_path / "s01"
    (src / "outputs" / "images").mkdir(parents=True)
    (src / "empty").mkdir()
    (src / "answers.yaml").write_text("q1: true\n", encoding="utf-8")
    (src / "outputs" / "gen.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    (src / "sampling.py").symlink_to("/etc/passwd")  # a hostile link stays a link
    (src / "outputs" / "up").symlink_to("../..")
    os.mkfifo(src / "pipe")  # neither file, folder nor link: left out
    odd = os.fsencode(src) + b"/caf\xe9.py"  # a Latin-1 name, not UTF-8
    with open(odd, "wb") as handle:
        handle.write(b"x = 1\n")
    (tmp_path / "worker").mkdir()
    out = unpack_folder(pack_folder(src), tmp_path / "worker" / "s01")
    expected = _tree(src)
    del expected["pipe"]
    assert _tree(out) == expected
    assert (out / "sampling.py").is_symlink() and (out / "outputs" / "up").is_symlink()
    assert os.path.exists(os.fsencode(out) + b"/caf\xe9.py")


def test_modes_are_kept_but_not_set_uid(tmp_path: Path) -> None:
    src = tmp_path / "s"
    src.mkdir()
    (src / "run.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (src / "run.sh").chmod(0o4755)
    out = unpack_folder(pack_folder(src), tmp_path / "out")
    assert (out / "run.sh").stat().st_mode & 0o7777 == 0o755


def test_a_folder_over_the_cap_is_refused_naming_it(tmp_path: Path) -> None:
    src = tmp_path / "big"
    src.mkdir()
    (src / "model.bin").write_bytes(b"\0" * 3000)
    (src / "link").symlink_to("/usr/bin/python3")  # a link's target does not count
    assert unpack_folder(pack_folder(src, cap=3000), tmp_path / "ok").is_dir()
    with pytest.raises(FolderTooLarge, match=r"big: the folder holds 0.0 MiB, over the 0 MiB"):
        pack_folder(src, cap=2999)
