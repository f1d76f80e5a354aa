"""Every model call kept in SQLite, so a rerun with nothing changed makes no call at all.

A call's key is a sha256 over the adapter, the model's identity (a hash of its files, or the
endpoint and model name), the rendered prompt, the generation parameters, the sample index and, for a speech model, the
sha256 of the item's audio file.
Each output is committed the moment it arrives (WAL journal, one short transaction), so a run
killed with SIGKILL keeps every output it received and a rerun asks the model only for the
rest. Several processes may share one cache file: SQLite's locking serialises the writes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from harness.errors import HarnessError
from harness.kept import create_private_file, why_not_ours_database, why_not_safe_parent
from harness.models.base import ModelAdapter, Request

SCHEMA = """
CREATE TABLE IF NOT EXISTS outputs (
    key TEXT PRIMARY KEY,
    adapter TEXT NOT NULL,
    model TEXT NOT NULL,
    sample INTEGER NOT NULL,
    output TEXT NOT NULL
)
"""
LOOKUP_CHUNK = 500  # keys per SELECT: below SQLite's limit on bound parameters


class CacheError(HarnessError):
    """The cache file cannot be opened or written (a folder, no permission, a corrupt file)."""

    exit_code = 2


def call_key(adapter: ModelAdapter, request: Request) -> str:
    """The cache key of one call (see the module docstring)."""
    parts: list[object] = [adapter.name, adapter.identity(), request.prompt, request.params.canonical(), request.sample]
    if request.audio is not None:  # appended only when there is audio: every text call keeps its key
        parts.append(f"audio:sha256:{request.audio.sha256}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _check_ours(path: Path) -> None:
    """A cached output is reused as the model's: the cache must be this user's alone (its
    files, and a folder no one else may rename them in; :mod:`harness.kept`).

    Raises:
        CacheError: another user wrote the cache, or could have.
    """
    why = why_not_safe_parent(path.parent) or why_not_ours_database(path)
    if why is not None:
        raise CacheError(
            f"{why}: the generation cache's outputs are reused as the model's, so it must be this user's alone; "
            f"delete {path} (or give --cache a file of your own) to call the model afresh"
        )


class GenerationCache:
    """A SQLite file of outputs by call key; ``None`` as the path keeps them in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                _check_ours(path)
                create_private_file(path)
            self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # with WAL: nothing committed is lost if the process dies
            self._db.execute(SCHEMA)
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise CacheError(f"{path}: cannot open the generation cache: {exc}") from None

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        """The cached outputs of those ``keys`` that have one."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT key, output FROM outputs WHERE key IN ({marks})", chunk)
                found.update(rows.fetchall())
        return found

    def store(self, key: str, adapter: ModelAdapter, request: Request, output: str) -> None:
        """Commit one output now (an output already cached under ``key`` is kept)."""
        row = (key, adapter.name, adapter.identity(), request.sample, output)
        try:
            with self._lock, self._db:
                self._db.execute("INSERT OR IGNORE INTO outputs VALUES (?, ?, ?, ?, ?)", row)
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot write the generation cache: {exc}") from None

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM outputs").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
