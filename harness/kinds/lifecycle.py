"""A kind's run lifecycle: what it opens before a run grades anything, and closes after.

Some kinds need a resource for the whole run: the ``code`` kind a pool of warm sandboxes and
a reference cache, a model-graded kind a loaded model or a server. The core does not know
which: before grading, it asks each kind in the run to :meth:`~harness.kinds.base.QuestionKind.open_run`
with the run's :class:`RunOptions`, keeps what comes back in :class:`RunResources`, hands
that to every :class:`~harness.kinds.base.GradeContext`, and closes every scope when the run
ends, however it ends (inspect_ai's sandbox ``task_init``/``task_cleanup`` hooks, as a
context manager). A kind finds its own scope by its class, typed: ``ctx.resources.get(MyScope)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

RunMode = Literal["grade", "check"]


@dataclass(frozen=True)
class RunOptions:
    """What the caller of a run chose that a kind may need to open its resources.

    ``sandbox`` is a backend name (``None``: a self-check, where the student runs their own
    code and the default backend is fine); ``unsafe_sandbox`` allows a backend that cannot
    isolate a cohort's code; ``seed_secret`` seeds random draws (``None``: the kind's default);
    ``cache_dir`` is where results that outlive the run are kept (``None``: the default cache).
    """

    mode: RunMode = "grade"
    sandbox: str | None = None
    unsafe_sandbox: bool = False
    seed_secret: str | None = None
    cache_dir: Path | None = None


@dataclass(frozen=True)
class RunRecord:
    """What a scope contributes to the cohort's result, for the instructor to reproduce the run."""

    sandbox: str | None = None  # the backend the students' code ran in
    seed_secret: str | None = None  # what seeded the run's random draws


class RunScope(ABC):
    """A resource a kind holds for one run; :meth:`close` is called once, when the run ends."""

    parallel: ClassVar[bool] = False  # True: students are graded in threads (grading waits on I/O)

    def record(self) -> RunRecord:
        """What the cohort's result records of this scope (by default nothing)."""
        return RunRecord()

    @abstractmethod
    def close(self) -> None:
        """Release what the scope holds. Must not raise for a scope that did nothing."""


S = TypeVar("S", bound=RunScope)


class RunResources:
    """The scopes open in a run, each found by its class: ``resources.get(CodeRunner)``."""

    def __init__(self, scopes: Iterable[RunScope] = ()) -> None:
        self._scopes: dict[type[RunScope], RunScope] = {type(scope): scope for scope in scopes}

    def get(self, scope_type: type[S]) -> S | None:
        """The open scope of class ``scope_type``, or None when no kind of the run opened one."""
        scope = self._scopes.get(scope_type)
        return scope if isinstance(scope, scope_type) else None

    def __iter__(self) -> Iterator[RunScope]:
        return iter(self._scopes.values())

    def __len__(self) -> int:
        return len(self._scopes)

    @property
    def parallel(self) -> bool:
        return any(scope.parallel for scope in self)

    def record(self) -> RunRecord:
        """The scopes' records merged (the first scope that names a sandbox or a secret wins)."""
        records = [scope.record() for scope in self]
        return RunRecord(
            sandbox=next((r.sandbox for r in records if r.sandbox is not None), None),
            seed_secret=next((r.seed_secret for r in records if r.seed_secret is not None), None),
        )
