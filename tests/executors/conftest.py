"""A real Dask cluster of two worker processes (one thread each), shared by the module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from distributed import Client, LocalCluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as started:
        yield started


@pytest.fixture
def client(cluster: LocalCluster) -> Iterator[Client]:
    """A client of the cluster, once both workers are up (a test may have killed one)."""
    with Client(cluster) as connected:
        connected.wait_for_workers(2, timeout=120)
        yield connected
