"""Monte Carlo realisations with seeds that do not depend on who runs them, and their uncertainty.

A simulation study is ``n`` independent realisations of one stochastic ``task``. Each
realisation gets its own child of ``numpy.random.SeedSequence(seed)`` (``spawn``), so the
result of realisation ``k`` is fixed by ``(seed, k)`` alone: the same whether the tasks run
in this process with the builtin ``map``, in batches, or on a Dask cluster
(``mapper=client.map`` followed by ``client.gather``, see :func:`realisations`).

:func:`mc_interval` summarises the realisations with a bootstrap interval over them
(``scipy.stats.bootstrap``), for statistics that are a mean of per-realisation values or
that need the whole set at once (an observer's AUC from image stacks).

Example: 200 realisations of a normal draw, their mean with its Monte Carlo interval.

>>> import numpy as np
>>> def draw(seed):
...     return float(np.random.default_rng(seed).normal())
>>> values = realisations(draw, 200, seed=1)
>>> values == realisations(draw, 200, seed=1, batch_size=64, task_is_batched=False)
True
>>> result = mc_interval(np.array(values), seed=0)
>>> result.low < 0 < result.high
True
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from scipy import stats


def child_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    """The ``n`` child seed sequences of ``SeedSequence(seed)``, realisation ``k`` gets the ``k``-th.

    >>> [s.spawn_key for s in child_seeds(7, 3)]
    [(0,), (1,), (2,)]
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return np.random.SeedSequence(int(seed)).spawn(int(n))


def substreams(seed: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent streams inside one realisation (e.g. its lesion-present and -absent images).

    Derived from the seed's entropy and spawn key alone, unlike ``seed.spawn``, whose answer
    depends on how often it was called before; so a realisation gives the same streams on
    any worker and on a second call.

    >>> first, again = substreams(child_seeds(5, 2)[1], 2), substreams(child_seeds(5, 2)[1], 2)
    >>> [s.spawn_key for s in first], first[0].generate_state(1) == again[0].generate_state(1)
    ([(1, 0), (1, 1)], array([ True]))
    """
    return [np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k)) for k in range(n)]


def _batches(items: Sequence, size: int) -> list[Sequence]:
    """Consecutive batches of ``size`` items, the last one possibly shorter."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {size!r}")
    return [items[start:start + int(size)] for start in range(0, len(items), int(size))]


def _joined(batch_results: Iterable[list], n_seeds: int) -> list:
    """The per-seed results of consecutive batches, in order, checked to be one per seed."""
    results = list(chain.from_iterable(batch_results))
    if len(results) != n_seeds:
        raise ValueError(f"task returned {len(results)} results for {n_seeds} seeds; a batched task "
                         "must return one result per seed")
    return results


def _run_each(task: Callable, seeds: Sequence[np.random.SeedSequence]) -> list:
    return [task(seed) for seed in seeds]


def realisations(task: Callable, n: int, seed: int, *, mapper: Callable[..., Iterable] = map,
                 batch_size: int | None = None, task_is_batched: bool = True) -> list:
    """Run ``task`` on ``n`` child seeds of ``seed`` and return the results in seed order.

    Parameters
    ----------
    task : callable
        A picklable module-level function (``functools.partial`` is fine) taking one
        ``numpy.random.SeedSequence`` and returning plain numbers or arrays; with
        ``batch_size`` and ``task_is_batched`` it takes a list of them and returns one
        result per seed, in order (so a reconstruction can process a stack at once).
    n : int
        Number of realisations.
    seed : int
        Root of the seed tree; realisation ``k`` uses ``SeedSequence(seed).spawn(n)[k]``.
    mapper : callable
        ``map``-like: ``mapper(function, iterable)`` returning results in input order, e.g.
        the builtin ``map`` (default), ``concurrent.futures.Executor.map``, or
        ``lambda f, xs: client.gather(client.map(f, xs))`` for Dask.
    batch_size : int, optional
        Seeds per call of the mapped function (default: one call per seed).
    task_is_batched : bool
        With ``batch_size``: whether ``task`` takes a batch itself (default) or should be
        called once per seed of the batch.

    Results depend only on ``(task, n, seed)``, never on ``mapper`` or ``batch_size``, as
    long as ``task`` derives all its randomness from the seed it is given.
    """
    seeds = child_seeds(seed, n)
    if batch_size is None:
        return list(mapper(task, seeds))
    function = task if task_is_batched else _BatchOf(task)
    return _joined(mapper(function, _batches(seeds, batch_size)), len(seeds))


def _call(job: tuple[Callable, Sequence[np.random.SeedSequence]]) -> list:
    task, seeds = job
    return task(seeds)


def realisations_per_condition(tasks: Sequence[Callable], n: int, seed: int, *,
                               mapper: Callable[..., Iterable] = map, batch_size: int | None = None) -> list[list]:
    """:func:`realisations` of several batched tasks (one per condition of a sweep) on the same seeds.

    Every condition gets the same ``n`` child seeds of ``seed`` (common random numbers: the
    conditions differ by the condition, not by their noise draws), and the batches of every
    condition go to ``mapper`` in one call, so that a cluster runs them all side by side rather
    than one condition after another. The result for each task equals
    ``realisations(task, n, seed, batch_size=batch_size)``.

    >>> def draws(seeds, scale):
    ...     return [scale * float(np.random.default_rng(s).normal()) for s in seeds]
    >>> from functools import partial
    >>> tasks = [partial(draws, scale=1.0), partial(draws, scale=2.0)]
    >>> one, two = realisations_per_condition(tasks, 5, seed=3, batch_size=2)
    >>> one == realisations(tasks[0], 5, seed=3, batch_size=5), [2 * v for v in one] == two
    (True, True)
    """
    seeds = child_seeds(seed, n)
    batches = _batches(seeds, len(seeds) if batch_size is None else batch_size)
    done = list(mapper(_call, [(task, batch) for task in tasks for batch in batches]))
    return [_joined(done[k * len(batches):(k + 1) * len(batches)], len(seeds)) for k in range(len(tasks))]


@dataclass(frozen=True)
class _BatchOf:
    """Picklable wrapper that runs a per-seed task over a batch (for Dask workers)."""

    task: Callable

    def __call__(self, seeds):
        return _run_each(self.task, seeds)


@dataclass(frozen=True)
class MCInterval:
    """A statistic of the realisations with its bootstrap standard error and interval."""

    estimate: float
    low: float
    high: float
    standard_error: float
    level: float
    n: int

    def digits(self) -> int:
        """Decimal places the realisations support: those above the standard error's first digit.

        >>> MCInterval(0.557, 0.52, 0.59, 0.016, 0.95, 1000).digits()
        2
        """
        if not self.standard_error > 0:
            return 3
        return max(0, int(-np.floor(np.log10(self.standard_error))))


def mc_interval(*samples, statistic: Callable[..., Any] = np.mean, level: float = 0.95,
                n_resamples: int = 999, seed: int = 0, method: str = "BCa",
                vectorized: bool = False) -> MCInterval:
    """Bootstrap interval of ``statistic`` over Monte Carlo realisations (``scipy.stats.bootstrap``).

    The default BCa interval corrects for the bias of statistics such as an observer's AUC
    from few images, which a percentile interval would carry over. ``samples`` are arrays
    whose first axis is the realisation; several samples are
    resampled together (paired by realisation index), so ``statistic(*samples)`` can be
    a quantity of the whole set, such as an observer's AUC from present and absent
    stacks of the same realisations. With the default mean of one sample the bootstrap
    is vectorised; so is a ``statistic`` declared ``vectorized``, which must accept samples
    with a leading resample axis, (resamples, n, ...), as well as (n, ...).

    >>> import numpy as np
    >>> x = np.random.default_rng(3).normal(10.0, 2.0, size=400)
    >>> r = mc_interval(x, seed=1)
    >>> round(r.standard_error, 2), r.low < 10 < r.high
    (0.1, True)
    """
    if not samples:
        raise ValueError("samples: give at least one array of realisations")
    arrays = [np.asarray(sample, dtype=float) for sample in samples]
    n = len(arrays[0])
    if n < 2 or any(array.ndim == 0 or len(array) != n for array in arrays):
        raise ValueError("samples must be arrays of the same number (at least 2) of realisations along axis 0")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    estimate = float(statistic(*arrays))
    result = _bootstrap(arrays, statistic, vectorized, level, n_resamples, seed, method)
    if method == "BCa" and not np.all(np.isfinite(result.confidence_interval)):
        # BCa is undefined when every resample gives the same value (an AUC of exactly 1);
        # the percentile interval is then that value itself.
        result = _bootstrap(arrays, statistic, vectorized, level, n_resamples, seed, "percentile")
    # Sorted: when nearly every resample gives the same value (an AUC within 1e-16 of 1), BCa's
    # ends can come out one rounding apart in reverse order.
    low, high = sorted(float(np.squeeze(v)) for v in result.confidence_interval)
    return MCInterval(estimate, low, high, float(np.squeeze(result.standard_error)), float(level), n)


def _bootstrap(arrays, statistic, vectorized, level, n_resamples, seed, method):
    n = len(arrays[0])
    options = dict(confidence_level=level, n_resamples=n_resamples, random_state=np.random.default_rng(seed),
                   method=method)
    with warnings.catch_warnings():  # a degenerate BCa warns and returns NaN; the caller falls back
        warnings.simplefilter("ignore")
        if statistic is np.mean and len(arrays) == 1:
            return stats.bootstrap((arrays[0],), np.mean, axis=0, **options)
        if vectorized:
            return stats.bootstrap((np.arange(n),), lambda index, axis=-1: statistic(*(a[index] for a in arrays)),
                                   vectorized=True, **options)
        # resample realisation indices, so samples of any shape stay paired by realisation
        return stats.bootstrap((np.arange(n),), lambda index: float(statistic(*(a[index] for a in arrays))),
                               vectorized=False, **options)
