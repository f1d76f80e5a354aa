"""What a process needs to grade students of a run, sent as data rather than live objects.

A run's open resources (a code kind's sandbox pools, its reference cache) belong to the
process that opened them and cannot travel. A :class:`GradingJob` names what rebuilds them:
the bank files (the same absolute paths on every machine), the mode and date, and the
:class:`~harness.kinds.lifecycle.RunOptions`. Each process that grades opens its own run from
it with :func:`open_job`, and checks that it read the same banks as the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from harness import __version__
from harness.errors import HarnessError
from harness.grading.lifecycle import open_run
from harness.grading.runner import GradingPlan, Mode
from harness.kinds import LoadedBank, load_banks
from harness.kinds.lifecycle import RunOptions

SEED_SECRET_ENV = "HARNESS_SEED_SECRET"  # the code kind's default source (kinds/code_engine/runner.py)


@dataclass(frozen=True)
class GradingJob:
    """A run as data: enough for any process with the same banks to grade its students.

    ``bank_hashes`` are the banks' content hashes as the client loaded them: a worker whose
    files differ refuses the job instead of grading against another bank.
    """

    bank_files: tuple[str, ...]  # absolute paths, in load order
    bank_hashes: tuple[str, ...]
    mode: Mode
    today: dt.date
    options: RunOptions
    harness_version: str = __version__
    workers: int | None = None  # students at once in one process (None: one more than the CPUs)

    @classmethod
    def of(cls, banks: Sequence[LoadedBank], mode: Mode, today: dt.date, options: RunOptions) -> GradingJob:
        """The job for ``banks`` as loaded here, with the seed secret fixed for every process.

        A run spread over processes must draw from one secret; left to each process, every
        worker would pick its own random one and a student's result would depend on where
        they were graded.
        """
        secret = options.seed_secret or os.environ.get(SEED_SECRET_ENV) or secrets.token_hex(16)
        return cls(
            bank_files=tuple(str(Path(b.path).resolve()) for b in banks),
            bank_hashes=tuple(b.content_hash for b in banks),
            mode=mode,
            today=today,
            options=replace(options, seed_secret=secret),
        )

    def key(self) -> str:
        """A short hash that names this job (a worker's open run is found by it)."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:16]


@contextmanager
def open_job(job: GradingJob) -> Iterator[GradingPlan]:
    """The job's plan with every kind's run scope open in this process; closed at the end.

    Raises:
        HarnessError: this process runs another harness version, or reads other banks at the
            job's paths; a kind cannot open its scope (a sandbox that does not isolate here).
    """
    if job.harness_version != __version__:
        raise HarnessError(f"this worker runs harness {__version__}, the client {job.harness_version}")
    banks = load_banks([Path(p) for p in job.bank_files])
    for bank, expected in zip(banks, job.bank_hashes, strict=True):
        if bank.content_hash != expected:
            differs = "this worker's bank differs from the client's (same path, other content)"
            raise HarnessError(differs, str(bank.path))
    with open_run(GradingPlan(banks, job.mode, job.today), job.options, job.workers) as plan:
        yield plan
