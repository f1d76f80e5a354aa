"""Statistics rows of the slow sacrebleu metrics (TER, chrF) counted on every core.

TER's shift search and chrF's n-gram counting are pure Python: on a 10,000-item suite they are
most of a scoring run, and one process uses one core. Each sample's row depends on that sample
alone, so the samples are cut into one contiguous chunk per core, each chunk is counted by the
same sacrebleu code in a worker process, and the rows are put back in order: the rows, and so
every score, are those of one process. Below :data:`MIN_SAMPLES` samples, on one core, or where
worker processes cannot be started (a sandbox without ``/dev/shm``), the rows are counted here.

The workers come from a ``forkserver``, not ``fork``: forking a process that runs threads (a
progress line, an HTTP adapter's pool) is unsafe. They are started on first use and kept for
the life of the process, so a run that scores two systems pays the start-up once.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from typing import Any, Literal

import numpy as np

from harness.metrics.base import FloatArray
from harness.metrics.sacrebleu_stats import reference_streams

MIN_SAMPLES = 2000  # below this a worker's start-up costs more than it saves
MAX_WORKERS = 8
Kind = Literal["chrf", "ter"]

_pool: ProcessPoolExecutor | None = None
_pool_failed = False


def statistics_rows(
    kind: Kind, options: dict[str, Any], hypotheses: list[str], references: list[list[str]]
) -> FloatArray:
    """The ``(n, k)`` rows of sacrebleu's ``kind`` metric with ``options`` (see the module docstring)."""
    workers = _cores()
    if len(hypotheses) >= MIN_SAMPLES and workers > 1:
        parts = _in_workers(kind, options, hypotheses, references, workers)
        if parts is not None:
            return np.array([row for part in parts for row in part], dtype=np.float64)
    return np.array(chunk_rows(kind, tuple(sorted(options.items())), hypotheses, references), dtype=np.float64)


def chunk_rows(
    kind: Kind, options: tuple[tuple[str, Any], ...], hypotheses: list[str], references: list[list[str]]
) -> list[list[float]]:
    """The rows of one chunk, counted by sacrebleu's code (in a worker, or here)."""
    metric = sacrebleu_metric(kind, options)
    if kind == "chrf":
        rows: list[list[float]] = metric.statistics(hypotheses, references)
        return rows
    rows = metric._extract_corpus_statistics(hypotheses, reference_streams(references))
    return rows


@cache
def sacrebleu_metric(kind: Kind, options: tuple[tuple[str, Any], ...]) -> Any:
    """One sacrebleu metric object per kind and options and process (chrF keeps its references)."""
    if kind == "chrf":
        from harness.metrics.chrf_stats import FastChrf

        return FastChrf(**dict(options))
    from harness.metrics.ter_stats import FastTer

    return FastTer(**dict(options))


def _in_workers(
    kind: Kind, options: dict[str, Any], hypotheses: list[str], references: list[list[str]], workers: int
) -> list[list[list[float]]] | None:
    pool = _worker_pool(workers)
    if pool is None:
        return None
    bounds = np.linspace(0, len(hypotheses), workers + 1).astype(int).tolist()
    spans = list(itertools.pairwise(bounds))
    frozen = tuple(sorted(options.items()))
    try:
        return list(
            pool.map(
                chunk_rows,
                [kind] * len(spans),
                [frozen] * len(spans),
                [hypotheses[a:b] for a, b in spans],
                [references[a:b] for a, b in spans],
            )
        )
    except (BrokenProcessPool, OSError):  # a worker was killed or could not start: count here instead
        _give_up()
        return None


def _worker_pool(workers: int) -> ProcessPoolExecutor | None:
    global _pool
    if _pool is None and not _pool_failed:
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["harness.metrics.parallel_rows"])
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            atexit.register(shutdown)
        except (OSError, ValueError):  # no forkserver here (no /dev/shm, no fork): one process
            _give_up()
    return _pool


def shutdown() -> None:
    """Stop the workers now (they start again on next use); tests and benchmarks call it."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool = None


def _give_up() -> None:
    global _pool, _pool_failed
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _pool_failed = None, True


def _cores() -> int:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        usable = os.cpu_count() or 1
    return min(usable, MAX_WORKERS)
