"""Fixtures the dask engine's tests share."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def cluster():
    """An in-process dask cluster of two one-thread workers, one per test module: starting
    one costs seconds, and a module's tests only read what it schedules."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as running:
        yield running
