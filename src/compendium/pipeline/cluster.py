"""One Dask ``Client`` for every many-runs command: a local cluster by default, any cluster by address.

Without an address, a :class:`distributed.LocalCluster` with one single-threaded worker
process per core (or ``workers``) is started here and closed on exit, on random ports
and without a dashboard, so that two commands at once never collide. With
``scheduler="tcp://HOST:PORT"`` the client joins a cluster started elsewhere
(``dask scheduler`` / ``dask worker``, or dask-jobqueue on SLURM or PBS); its workers
must see this project's folder, since they write their runs under ``_build/``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from compendium.errors import CompendiumError
from compendium.paths import project_root

CONNECT_TIMEOUT = "10s"
# Dask's nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which hands freed memory back
# to the system at once but makes every allocation above 64 KiB a fresh mmap: the phantoms' many
# medium-sized arrays then take about 30 % longer (measured). Their tasks are short and small, so
# speed wins. The local cluster's workers, and the kernels of a sweep's points, go without it.
ALLOCATOR_VARIABLE = "MALLOC_TRIM_THRESHOLD_"
_NANNY_ENVIRONMENT = "distributed.nanny.pre-spawn-environ"


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                processes: bool = True) -> Iterator["distributed.Client"]:
    """Yield a connected client; a local cluster started here is closed, workers and all, on exit.

    ``processes=False`` makes the local cluster one worker of ``workers`` threads inside this
    process: it starts in well under a second and imports nothing again, which suits a notebook
    that the book's build already runs beside another one, each on its own core.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler and workers:
        raise CompendiumError("--workers sizes the local cluster; it cannot be given with --scheduler")
    if workers is not None and workers < 1:
        raise CompendiumError(f"--workers must be at least 1, got {workers}")
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise CompendiumError(f"cannot reach the Dask scheduler at {scheduler!r} ({exc})") from None
        with client:
            yield client
        return
    size = workers or os.cpu_count() or 1
    environment = {k: v for k, v in dask.config.get(_NANNY_ENVIRONMENT).items() if k != ALLOCATOR_VARIABLE}
    with dask.config.set({_NANNY_ENVIRONMENT: environment}), LocalCluster(
        # In processes, one single-threaded worker per core: the work is CPU-bound.
        n_workers=size if processes else 1,
        threads_per_worker=1 if processes else size,
        processes=processes,
        scheduler_port=0,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,  # a failing task is reported by the command, in one line
    ) as cluster, Client(cluster) as client:
        yield client


@dataclass(frozen=True)
class InProject:
    """``function`` called in this project's checkout, wherever the task lands.

    A worker started elsewhere (``dask worker``) knows nothing of ``COMPENDIUM_ROOT``;
    the task carries it.
    """

    function: Callable
    root: str

    def __call__(self, *args, **kwargs):
        os.environ["COMPENDIUM_ROOT"] = self.root
        return self.function(*args, **kwargs)


def in_project(function: Callable) -> InProject:
    return InProject(function, str(project_root()))


def dask_map(client) -> Callable[[Callable, Iterable], list]:
    """A ``map`` whose calls run as tasks on ``client``'s cluster, results in input order.

    For :func:`compendium.phantoms.montecarlo.realisations` (``mapper=dask_map(client)``)
    and the ledger's robustness grid.
    """

    def mapper(function: Callable, items: Iterable) -> list:
        return client.gather(client.map(in_project(function), list(items), pure=False))

    return mapper


def split_batches(mapper: Callable[[Callable, Iterable], Iterable], pieces: int) -> Callable[[Callable, Iterable], list]:
    """A ``map`` for batched Monte Carlo tasks that splits every batch into ``pieces`` smaller ones.

    A batched task (:func:`compendium.phantoms.realisations` with ``batch_size``) takes a list
    of seeds and returns one result per seed, each fixed by its seed alone; so a batch can be
    cut into contiguous pieces, mapped (on ``dask_map(client)``: one task per piece), and the
    results joined in order, with the same numbers. ``pieces=len(batch)`` runs the
    realisations one at a time.

    >>> double = lambda seeds: [2 * s for s in seeds]
    >>> split_batches(map, 2)(double, [[1, 2, 3], [4]])
    [[2, 4, 6], [8]]
    """
    if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 1:
        raise ValueError(f"pieces must be a positive integer, got {pieces!r}")

    def split(function: Callable, batches: Iterable) -> list:
        joined = []
        for batch in batches:
            batch = list(batch)
            size = -(-len(batch) // pieces)  # ceiling: at most `pieces` pieces
            parts = mapper(function, [batch[start:start + size] for start in range(0, len(batch), size)])
            joined.append([result for part in parts for result in part])
        return joined

    return split
