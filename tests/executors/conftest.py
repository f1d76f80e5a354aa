"""A real Dask cluster of two worker processes (one thread each), shared by the package's tests,
and the ``sleepy`` kind registered in this process and in every worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from harness.executors.cluster import QUIET_SCHEDULER
from harness.kinds import kind_registry
from tests.executors.sleepy import RegisterSleepy, SleepyKind


@pytest.fixture(scope="package")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, **QUIET_SCHEDULER) as started:
        yield started


@pytest.fixture
def client(cluster: LocalCluster) -> Iterator[Client]:
    """A client of the cluster, once both workers are up (a test may have killed one)."""
    with Client(cluster) as connected:
        connected.wait_for_workers(2, timeout=120)
        yield connected


@pytest.fixture
def sleepy_log(client: Client, tmp_path: Path) -> Iterator[Path]:
    """The ``sleepy`` kind registered here and in every worker (restarted ones too); its log,
    written by the workers only (this process's copy of the kind keeps none)."""
    log = tmp_path / "graded.log"
    kind_registry().register("sleepy", SleepyKind)
    client.register_plugin(RegisterSleepy(log), name="register-sleepy")
    try:
        yield log
    finally:
        client.unregister_worker_plugin("register-sleepy")
        kind_registry().unregister("sleepy")
