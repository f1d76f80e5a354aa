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
    path.parent.chmod(0o775)  # a user-private group's folder (umask 002)
    assert trusted(path) and read_trusted(path) == "kept\n"
    path.parent.chmod(0o1777)  # sticky, as /tmp: no one may swap another's file there
    assert trusted(path) and read_trusted(path) == "kept\n"


@pytest.mark.parametrize(
    "plant",
    [
        lambda path: path.chmod(0o666),  # the file writable by others
        lambda path: path.chmod(0o620),  # ... by the group
        lambda path: path.parent.chmod(0o777),  # its folder: a file swapped in
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


# --- the course's models -------------------------------------------------------------------


def _planted_model(cache: Path) -> Path:
    """A complete-looking folder where ``tiny-gpt2`` would be kept (what a build leaves)."""
    from harness.course_models.recipes import RECIPES
    from harness.course_models.tiny import MARKER, cache_key

    folder = cache / "models" / f"tiny-gpt2-{cache_key(RECIPES['tiny-gpt2'])}"
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("{}\n", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"weights")
    for path in (folder / MARKER, folder / "model.safetensors"):
        path.chmod(0o644)
    for path in (folder, folder.parent, cache):
        path.chmod(0o755)
    return folder


def test_a_model_folder_of_ours_alone_is_used_as_built(tmp_path: Path) -> None:
    from harness.course_models.tiny import build

    folder = _planted_model(tmp_path / "cache")
    assert build("tiny-gpt2", tmp_path / "cache") == folder  # found: nothing is trained


def test_our_own_group_writable_models_folder_is_tightened_and_used(tmp_path: Path) -> None:
    """Under a umask of 002 (user-private groups) an earlier version made ``models/`` 775 and
    the cache folder 775: the models folder is ours, so it is made 755; the cache's group
    may write (the group is the user alone); each model is still checked file by file."""
    from harness.course_models.tiny import build

    folder = _planted_model(tmp_path / "cache")
    folder.parent.chmod(0o777)
    folder.parent.parent.chmod(0o775)
    assert build("tiny-gpt2", tmp_path / "cache") == folder
    assert folder.parent.stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize(
    "plant",
    [
        lambda folder: (folder / "model.safetensors").chmod(0o666),  # a weight file anyone may rewrite
        lambda folder: folder.chmod(0o777),  # files swapped in
        lambda folder: (folder / "extra").symlink_to("/etc/passwd"),  # a link out
        lambda folder: folder.parent.parent.chmod(0o777),  # the cache: the models folder renamed away
    ],
)
def test_a_model_another_user_could_have_written_is_refused(tmp_path: Path, plant: object) -> None:
    from harness.course_models.tiny import TinyModelError, build

    folder = _planted_model(tmp_path / "cache")
    plant(folder)  # type: ignore[operator]
    with pytest.raises(TinyModelError, match=r"alone|no one else|writable by others"):
        build("tiny-gpt2", tmp_path / "cache")


@as_root
def test_a_model_of_another_user_is_refused(tmp_path: Path) -> None:
    from harness.course_models.tiny import TinyModelError, build

    folder = _planted_model(tmp_path / "cache")
    os.chown(folder / "model.safetensors", NOBODY, NOBODY)
    with pytest.raises(TinyModelError, match=f"owned by uid {NOBODY}"):
        build("tiny-gpt2", tmp_path / "cache")


# --- the result store ------------------------------------------------------------------------


def _grade(bank: Path, cohort: Path, out: Path) -> dict[str, float]:
    import datetime as dt

    from harness import api

    run = api.grade([bank], cohort, out, ["json"], dt.date(2026, 1, 1))
    return {s.student_id: s.score for s in run.cohort.students}


@pytest.fixture
def quiz(tmp_path: Path) -> tuple[Path, Path]:
    from tests.store.conftest import make_cohort
    from tests.test_cli import BANK

    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    return bank, make_cohort(tmp_path / "cohort", 3)


def test_a_store_made_under_a_group_umask_is_still_ours_alone_and_reused(
    quiz: tuple[Path, Path], tmp_path: Path
) -> None:
    bank, cohort = quiz
    out = tmp_path / "out"
    old = os.umask(0o002)  # user-private groups (Ubuntu's default): files 664, folders 775
    try:
        first = _grade(bank, cohort, out)
    finally:
        os.umask(old)
    store = out / ".harness-store"
    assert {p.name: p.stat().st_mode & 0o777 for p in [store, *store.iterdir()]} == {
        ".harness-store": 0o755,
        **{p.name: 0o644 for p in store.iterdir()},
    }
    assert _grade(bank, cohort, out) == first  # a rerun reuses it


def _left_by_others(path: Path) -> None:
    path.write_bytes(b"a journal someone else left")
    path.chmod(0o666)


@pytest.mark.parametrize(
    "plant",
    [
        lambda store: (store / "results.sqlite").chmod(0o666),
        lambda store: store.chmod(0o777),
        lambda store: _left_by_others(store / "results.sqlite-wal"),  # SQLite would replay it
    ],
)
def test_a_store_another_user_could_have_written_is_refused_and_left_as_it_was(
    quiz: tuple[Path, Path], tmp_path: Path, plant: object
) -> None:
    from harness.errors import HarnessError

    bank, cohort = quiz
    out = tmp_path / "out"
    _grade(bank, cohort, out)
    store = out / ".harness-store"
    (store / "results.sqlite-wal").unlink(missing_ok=True)
    plant(store)  # type: ignore[operator]
    before = {p.name: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    with pytest.raises(HarnessError, match=r"must be this user's alone; delete .*harness-store to grade afresh"):
        _grade(bank, cohort, out)
    assert {p.name: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


@as_root
def test_a_store_planted_by_another_user_in_their_folder_is_refused(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    from harness.errors import HarnessError

    bank, cohort = quiz
    out = tmp_path / "shared" / "grades"
    _grade(bank, cohort, out)
    for path in [out, *out.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)  # as if nobody had made the folder and put a store in it
    with pytest.raises(HarnessError, match=f"owned by uid {NOBODY}"):
        _grade(bank, cohort, out)


# --- the evaluation's generation cache -------------------------------------------------------


def test_a_generation_cache_another_user_could_have_written_is_refused(tmp_path: Path) -> None:
    from harness.evaluation.cache import CacheError, GenerationCache

    path = tmp_path / "eval-cache.sqlite3"
    old = os.umask(0o002)
    try:
        GenerationCache(path).close()
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    GenerationCache(path).close()  # ours alone: opened again
    path.chmod(0o666)  # anyone could have put outputs in it
    with pytest.raises(CacheError, match="must be this user's alone"):
        GenerationCache(path)
    path.chmod(0o644)
    tmp_path.chmod(0o777)  # a folder where anyone could swap the file
    with pytest.raises(CacheError, match="writable by others"):
        GenerationCache(path)
