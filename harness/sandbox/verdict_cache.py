"""The doctor's last verdict, kept for a short while so that a lone grade starts fast.

The doctor's real attacks take seconds (a wall-clock kill waits one second, a memory hoard
forks four processes), far more than grading one student. A verdict that every check held is
therefore written down, keyed by everything that decides whether it still holds: the
backend, this machine's boot, the kernel, the tools the backend runs (by content), the
Python, the sandbox's own source, the euid and its cgroup. It is reused only while that key
matches and for at most :data:`TTL_SECONDS`: the attacks still run at least once per boot,
whenever bwrap or the kernel changes, and every half hour. A failed verdict is never kept,
so a fixed host is confirmed at once.

The file is trusted only if this euid owns it and its folder and neither is writable by
anyone else: another user must not be able to plant a verdict of "held".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

from harness.kept import trusted
from harness.sandbox.doctor import Check

TTL_SECONDS = 30 * 60
SANDBOX_SOURCE = Path(__file__).resolve().parent
TOOLS = ("bwrap", "prlimit", "setpriv")


def cache_dir() -> Path:
    """``$HARNESS_CACHE/sandbox-doctor``, else ``~/.cache/genai-harness/sandbox-doctor``."""
    root = Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")
    return root / "sandbox-doctor"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def fingerprint(backend: str) -> str:
    """A hash of everything whose change must send the doctor's attacks again."""
    parts: dict[str, object] = {
        "backend": backend,
        "euid": os.geteuid(),
        "boot": _read("/proc/sys/kernel/random/boot_id").strip(),
        "kernel": [os.uname().release, os.uname().version, os.uname().machine],
        "cgroup": _read("/proc/self/cgroup"),
        "python": [sys.version, sys.executable, sys.prefix, sys.base_prefix],
        "tools": {tool: _tool_digest(tool) for tool in TOOLS},
        "source": {path.name: _digest(path) for path in sorted(SANDBOX_SOURCE.glob("*.py"))},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _tool_digest(tool: str) -> str:
    found = shutil.which(tool)
    return f"{os.path.realpath(found)}:{_digest(Path(found))}" if found else "missing"


def load(backend: str, now: float | None = None) -> tuple[Check, ...] | None:
    """The kept verdict for ``backend`` if it is trusted, fresh and still matches this host."""
    key = fingerprint(backend)
    path = cache_dir() / f"{backend}.json"
    if not trusted(path):
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        checked_at, checks = float(kept["checked_at"]), [Check(**c) for c in kept["checks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    age = (time.time() if now is None else now) - checked_at
    if kept.get("fingerprint") != key or not 0 <= age < TTL_SECONDS or not checks:
        return None
    if not all(check.held for check in checks):
        return None
    return tuple(checks)


def store(backend: str, checks: tuple[Check, ...]) -> None:
    """Keep ``checks`` if every one held; a failure is not kept. Best effort: a cache that
    cannot be written only costs the next run its seconds."""
    if not checks or not all(check.held for check in checks):
        return
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        kept = {
            "fingerprint": fingerprint(backend),
            "checked_at": time.time(),
            "checks": [{"name": c.name, "held": c.held, "detail": c.detail} for c in checks],
        }
        partial = folder / f".{backend}.{os.getpid()}.tmp"
        partial.write_text(json.dumps(kept, indent=1), encoding="utf-8")
        os.chmod(partial, 0o600)
        os.replace(partial, folder / f"{backend}.json")
    except OSError:
        return
