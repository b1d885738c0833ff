"""Argument checks for the phantom library; each raises ValueError naming the argument.

Integer checks are reused from :mod:`compendium.stats._validate`.
"""

from __future__ import annotations

import numbers

import numpy as np

from compendium.stats._validate import count, positive_count  # noqa: F401  (re-exported)


def positive(name: str, value, *, allow_zero: bool = False) -> float:
    """A finite real number > 0 (or >= 0 when ``allow_zero``)."""
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and np.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def fraction(name: str, value) -> float:
    """A number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


def shape2d(name: str, shape, *, minimum: int = 16) -> tuple[int, int]:
    """A 2D image shape with both sides >= ``minimum`` pixels."""
    try:
        rows, cols = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of integers, got {shape!r}") from None
    if rows < minimum or cols < minimum or (rows, cols) != tuple(shape):
        raise ValueError(f"{name} must be two integers >= {minimum}, got {shape!r}")
    return rows, cols


def diameters(name: str, values) -> tuple[float, ...]:
    """A non-empty sequence of positive diameters."""
    values = tuple(np.atleast_1d(values).tolist()) if values is not None else ()
    if not values:
        raise ValueError(f"{name} must contain at least one diameter, got {values!r}")
    return tuple(positive(name, v) for v in values)


def image(name: str, value, shape=None) -> np.ndarray:
    """A finite 2D float array, optionally of a given shape."""
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite 2D array, got shape {array.shape}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    return array
