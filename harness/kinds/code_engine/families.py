"""Which zygote runs a code question's jobs: a run's questions whose preloads start with the
same module (and that all name course models, or none) share one, per thread and pool.

Starting a zygote is the costly part of a warm worker: an interpreter in a fresh sandbox
importing the preloads, and rehearsing the mounted models. For torch and transformers'
pipelines that is about 4 CPU-seconds. Keyed by each question's own preloads and models, the
course's code bank started a zygote per thread for each set of models its Hugging Face
questions name (two of them in a cohort: one model, or all three).

A family's zygote imports the union of its questions' preloads (first seen first) and
mounts all of their models, read-only. The course's models are public: a job already reads
every model of the questions it runs together (:mod:`~harness.kinds.code_engine.grouping`).
A larger zygote makes every fork copy more page tables, so only preload sets led by the
same module are merged: numpy's exercises never fork from a torch zygote. Questions that
name no model never share a zygote with questions that do: a family's models are found
when its first job runs, and finding one may build it (the course's three Hugging Face
models take about 50 s on a fresh cache), which a student who self-checks the autoencoder
must not wait for. Questions whose sandbox-wide limits differ (processes, the size of
/tmp) cannot share a sandbox and are families of their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.kinds.code import CodeQuestion
    from harness.sandbox.base import SandboxLimits

FamilyKey = tuple[str, bool, int, int]


def family_key(question: CodeQuestion) -> FamilyKey:
    """The leading preloaded module ("" for none), whether the question names course models,
    and the limits a sandbox shares."""
    leading = question.preload[0] if question.preload else ""
    return (leading, bool(question.models), question.limits.processes, question.limits.tmp_mb)


@dataclass
class Family:
    """Questions that share a zygote: its preloads, and (found on first use) its models."""

    limits: SandboxLimits | None = None  # the first question's: a sandbox's are shared
    preload: tuple[str, ...] = ()
    members: set[int] = field(default_factory=set)  # id() of each question
    model_names: tuple[str, ...] = ()
    _models: tuple[Path, ...] | None = None
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def add(self, question: CodeQuestion) -> None:
        self.limits = self.limits or question.limits
        self.preload = tuple(dict.fromkeys((*self.preload, *question.preload)))
        self.model_names = tuple(dict.fromkeys((*self.model_names, *question.models)))
        self.members.add(id(question))

    def models(self, find: Callable[[str], Path]) -> tuple[Path, ...]:
        """Every model folder of the family, sorted; found (a model may be built) once."""
        with self._guard:
            if self._models is None:
                self._models = tuple(sorted({find(name) for name in self.model_names}))
            return self._models


class Families:
    """A run's zygote families, from its questions; a question the run was not told of keeps
    its own preloads and models."""

    def __init__(self, questions: Sequence[CodeQuestion] = ()) -> None:
        self._families: dict[FamilyKey, Family] = {}
        for question in questions:
            self._families.setdefault(family_key(question), Family()).add(question)

    def __iter__(self) -> Iterator[Family]:
        return iter(self._families.values())

    def of(self, question: CodeQuestion) -> Family | None:
        family = self._families.get(family_key(question))
        return family if family is not None and id(question) in family.members else None
