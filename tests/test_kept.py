"""What the harness keeps in its cache is read back only when no one else could have written
it (:mod:`harness.kept`): a planted reference report, statistical plan or self-check secret
must change no grade, in a cache that others can write (``HARNESS_CACHE=/tmp/...``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.kept import read_trusted, trusted
from harness.kinds.code_engine import sequential
from harness.kinds.code_engine.channel import RunReport
from harness.kinds.code_engine.reference_cache import ReferenceCache, save_report
from harness.kinds.code_engine.runner import self_check_secret

NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")


def _kept(folder: Path, text: str = "kept\n") -> Path:
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "file.json"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_a_file_of_ours_alone_is_read(tmp_path: Path) -> None:
    path = _kept(tmp_path / "cache")
    assert trusted(path) and read_trusted(path) == "kept\n"


@pytest.mark.parametrize(
    "plant",
    [
        lambda path: path.chmod(0o666),  # the file writable by others
        lambda path: path.chmod(0o620),  # ... by the group
        lambda path: path.parent.chmod(0o777),  # its folder: a file swapped in
        lambda path: path.parent.chmod(0o1777),  # a sticky /tmp-like folder is still others'
    ],
)
def test_a_file_others_could_write_is_not_read(tmp_path: Path, plant: object) -> None:
    path = _kept(tmp_path / "cache")
    plant(path)  # type: ignore[operator]
    assert not trusted(path) and read_trusted(path) is None


@as_root
def test_a_file_or_folder_of_another_user_is_not_read(tmp_path: Path) -> None:
    path = _kept(tmp_path / "cache")
    os.chown(path, NOBODY, NOBODY)
    assert read_trusted(path) is None
    os.chown(path, 0, 0)
    os.chown(path.parent, NOBODY, NOBODY)
    assert read_trusted(path) is None


def test_links_and_fifos_are_not_read_and_do_not_block(tmp_path: Path) -> None:
    target = _kept(tmp_path / "cache")
    link = target.parent / "link.json"
    link.symlink_to(target)
    fifo = target.parent / "fifo.json"
    os.mkfifo(fifo, 0o600)  # opened for reading, a FIFO would wait for a writer forever
    assert read_trusted(link) is None and read_trusted(fifo) is None
    assert read_trusted(target.parent / "missing.json") is None


def test_a_planted_reference_report_is_not_read(tmp_path: Path) -> None:
    cache = ReferenceCache(tmp_path)
    planted = RunReport(events=[{"event": "result", "id": "t", "value": 999}])
    save_report(tmp_path / "expected" / "k.json", planted)
    (tmp_path / "expected").chmod(0o777)  # someone else's folder, as a shared cache's would be
    real = RunReport(events=[{"event": "result", "id": "t", "value": 5}])
    assert cache.get("k", lambda: real) == real
    (tmp_path / "expected").chmod(0o700)
    assert ReferenceCache(tmp_path).get("k", lambda: pytest.fail("a kept report of ours was not read")) == real


def test_a_planted_plan_that_never_fails_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sequential, "_KNOWN", {})
    computed = sequential.plan(2000, 0.00025, 4, tmp_path)
    (kept,) = (tmp_path / "plans").glob("*.json")
    data = json.loads(kept.read_text())
    never_fails = {**data, "looks": [[d, 0.0, b] for d, _, b in data["looks"]]}  # sound, but no power
    kept.write_text(json.dumps(never_fails), encoding="utf-8")
    kept.chmod(0o666)
    monkeypatch.setattr(sequential, "_KNOWN", {})
    assert sequential.plan(2000, 0.00025, 4, tmp_path) == computed


def test_a_planted_self_check_secret_is_replaced(tmp_path: Path) -> None:
    planted = tmp_path / "self-check-secret"
    planted.write_text("0123456789abcdef" * 2 + "\n")
    planted.chmod(0o666)
    made = self_check_secret(tmp_path)
    assert made != "0123456789abcdef" * 2 and made == self_check_secret(tmp_path)
    assert planted.stat().st_mode & 0o777 == 0o600
