"""The reference solution's reports, cached in memory for the run and on disk across runs.

The key hashes everything that could change the reference's results (harness and Python
versions, the sandbox stub, the source, the calls with their seeds, the libraries the
question preloads), so a stale entry is never read. Students graded in parallel wait for one
reference run per question, not one each.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import __version__
from harness.kept import read_trusted
from harness.kinds.code_engine.channel import RunReport
from harness.sandbox.pool import STUB

STUB_DIGEST = hashlib.sha256(STUB[1].read_bytes()).hexdigest()[:16]


class ReferenceCache:
    """Reports by key, in memory and under ``cache_dir/expected``; one lock per key."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._reports: dict[str, RunReport] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, run: Callable[[], RunReport]) -> RunReport:
        """The report under ``key``; ``run`` makes it when neither memory nor disk has it. A
        report with a problem or an import error is kept for the run, never written to disk."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._reports:
                return self._reports[key]
            path = self.cache_dir / "expected" / f"{key}.json"
            report = load_report(path)
            if report is None:
                report = run()
                if report.problem is None and report.import_error is None:
                    save_report(path, report)
            self._reports[key] = report
            return report


def cache_key(source: str, file: str, preload: list[str], calls: list[dict[str, Any]]) -> str:
    """The hash of everything that could change the reference's report."""
    payload = {
        "harness": __version__,
        "stub": STUB_DIGEST,
        "python": sys.version,
        "reference": source,
        "file": file,
        "preload": preload,
        "calls": calls,
        "libraries": _library_versions(tuple(preload)),
    }
    canonical = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@functools.cache
def _library_versions(modules: tuple[str, ...]) -> dict[str, str]:
    """Installed versions, read once per process (a metadata lookup costs milliseconds)."""
    from harness.versions import installed_version

    return {name: installed_version(name) or "absent" for name in ["numpy", *modules]}


def load_report(path: Path) -> RunReport | None:
    """The report kept at ``path``; None when there is none, or another user could have
    written it (:func:`harness.kept.read_trusted`): the expected values decide grades."""
    text = read_trusted(path)
    if text is None:
        return None
    try:
        return RunReport(events=json.loads(text)["events"])
    except (ValueError, KeyError, TypeError):
        return None


def save_report(path: Path, report: RunReport) -> None:
    """Write atomically under a name no other writer (process or thread) can share."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # ours alone, or never read back
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"events": report.events}, out, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
