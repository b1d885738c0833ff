"""Shared argument checks: every public function validates its inputs here first.

Each check raises ``ValueError`` with a message that names the offending argument,
so a caller (or a notebook reader) can tell at once which number was wrong.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def count(name: str, value) -> int:
    """Return ``value`` as a non-negative int (integral floats such as 12.0 are accepted)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if not float(value).is_integer() or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def positive_count(name: str, value) -> int:
    """Return ``value`` as a positive int."""
    result = count(name, value)
    if result == 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return result


def successes(x_name: str, x, n_name: str, n) -> tuple[int, int]:
    """Validate a binomial count ``x`` out of ``n`` trials (``n`` > 0, 0 <= x <= n)."""
    x_int, n_int = count(x_name, x), positive_count(n_name, n)
    if x_int > n_int:
        raise ValueError(f"{x_name} must not exceed {n_name} (={n_int}), got {x_int}")
    return x_int, n_int


def two_samples(x1, n1, x2, n2) -> tuple[int, int, int, int]:
    """Validate two independent binomial samples ``x1`` of ``n1`` and ``x2`` of ``n2``."""
    x1, n1 = successes("x1", x1, "n1", n1)
    x2, n2 = successes("x2", x2, "n2", n2)
    return x1, n1, x2, n2


def level(value) -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"level must be a number in (0, 1), got {value!r}")
    return float(value)


def probability(name: str, value, *, open_interval: bool = True):
    """A probability (scalar or array) in (0, 1), or in [0, 1] when ``open_interval`` is False."""
    array = np.asarray(value, dtype=float)
    bad = ~np.isfinite(array) | (array <= 0 if open_interval else array < 0) | (
        array >= 1 if open_interval else array > 1
    )
    if np.any(bad):
        interval = "(0, 1)" if open_interval else "[0, 1]"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return array


def method(value, choices: Iterable[str], name: str = "method") -> str:
    """One of the named choices (case-insensitive; underscores read as hyphens)."""
    choices = tuple(choices)
    normalised = str(value).lower().replace("_", "-")
    if not isinstance(value, str) or normalised not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return normalised
