"""Small immutable result types shared by the modules of :mod:`compendium.stats`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class ConfidenceInterval(NamedTuple):
    """Lower and upper confidence limits; unpacks like the ``(low, high)`` tuple it is."""

    low: float
    high: float


@dataclass(frozen=True)
class TestResult:
    """A hypothesis test in the style of scipy.stats: ``statistic``, ``pvalue`` and ``method``."""

    __test__ = False  # not a pytest test class, despite the name

    statistic: float
    pvalue: float
    method: str


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence limits."""

    value: float
    low: float
    high: float
