"""The store file itself: round trip, format refusal, readers during a write."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from harness import api
from harness.errors import HarnessError
from harness.reports.output import KEPT_NAMES
from harness.results import QuestionResult, Status
from harness.store import STORE_FOLDER, open_store, store_path
from harness.store import sqlite as sqlite_store
from harness.store.sqlite import STORE_FORMAT
from tests.store.conftest import TODAY


def _result(question_id: str, score: float) -> QuestionResult:
    return QuestionResult(
        question_id=question_id, kind="numeric", score=score, max_score=1.0, status=Status.CORRECT, feedback=["ok"]
    )


def test_the_store_is_state_that_output_swaps_keep() -> None:
    assert STORE_FOLDER in KEPT_NAMES


def test_grades_round_trip_and_a_key_saved_twice_is_one_row(tmp_path: Path) -> None:
    store = open_store(store_path(tmp_path / "out"))
    store.put_student("ann", {"k1": _result("q1", 1.0), "k2": _result("q2", 0.5)})
    store.put_student("ann", {"k1": _result("q1", 1.0)})
    assert store.count() == 2
    found = store.get_many("ann", ["k1", "k2", "missing"])
    assert found == {"k1": _result("q1", 1.0), "k2": _result("q2", 0.5)}
    assert store.known({"ann": ["k2", "nope"], "bob": ["k1"]}) == {"k2"}
    assert store.keep_only(["k2"]) == 1
    assert store.known({"ann": ["k1", "k2"]}) == {"k2"}
    store.close()


def test_a_grader_error_is_kept_but_not_reused(tmp_path: Path) -> None:
    store = open_store(store_path(tmp_path / "out"))
    failed = _result("q1", 0.0).model_copy(update={"status": Status.ERROR})
    store.put_student("ann", {"k1": failed, "k2": _result("q2", 1.0)})
    assert store.known({"ann": ["k1", "k2"]}) == {"k2"}
    assert store.get_many("ann", ["k1"]) == {"k1": failed}
    store.close()


def test_the_seed_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    path = store_path(tmp_path / "out")
    first = open_store(path)
    secret = first.seed_secret()
    first.close()
    again = open_store(path)
    assert again.seed_secret() == secret
    again.close()


def test_a_store_of_another_format_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = store_path(tmp_path / "out")
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {STORE_FORMAT + 1}")
    with pytest.raises(HarnessError) as caught:
        open_store(path)
    message = str(caught.value)
    assert "\n" not in message
    assert f"store format {STORE_FORMAT + 1}" in message
    assert f"delete {path.parent}" in message


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = store_path(tmp_path / "out")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all, but long enough to have a header" * 4)
    with pytest.raises(HarnessError, match="not a harness result store"):
        open_store(path)


def test_a_reader_sees_committed_grades_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    path = store_path(tmp_path / "out")
    store = open_store(path)
    store.put_student("ann", {"k1": _result("q1", 1.0)})
    store.flush()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a write in progress, not yet committed
    writer.execute("INSERT INTO grades VALUES ('k2', 'bob', 'q1', 'correct', '{}')")
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
    assert reader.execute("SELECT key FROM grades").fetchall() == [("k1",)]  # WAL: no lock wait
    writer.execute("ROLLBACK")
    for db in (reader, writer):
        db.close()
    store.close()


@pytest.mark.parametrize("existing", [False, True])
def test_grades_are_written_in_wal_mode_synchronous_normal_whether_the_store_is_new_or_not(
    tmp_path: Path, existing: bool
) -> None:
    """A new store is made without waiting for the disk, then every grade is written as in an
    existing one: WAL, synchronous NORMAL (1), the log folded in only every WAL_PAGES pages
    (and at close: the folder then holds the one file)."""
    path = store_path(tmp_path / "out")
    if existing:
        open_store(path).close()
    store = open_store(path)
    store.put_student("ann", {"k1": _result("q1", 1.0)})
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1
    assert store._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == sqlite_store.WAL_PAGES > 1000
    store.close()
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == STORE_FORMAT
        assert db.execute("SELECT COUNT(*) FROM grades").fetchone()[0] == 1


def _committed(path: Path) -> list[tuple[str, str]]:
    """What another process would read from the store now."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as reader:
        return sorted(reader.execute("SELECT student_id, key FROM grades").fetchall())


def test_students_are_committed_together_at_most_commit_every_s_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(sqlite_store.time, "monotonic", lambda: clock[0])
    path = store_path(tmp_path / "out")
    store = open_store(path)
    store.put_student("ann", {"k1": _result("q1", 1.0), "k2": _result("q2", 0.5)})
    store.put_student("bob", {"k3": _result("q1", 0.0)})
    assert _committed(path) == []  # held: a commit per student costs more than grading a quiz
    clock[0] += sqlite_store.COMMIT_EVERY_S
    store.put_student("cy", {"k4": _result("q1", 1.0)})  # due: every student held so far, together
    assert _committed(path) == [("ann", "k1"), ("ann", "k2"), ("bob", "k3"), ("cy", "k4")]
    store.put_student("dee", {"k5": _result("q1", 1.0)})
    assert _committed(path) == [("ann", "k1"), ("ann", "k2"), ("bob", "k3"), ("cy", "k4")]
    store.close()  # closing commits what is held (a run stopped by SIGINT keeps its students)
    assert _committed(path)[-1] == ("dee", "k5")


@pytest.mark.parametrize("read", ["count", "known", "get_many", "keep_only", "set_note"])
def test_anything_else_done_with_the_store_commits_the_held_students_first(tmp_path: Path, read: str) -> None:
    path = store_path(tmp_path / "out")
    store = open_store(path)
    store.commit_every_s = 3600.0
    store.put_student("ann", {"k1": _result("q1", 1.0)})
    assert _committed(path) == []
    calls = {
        "count": lambda: store.count() == 1,
        "known": lambda: store.known({"ann": ["k1"]}) == {"k1"},
        "get_many": lambda: list(store.get_many("ann", ["k1"])) == ["k1"],
        "keep_only": lambda: store.keep_only(["k1"]) == 0,
        "set_note": lambda: store.set_note("n", "v") is None,
    }
    assert calls[read]()
    assert _committed(path) == [("ann", "k1")]
    store.close()


def test_a_student_shared_result_is_written_as_its_own_json(tmp_path: Path) -> None:
    """The JSON kept for a result object shared by students (the runner's answer cache) is
    that object's: a result equal in value but another object is dumped for itself."""
    store = open_store(store_path(tmp_path / "out"))
    shared = _result("q1", 1.0)
    other = shared.model_copy(update={"option_order": ["b", "a"]})
    store.put_student("ann", {"k1": shared})
    store.put_student("bob", {"k2": shared, "k3": other})
    assert store.get_many("ann", ["k1"]) == {"k1": shared}
    assert store.get_many("bob", ["k2", "k3"]) == {"k2": shared, "k3": other}
    store.close()


def test_a_whole_students_json_joined_from_its_questions_is_its_own_dump(
    quiz: tuple[Path, Path], tmp_path: Path
) -> None:
    """A whole student is stored as its other fields and its questions' result hashes; read
    back, the JSON joined from them is the student's own dump, byte for byte."""
    bank, cohort = quiz
    graded = api.grade([bank], cohort, tmp_path / "graded", ["json"], dt.date.fromisoformat(TODAY)).cohort
    odd = graded.students[0].questions[0].model_copy(update={"hidden_points": 2.0, "feedback": ['a "quoted" ]']})
    students = [*graded.students, graded.students[1].model_copy(update={"questions": [odd], "problems": []})]
    path = store_path(tmp_path / "out")
    store = open_store(path)
    wholes = {}
    for index, student in enumerate(students):
        keys = {f"{index}-{q.question_id}": q for q in student.questions}
        store.put_student(student.student_id, keys)
        wholes[f"whole-{index}"] = (list(keys), student)
    store.put_students(wholes)
    store.close()
    again = open_store(path)  # nothing remembered: every JSON read from the file
    found = again.get_students([*wholes, "not-stored"])
    assert sorted(found) == sorted(wholes)
    for key, (grades, student) in wholes.items():
        assert found[key].result == student.model_dump_json()
        assert (found[key].student_id, found[key].grades) == (student.student_id, grades)
    again.close()


def test_a_result_held_by_many_grades_is_stored_once(tmp_path: Path) -> None:
    """Results are content-addressed: equal JSON, one row, however many grades (and objects) hold it."""
    store = open_store(store_path(tmp_path / "out"))
    right, wrong = _result("q1", 1.0), _result("q1", 0.0)
    for n in range(5):
        store.put_student(f"s{n}", {f"k{n}": right.model_copy(), f"w{n}": wrong if n % 2 else right})
    assert (store.count(), store.count_results()) == (10, 2)
    assert store.get_many("s3", ["k3", "w3"]) == {"k3": right, "w3": wrong}
    store.keep_only(["k0", "k1"])  # no grade holds the wrong answer's result any more
    assert (store.count(), store.count_results()) == (2, 1)
    store.close()


def test_a_store_of_format_one_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """Format 1 kept every grade's JSON in its row; this harness reads format 2 only."""
    path = store_path(tmp_path / "out")
    path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE grades (key TEXT PRIMARY KEY, student_id TEXT, question_id TEXT, status TEXT, result TEXT)"
        )
        db.execute("INSERT INTO meta VALUES ('harness', '0.9.0')")
        db.execute("PRAGMA user_version = 1")
    with pytest.raises(HarnessError) as caught:
        open_store(path)
    message = str(caught.value)
    assert "written by harness 0.9.0 (store format 1, this harness reads format 2)" in message
    assert f"delete {path.parent}" in message
