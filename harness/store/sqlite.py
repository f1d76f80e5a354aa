"""The result store: every graded (student, question), saved within a quarter second of being decided.

One SQLite file, ``OUT/.harness-store/results.sqlite``, in WAL mode so that anyone may read it
while a run writes. Only the thread that runs the cohort writes (one connection). A student's
grades are all saved or none are: they are committed with the other students finished since
the last commit, at most :data:`COMMIT_EVERY_S` apart (a commit per student cost a quiz
cohort more than grading it), and before anything is read, written otherwise or closed. So a
run killed at any moment (even ``kill -9``) loses at most the students being graded and those
finished in the last quarter second, and a rerun grades them again; a run stopped by SIGINT or
SIGTERM closes the store, so it keeps every student it finished.

A grade is stored under its student and content key (:mod:`harness.store.keys`; a key hashes
the student's id too); saving it twice replaces the row, so nothing is ever counted twice.
Grades are clustered by student: students are graded in order, so a commit appends pages. Its
result is stored once, by the SHA-256 of its JSON (``results``), however many grades hold it: a
quiz cohort gives the same few answers again and again (1,000 students x 60 questions made
12,148 distinct results of 60,000), and writing each one's JSON every time cost the store most
of its time and space. A result is committed with the first grade that holds it, so a
committed grade always finds it.

A student's whole result is kept too, under the key of their folder's raw bytes
(:func:`harness.store.keys.student_fingerprint`), as the JSON of its other fields and the hashes
of its questions' results, with the keys of its grades: an unchanged student is then reused
without reading their answers or building their grades one by one.

The file records its format (``PRAGMA user_version``) and the harness version that wrote it; a
store of another format is refused, saying what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import __version__
from harness.errors import HarnessError
from harness.results import QuestionResult, Status, StudentResult

STORE_FOLDER = ".harness-store"  # kept across output swaps: harness.reports.output.KEPT_NAMES
STORE_FILE = "results.sqlite"
STORE_FORMAT = 2  # bump when the tables change; a store of another format is refused (1: no results table)
SEED_SECRET_ENV = "HARNESS_SEED_SECRET"  # read by the code engine too; it wins over the store's
CHUNK = 500  # keys per SELECT (SQLite allows 999 parameters on old builds)
COMMIT_EVERY_S = 0.25  # the most grading a kill -9 may cost beyond the students in progress
# Pages the write-ahead log may grow to before SQLite folds it into the file (default 1,000):
# each fold waits for the disk twice, and a quiz cohort's 70 MB of grades made seventeen of
# them, more than a second. Folded at close (``wal_checkpoint(TRUNCATE)``) in any case.
WAL_PAGES = 20_000
JSON_REMEMBERED = 20_000  # results whose JSON is kept for the next student who shares them
HASHES_REMEMBERED = 200_000  # hashes of results known to be committed (not sent to SQLite again)
_PUT_GRADE = "INSERT OR REPLACE INTO grades VALUES (?, ?, ?, ?, ?)"
_PUT_RESULT = "INSERT OR IGNORE INTO results (hash, result) VALUES (?, ?)"
_NO_QUESTIONS = '"questions":[]'

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grades (
    key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (student_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS students (
    key TEXT PRIMARY KEY,
    student_id TEXT NOT NULL,
    grades TEXT NOT NULL,
    shell TEXT NOT NULL,
    results TEXT NOT NULL  -- the hashes of its questions' results, in order, space-separated
);
"""


def store_path(out: Path) -> Path:
    """Where the store of an output folder lives."""
    return out / STORE_FOLDER / STORE_FILE


@dataclass(frozen=True)
class StoredStudent:
    """A student's whole result as stored: the keys of its grades (kept in the store as long
    as the student is), its JSON without its questions (``shell``: the totals, read without
    parsing any question) and the JSON of each of its questions, in order."""

    student_id: str
    grades: list[str]
    shell: str
    questions: list[str]

    @property
    def result(self) -> str:
        """Its JSON (:class:`~harness.results.StudentResult`), joined when asked: a re-grade
        whose reports are up to date never asks."""
        return _joined(self.shell, self.questions)


class ResultStore:
    """An open store. Use from one thread; see :func:`open_store`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, commit_every_s: float | None = None) -> None:
        self._db = connection
        self.path = path
        self.commit_every_s = COMMIT_EVERY_S if commit_every_s is None else commit_every_s
        self._pending: list[tuple[str, str, str, str, str]] = []  # grade rows not committed yet
        self._pending_results: dict[str, str] = {}  # hash -> JSON of results not committed yet
        self._committed: set[str] = set()  # hashes of results this store holds (some of them)
        self._last_commit = time.monotonic()
        # A run shares one result object between the students who gave the same answer
        # (harness.grading.runner._graded): its JSON is written once. The object is held
        # with its JSON and hash, so its id cannot be reused while it is remembered.
        self._json: dict[int, tuple[QuestionResult, str, str]] = {}

    def get_many(self, student_id: str, keys: Iterable[str]) -> dict[str, QuestionResult]:
        """The stored grades of ``student_id`` among ``keys`` (those never graded are absent).
        Grades holding the same result share one object, whose JSON is remembered (not
        dumped again)."""
        self.flush()
        wanted = list(dict.fromkeys(keys))
        found: dict[str, QuestionResult] = {}
        parsed: dict[str, QuestionResult] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT grades.key, results.hash, results.result FROM grades JOIN results "
                f"ON results.hash = grades.result WHERE grades.student_id = ? AND grades.key IN ({marks})",
                [student_id, *chunk],
            )
            for key, digest, text in rows:
                result = parsed.get(digest)
                if result is None:
                    result = parsed[digest] = QuestionResult.model_validate_json(text)
                    self._remember(result, text, digest)
                    self._committed.add(digest)
                found[key] = result
        return found

    def known(self, keys: Mapping[str, Iterable[str]]) -> set[str]:
        """Which of ``keys`` (student id -> their keys) hold a grade to reuse, without reading
        the grades. A grader error is not one: it may have been the machine's (a crashed
        sandbox), so it is graded again."""
        self.flush()
        wanted = {(student, k) for student, student_keys in keys.items() for k in student_keys}
        students = list(keys)
        known: set[str] = set()
        for start in range(0, len(students), CHUNK):
            chunk = students[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT student_id, key FROM grades WHERE student_id IN ({marks}) AND status != ?"
            known.update(k for s, k in self._db.execute(query, [*chunk, Status.ERROR.value]) if (s, k) in wanted)
        return known

    def get_students(self, keys: Iterable[str]) -> dict[str, StoredStudent]:
        """The whole students stored among ``keys`` (see :meth:`put_students`), as JSON. One
        whose results are not all in the store (it cannot be, unless edited by hand) is absent."""
        self.flush()
        wanted = list(dict.fromkeys(keys))
        rows: list[tuple[str, str, list[str], str, list[str]]] = []  # hashes: hex, space-separated
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, student_id, grades, shell, results FROM students WHERE key IN ({marks})"
            rows.extend(
                (key, student, json.loads(grades), shell, results.split())
                for key, student, grades, shell, results in self._db.execute(query, chunk)
            )
        texts = self._results_json(h for *_, hashes in rows for h in hashes)
        return {
            key: StoredStudent(student, grades, shell, [texts[h] for h in hashes])
            for key, student, grades, shell, hashes in rows
            if all(h in texts for h in hashes)
        }

    def put_students(self, students: Mapping[str, tuple[list[str], StudentResult]]) -> None:
        """Save whole students (student key -> the keys of its grades, its result) in one
        transaction: the JSON of its other fields, and its questions' results by hash."""
        rows = []
        for key, (grades, student) in students.items():
            hashes = [self._put_result(q) for q in student.questions]
            rows.append((key, student.student_id, json.dumps(grades), _shell(student), " ".join(hashes)))
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO students VALUES (?, ?, ?, ?, ?)", rows)

    def keep_students(self, keys: Iterable[str]) -> int:
        """Forget every whole student whose key is not in ``keys``; returns how many."""
        with self._transaction():
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep_students (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep_students")
            self._db.executemany("INSERT OR IGNORE INTO keep_students VALUES (?)", ((k,) for k in keys))
            removed = self._db.execute("DELETE FROM students WHERE key NOT IN (SELECT key FROM keep_students)").rowcount
            self._db.execute("DELETE FROM keep_students")
        return removed

    def note(self, name: str) -> str | None:
        """A value the store keeps for the harness (``meta``), or None."""
        self.flush()
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_note(self, name: str, value: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def put_student(self, student_id: str, grades: Mapping[str, QuestionResult]) -> None:
        """Save one student's new grades (content key -> result), all or none: committed with
        the students finished since the last commit once :attr:`commit_every_s` has passed
        (see the module's docstring), or by :meth:`flush`."""
        rows = [(key, student_id, r.question_id, r.status.value, self._put_result(r)) for key, r in grades.items()]
        self._pending.extend(rows)
        if time.monotonic() - self._last_commit >= self.commit_every_s:
            self.flush()

    def flush(self) -> None:
        """Commit the grades :meth:`put_student` holds (every other method does it first)."""
        if self._pending or self._pending_results:
            with self._transaction():
                pass

    def _put_result(self, result: QuestionResult) -> str:
        """Hold ``result``'s JSON for the next commit unless the store has it; its hash."""
        text, digest = self._json_of(result)
        if digest not in self._committed:
            self._pending_results[digest] = text
        return digest

    def _json_of(self, result: QuestionResult) -> tuple[str, str]:
        """``result``'s JSON and its hash (its key in ``results``)."""
        found = self._json.get(id(result))
        if found is not None:
            return found[1], found[2]
        text = result.model_dump_json()
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        self._remember(result, text, digest)
        return text, digest

    def _remember(self, result: QuestionResult, text: str, digest: str) -> None:
        if len(self._json) >= JSON_REMEMBERED:
            self._json.clear()
        self._json[id(result)] = (result, text, digest)

    def _results_json(self, hashes: Iterable[str]) -> dict[str, str]:
        """The stored JSON of the results among ``hashes`` (those not stored are absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, str] = {}
        if len(wanted) > CHUNK:  # a cohort's students want most of the table: one pass reads it
            wanted_set = set(wanted)
            return {h: text for h, text in self._db.execute("SELECT hash, result FROM results") if h in wanted_set}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT hash, result FROM results WHERE hash IN ({marks})", chunk))
        return found

    def keep_only(self, keys: Iterable[str]) -> int:
        """Forget every grade whose key is not in ``keys`` (after a complete run: the store
        then holds this cohort's grades only), and every result no grade holds any more.
        Returns how many grades were forgotten."""
        with self._transaction():
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep")
            self._db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keys))
            removed = self._db.execute("DELETE FROM grades WHERE key NOT IN (SELECT key FROM keep)").rowcount
            self._db.execute("DELETE FROM keep")
            if removed:
                self._db.execute("DELETE FROM results WHERE hash NOT IN (SELECT result FROM grades)")
        self._committed.clear()  # some may have gone
        return removed

    def count(self) -> int:
        self.flush()
        return int(self._db.execute("SELECT COUNT(*) FROM grades").fetchone()[0])

    def count_results(self) -> int:
        """How many distinct results the store holds."""
        self.flush()
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def count_students(self) -> int:
        self.flush()
        return int(self._db.execute("SELECT COUNT(*) FROM students").fetchone()[0])

    def seed_secret(self) -> str:
        """The run's seed secret when none is given: made once, then kept, so that a resumed
        or repeated run draws the same seeds (and so reuses the code questions' grades)."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'seed_secret'").fetchone()
        if row is not None:
            return str(row[0])
        secret = secrets.token_hex(16)
        with self._transaction():
            self._db.execute("INSERT INTO meta VALUES ('seed_secret', ?)", (secret,))
        return secret

    def close(self) -> None:
        """Commit what is held, fold the write-ahead log into the file and close (the folder
        then holds one file)."""
        try:
            self.flush()
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction, which first writes the results and grades held by :meth:`put_student`."""
        try:
            with self._db:  # commits, or rolls back on any exception (KeyboardInterrupt too)
                if self._pending_results:
                    self._db.executemany(_PUT_RESULT, self._pending_results.items())
                if self._pending:
                    self._db.executemany(_PUT_GRADE, self._pending)
                yield
        except sqlite3.Error as exc:
            raise HarnessError(f"{self.path}: cannot write the result store ({exc})") from None
        if len(self._committed) + len(self._pending_results) > HASHES_REMEMBERED:
            self._committed.clear()
        self._committed.update(self._pending_results)  # committed (a failed commit keeps them for the next one)
        self._pending, self._pending_results = [], {}
        self._last_commit = time.monotonic()


def _shell(student: StudentResult) -> str:
    """``student``'s JSON with no questions (they are joined in by :func:`_joined`)."""
    return student.model_copy(update={"questions": []}).model_dump_json()


def _joined(shell: str, questions: list[str]) -> str:
    """``student.model_dump_json()`` from :func:`_shell` and its questions' JSON, in order
    (a question's JSON in a student's is its own; ``tests/store/test_sqlite.py`` checks)."""
    head, tail = shell.split(_NO_QUESTIONS, 1)  # quotes inside values are escaped: unique
    return f'{head}"questions":[{",".join(questions)}]{tail}'


def open_store(path: Path) -> ResultStore:
    """Open (creating it if needed) the store at ``path``.

    Raises:
        HarnessError: the file is not a store, was written in another format, or cannot be
            created or written.
    """
    from harness.kept import create_private_file, make_folder

    _check_ours(path)
    try:
        make_folder(path.parent)
        fresh = not path.exists()
        if fresh:
            create_private_file(path)
        db = sqlite3.connect(path, isolation_level=None, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise HarnessError(f"{path}: cannot open the result store ({exc})") from None
    db.isolation_level = "DEFERRED"  # explicit transactions through ``with db``
    try:
        _check_format(db, path)
        # A new store holds no grade yet: making it waits for no disk (its rollback journal's
        # four syncs cost a lone grade some 20 ms). A killed process still leaves it whole;
        # only a power cut in these milliseconds could leave it unreadable, which says so.
        db.execute(f"PRAGMA synchronous={'OFF' if fresh else 'NORMAL'}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")  # this connection's, not the file's
        db.executescript(_SCHEMA)
        with db:
            db.execute(f"PRAGMA user_version = {STORE_FORMAT}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('harness', ?)", (__version__,))
        db.execute("PRAGMA synchronous=NORMAL")  # from the first grade: a killed process loses nothing committed
    except sqlite3.Error as exc:
        db.close()
        raise HarnessError(
            f"{path}: not a harness result store ({exc}); delete {path.parent} to grade afresh"
        ) from None
    except HarnessError:
        db.close()
        raise
    return ResultStore(db, path)


def _check_ours(path: Path) -> None:
    """A kept store's grades are reused by the next run, so it must be this user's alone: its
    folder and its files (the database and SQLite's journal files), in an output folder
    where no one else may swap them (:mod:`harness.kept`).

    Raises:
        HarnessError: another user wrote the store, or could have.
    """
    from harness.kept import why_not_ours, why_not_ours_database, why_not_safe_parent

    folder = path.parent
    if not os.path.lexists(folder):
        return
    why = why_not_ours(folder, folder=True) or why_not_ours_database(path) or why_not_safe_parent(folder.parent)
    if why is not None:
        raise HarnessError(
            f"{why}: a result store's grades are reused by the next run, so it must be this user's alone; "
            f"delete {folder} to grade afresh"
        )


def _check_format(db: sqlite3.Connection, path: Path) -> None:
    found = int(db.execute("PRAGMA user_version").fetchone()[0])
    if found in (0, STORE_FORMAT):
        return
    row = db.execute("SELECT value FROM meta WHERE name = 'harness'").fetchone() if _has_meta(db) else None
    writer = f"harness {row[0]}" if row else "another harness"
    raise HarnessError(
        f"{path}: the result store was written by {writer} (store format {found}, this harness reads "
        f"format {STORE_FORMAT}); delete {path.parent} to grade every student afresh"
    )


def _has_meta(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is not None
