"""Monte Carlo realisations as Dask tasks: the same numbers with no Dask, one worker or two, in any batches."""

import doctest
import os

import numpy as np
import pytest

from compendium.phantoms import PETSystem, iec_body_phantom, realisations, simulate_scans
from compendium.pipeline import cluster
from compendium.pipeline.cluster import dask_client, dask_map, split_batches

PHANTOM = iec_body_phantom((48, 48), pixel_mm=7.0)
SYSTEM = PETSystem((48, 48), 7.0, n_angles=36, fwhm_mm=7.0)


def scans(seeds):
    """A batch of noisy reconstructions, one per seed (a picklable batched task for realisations)."""
    return list(simulate_scans(PHANTOM, SYSTEM, 2e4, seeds, n_iter=2, n_subsets=4))


def test_split_batches_examples_and_arguments():
    assert doctest.run_docstring_examples(cluster.split_batches, {"split_batches": split_batches}) is None
    assert split_batches(map, 3)(lambda seeds: [s * 10 for s in seeds], [[1, 2, 3, 4], [5]]) == [[10, 20, 30, 40], [50]]
    with pytest.raises(ValueError, match="pieces must be a positive integer"):
        split_batches(map, 0)


@pytest.mark.slow
def test_realisations_on_dask_equal_the_sequential_ones_for_any_batching_and_worker_count():
    reference = realisations(scans, 6, seed=14, batch_size=6)
    one_at_a_time = realisations(scans, 6, seed=14, batch_size=6, mapper=split_batches(map, 6))
    runs = [one_at_a_time]
    for workers in (1, 2):
        with dask_client(workers=workers) as client:
            runs.append(realisations(scans, 6, seed=14, batch_size=6, mapper=split_batches(dask_map(client), 2)))
            runs.append(realisations(scans, 6, seed=14, batch_size=1, mapper=dask_map(client)))
    for run in runs:
        assert all(np.array_equal(a, b) for a, b in zip(reference, run, strict=True))
    assert not np.array_equal(reference[0], reference[1])


@pytest.mark.slow
def test_local_workers_keep_one_thread_each_without_the_nannys_allocator_setting():
    with dask_client(workers=1) as client:
        (environment,) = client.run(lambda: {k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS")}).values()
    assert environment == {"MALLOC_TRIM_THRESHOLD_": None, "OMP_NUM_THREADS": "1"}


def test_a_threaded_local_cluster_runs_every_condition_with_the_sequential_numbers():
    from functools import partial

    from compendium.phantoms import realisations_per_condition

    tasks = [partial(simulate_batch, counts=counts) for counts in (1e4, 4e4)]
    reference = realisations_per_condition(tasks, 4, seed=2)
    with dask_client(workers=2, processes=False) as client:
        (worker,) = client.scheduler_info()["workers"].values()  # one worker, in this process
        assert worker["nthreads"] == 2
        on_dask = realisations_per_condition(tasks, 4, seed=2, mapper=dask_map(client), batch_size=2)
    for expected, got in zip(reference, on_dask, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
    assert not np.array_equal(reference[0][0], reference[1][0])


def simulate_batch(seeds, counts):
    return list(simulate_scans(PHANTOM, SYSTEM, counts, seeds, n_iter=2, n_subsets=4))
