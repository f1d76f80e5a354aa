"""A head start for one-shot commands: the first sandbox starts while the harness imports.

``harness grade`` on one student, or a student's ``harness check``, spends most of its time
starting: importing the harness and loading the banks, then starting the code questions'
first sandbox (bubblewrap, an interpreter, the preloads such as numpy), which cannot begin
before the banks say what it preloads. So the two ran one after the other.

The run's pools prewarm those zygotes (:meth:`harness.sandbox.pool.WarmPool.prewarm`). This
module remembers which (backend, preload set, limits), per bank paths and backend, in the
cache folder, and the next command over the same banks starts them again before it imports
anything heavy; the two starts then overlap. A run adopts a head start only when it asks for
exactly the same backend, preloads and limits, so a stale hint costs one zygote started for
nothing (stopped at exit), never a different sandbox. Head starts are started by the pool's
own code: isolation is the same as for any zygote. A backend that needs the doctor's verdict
gets a head start only while that verdict is kept (:mod:`harness.sandbox.verdict_cache`), so
an invalid bank is still reported before any attack runs.

Like the verdict, a hint is read only from a file this euid owns and nobody else can write.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import __version__

if TYPE_CHECKING:
    from harness.sandbox.base import Sandbox, SandboxLimits

HINT_FORMAT = 1
MAX_ZYGOTES = 2  # as the code runner's PREWARM_LIMIT: more would compete with the first for the cores
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")

Zygote = tuple[str, tuple[str, ...], "SandboxLimits"]  # backend name, preload set, limits


def hint_folder() -> Path:
    """``$HARNESS_CACHE/head-start``, else ``~/.cache/genai-harness/head-start``."""
    root = Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")
    return root / "head-start"


def hint_path(banks: Sequence[str | Path], sandbox: str | None, unsafe: bool) -> Path:
    """Where the hint of a command over ``banks`` (as named on its command line) is kept."""
    identity = {
        "format": HINT_FORMAT,
        "harness": __version__,
        "banks": [os.path.realpath(bank) for bank in banks],
        "sandbox": sandbox,
        "unsafe": unsafe,
    }
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    return hint_folder() / f"{digest[:32]}.json"


@contextmanager
def head_start(banks: Sequence[str | Path], sandbox: str | None, unsafe: bool = False) -> Iterator[None]:
    """Start the zygotes the last command over ``banks`` prewarmed, then run the body; once
    the body returns, remember what this one prewarmed. ``sandbox`` is the backend the run
    will use by name, or None for a self-check's default backend."""
    path = hint_path(banks, sandbox, unsafe)
    kept = read_hint(path)
    mark = _prewarm_mark()
    begin(kept, sandbox, unsafe)
    yield
    remember(path, kept, prewarmed_since(mark))


def begin(zygotes: list[Zygote], sandbox: str | None, unsafe: bool) -> None:
    """Start ``zygotes`` of the backend the run will use (none when it cannot be used yet)."""
    if not zygotes:
        return
    backend = _backend_ready(sandbox, unsafe)
    if backend is None:
        return
    from harness.sandbox.pool import start_ahead

    for name, preload, limits in zygotes[:MAX_ZYGOTES]:
        if name == backend.name:
            start_ahead(backend, preload, limits)


def _backend_ready(sandbox: str | None, unsafe: bool) -> Sandbox | None:
    """The backend the run will choose, if choosing it now needs no doctor: a self-check's
    default, or a cohort's backend whose verdict is kept. Anything the run would refuse
    (an unknown name, an unsafe backend) is left to the run to say, in its own words."""
    from harness.errors import HarnessError
    from harness.sandbox import verdict_cache
    from harness.sandbox.selection import default_sandbox, sandbox_for_cohort, sandbox_named

    try:
        if sandbox is None:
            return default_sandbox()
        if sandbox_named(sandbox).isolating and verdict_cache.load(sandbox) is None:
            return None
        return sandbox_for_cohort(sandbox, unsafe)
    except HarnessError:
        return None


def remember(path: Path, kept: list[Zygote], zygotes: list[Zygote]) -> None:
    """Write ``zygotes`` as the hint at ``path`` unless it holds them already (best effort: a
    hint that cannot be written only costs the next command its head start)."""
    if zygotes == kept or (not zygotes and not path.exists()):
        return
    record = {
        "format": HINT_FORMAT,
        "zygotes": [
            {"sandbox": name, "preload": list(preload), "limits": limits.model_dump(mode="json")}
            for name, preload, limits in zygotes
        ],
    }
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        partial = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except OSError:
        return


def _prewarm_mark() -> int | None:
    """Where this process's prewarm record stands (None: no pool module, so no prewarm yet,
    and nothing heavy imported for a command that may need no sandbox at all)."""
    if "harness.sandbox.pool" not in sys.modules:
        return None
    from harness.sandbox.pool import prewarm_mark

    return prewarm_mark()


def prewarmed_since(mark: int | None) -> list[Zygote]:
    """The zygotes this process's pools prewarmed since ``mark`` without read-only paths
    (those with course models are left to their first job), at most :data:`MAX_ZYGOTES`."""
    if "harness.sandbox.pool" not in sys.modules:
        return []
    from harness.sandbox.pool import prewarmed_since as since

    found = [(sandbox.name, preload, limits) for sandbox, preload, readonly, limits in since(mark or 0) if not readonly]
    return found[:MAX_ZYGOTES]


def read_hint(path: Path) -> list[Zygote]:
    """The zygotes kept at ``path``; none when the file is missing, not trusted or not valid."""
    if not os.path.lexists(path):  # none kept (banks without code): import no sandbox module
        return []
    from harness.kept import trusted

    if not trusted(path):
        return []
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != HINT_FORMAT:
            return []
        return [_zygote(entry) for entry in record["zygotes"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def _zygote(entry: dict[str, Any]) -> Zygote:
    """One kept zygote, checked as the bank's own fields are (ValueError when it is not)."""
    from harness.sandbox.base import SandboxLimits

    name, preload = entry["sandbox"], entry["preload"]
    if not isinstance(name, str) or not isinstance(preload, list):
        raise ValueError("not a zygote")
    if not all(isinstance(module, str) and _MODULE.fullmatch(module) for module in preload):
        raise ValueError("not a module name")
    return name, tuple(preload), SandboxLimits.model_validate(entry["limits"])
