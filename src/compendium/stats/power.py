"""Sample size and power for comparing two proportions, independent or paired.

Both are closed-form normal approximations, written here because statsmodels'
``NormalIndPower`` works on Cohen's arcsine effect size rather than the pooled
variance of R's ``power.prop.test``, and nothing in scipy or statsmodels covers
Connor's paired design. All functions broadcast over numpy arrays.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from . import _validate


def _scalar_or_array(value):
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def _check_alpha_power(alpha, power=None):
    _validate.probability("alpha", alpha)
    if power is not None:
        _validate.probability("power", power)


def _two_proportions(p1, p2):
    p1, p2 = _validate.probability("p1", p1), _validate.probability("p2", p2)
    if np.any(p1 == p2):
        raise ValueError("p1 and p2 must differ: there is no difference to detect")
    return p1, p2


def sample_size_two_proportions(p1, p2, alpha: float = 0.05, power: float = 0.8):
    """Subjects per group for a two-sided comparison of two independent proportions.

    n = (z_{1-alpha/2} sqrt(2 pbar qbar) + z_{power} sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2
    with pbar = (p1 + p2) / 2: the pooled normal approximation of R's
    ``power.prop.test`` (non-strict), solved in closed form and not rounded up.

    References
    ----------
    Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and
    Proportions, 3rd ed., section 4.2 (formula without continuity correction).

    Examples
    --------
    R's ``power.prop.test(p1 = .50, p2 = .75, power = .90)`` reports n = 76.7:

    >>> round(sample_size_two_proportions(0.5, 0.75, power=0.9), 4)
    76.7069
    """
    p1, p2 = _two_proportions(p1, p2)
    _check_alpha_power(alpha, power)
    pooled = np.sqrt((p1 + p2) * (2 - p1 - p2) / 2)
    separate = np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    numerator = stats.norm.isf(np.asarray(alpha) / 2) * pooled + stats.norm.ppf(power) * separate
    return _scalar_or_array(numerator**2 / (p1 - p2) ** 2)


def power_two_proportions(p1, p2, n, alpha: float = 0.05):
    """Power of the two-sided pooled z test with ``n`` subjects per group (R's ``power.prop.test``).

    Examples
    --------
    R's ``power.prop.test(n = 50, p1 = .50, p2 = .75)`` reports power = 0.7401659:

    >>> round(power_two_proportions(0.5, 0.75, 50), 7)
    0.7401659
    """
    p1, p2 = _two_proportions(p1, p2)
    _check_alpha_power(alpha)
    n = _positive("n", n)
    pooled = np.sqrt((p1 + p2) * (2 - p1 - p2) / 2)
    separate = np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    z = (np.sqrt(n) * np.abs(p1 - p2) - stats.norm.isf(np.asarray(alpha) / 2) * pooled) / separate
    return _scalar_or_array(stats.norm.cdf(z))


def _positive(name, value):
    array = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(array) | (array <= 0)):
        raise ValueError(f"{name} must be positive, got {value!r}")
    return array


def _discordant(p10, p01):
    # One discordant probability may be 0 (psi - delta^2 = p(1 - p) stays positive); both
    # zero leaves no difference to detect, and psi = 1 would leave no variance.
    p10 = _validate.probability("p10", p10, open_interval=False)
    p01 = _validate.probability("p01", p01, open_interval=False)
    if np.any(p10 + p01 >= 1):
        raise ValueError("p10 + p01 must be below 1: some pairs must be concordant")
    if np.any(p10 == p01):
        raise ValueError("p10 and p01 must differ: there is no difference to detect")
    return p10 + p01, p10 - p01


def mcnemar_sample_size(p10, p01, alpha: float = 0.05, power: float = 0.8):
    """Number of pairs for McNemar's test to detect discordant probabilities ``p10`` vs ``p01``.

    Connor (1987): with psi = p10 + p01 and delta = p10 - p01,
    n = (z_{1-alpha/2} sqrt(psi) + z_{power} sqrt(psi - delta^2))^2 / delta^2, unrounded.
    One discordant probability may be zero (then psi - delta^2 = p (1 - p) > 0); both
    zero, or equal, is an error: there is nothing to detect.

    References
    ----------
    Connor RJ (1987). Sample size for testing differences in proportions for the
    paired-sample design. Biometrics 43:207-211.

    Examples
    --------
    >>> round(mcnemar_sample_size(0.2, 0.1), 2)
    233.09

    With one empty discordant cell, p10 = 0.05 and p01 = 0:

    >>> round(mcnemar_sample_size(0.05, 0.0), 1)
    154.6
    """
    psi, delta = _discordant(p10, p01)
    _check_alpha_power(alpha, power)
    numerator = stats.norm.isf(np.asarray(alpha) / 2) * np.sqrt(psi) + stats.norm.ppf(power) * np.sqrt(
        psi - delta**2
    )
    return _scalar_or_array(numerator**2 / delta**2)


def mcnemar_power(p10, p01, n, alpha: float = 0.05):
    """Power of McNemar's test with ``n`` pairs (Connor 1987), the inverse of :func:`mcnemar_sample_size`.

    Examples
    --------
    >>> round(mcnemar_power(0.2, 0.1, mcnemar_sample_size(0.2, 0.1)), 6)
    0.8
    """
    psi, delta = _discordant(p10, p01)
    _check_alpha_power(alpha)
    n = _positive("n", n)
    z = (np.sqrt(n) * np.abs(delta) - stats.norm.isf(np.asarray(alpha) / 2) * np.sqrt(psi)) / np.sqrt(
        psi - delta**2
    )
    return _scalar_or_array(stats.norm.cdf(z))


def _smallest_difference(power_at, upper: float, power: float) -> float:
    """Root of ``power_at(delta) = power`` on (0, upper): brentq on a power curve rising in delta."""
    if power_at(upper) < power:
        raise ValueError(f"no difference up to {upper:g} reaches power {power:g} with this n")
    return float(optimize.brentq(lambda delta: power_at(delta) - power, 1e-9, upper, xtol=1e-12))


def mcnemar_detectable_difference(n, p01: float = 0.0, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest difference p10 - p01 that McNemar's test detects with ``power`` in ``n`` pairs.

    A design (sensitivity) analysis: ``p01`` is the share of pairs in which only the
    weaker test is positive, and the answer is the smallest excess ``delta`` of the other
    discordant cell, p10 = p01 + delta, at which Connor's (1987) power reaches ``power``.
    With ``p01 = 0`` (every discordant pair favours one test) it is the smallest
    difference any study of ``n`` pairs could detect. Solved numerically (scipy's
    ``brentq``) on :func:`mcnemar_power`.

    Examples
    --------
    With 179 pairs, a difference is detectable with 80 % power only if it reaches 4.3 %
    even when all discordance runs one way; the answer inverts :func:`mcnemar_sample_size`:

    >>> delta = mcnemar_detectable_difference(179)
    >>> round(delta, 4), round(float(mcnemar_sample_size(delta, 0.0)), 6)
    (0.0433, 179.0)
    """
    n = float(_positive("n", n))
    p01 = float(_validate.probability("p01", p01, open_interval=False))
    _check_alpha_power(alpha, power)
    if 2 * p01 >= 1:
        raise ValueError(f"p01 must be below 0.5 so that p10 = p01 + delta can exceed it, got {p01!r}")
    upper = 1 - 2 * p01 - 1e-9
    return _smallest_difference(lambda delta: mcnemar_power(p01 + delta, p01, n, alpha), upper, power)


def detectable_difference_two_proportions(p1: float, n, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest increase over ``p1`` that the pooled z test detects with ``power`` at ``n`` per group.

    The inverse of :func:`power_two_proportions` in the second proportion, p2 = p1 + delta,
    solved with scipy's ``brentq``: the design question "what could a study of this size
    have found?" instead of the post-hoc power of the effect it happened to observe.

    Examples
    --------
    With 50 per group and p1 = 0.5, p2 must reach about 0.77; the answer inverts
    :func:`sample_size_two_proportions`:

    >>> delta = detectable_difference_two_proportions(0.5, 50)
    >>> round(delta, 4), round(float(sample_size_two_proportions(0.5, 0.5 + delta)), 6)
    (0.2668, 50.0)
    """
    p1 = float(_validate.probability("p1", p1))
    n = float(_positive("n", n))
    _check_alpha_power(alpha, power)
    upper = 1 - p1 - 1e-9
    return _smallest_difference(lambda delta: power_two_proportions(p1, p1 + delta, n, alpha), upper, power)
