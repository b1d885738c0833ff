"""Bayesian comparison of two independent proportions with conjugate beta priors.

Written here because scipy offers the beta distribution but not the posterior
of a difference; the Monte Carlo draws are fully determined by ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, stats

from . import _validate
from ._results import ConfidenceInterval


@dataclass(frozen=True)
class BetaBinomialDifference:
    """Posterior of p1 - p2 from two beta-binomial models.

    ``draws`` holds the Monte Carlo sample of p1 - p2; ``prob_greater`` is
    P(p1 > p2 | data) by one-dimensional quadrature (exact up to ~1e-8), and
    ``prob_greater_mc`` the same probability estimated from the draws.
    """

    draws: np.ndarray
    posterior1: tuple[float, float]
    posterior2: tuple[float, float]
    prob_greater: float
    prob_greater_mc: float

    @property
    def mean(self) -> float:
        """Posterior mean of p1 - p2 (exact, from the beta means)."""
        (a1, b1), (a2, b2) = self.posterior1, self.posterior2
        return a1 / (a1 + b1) - a2 / (a2 + b2)

    def prob_exceeds(self, threshold: float) -> float:
        """P(p1 - p2 > threshold | data) by quadrature, not from the draws.

        P = integral over s of f2(s) * P(p1 > s + threshold) ds, exact up to ~1e-8, so it can
        be printed to any digit (a Monte Carlo estimate from 100 000 draws has a standard
        error near 0.0016).

        >>> result = beta_binomial_difference(1, 1, 0, 1)
        >>> round(result.prob_exceeds(0.0), 6) == round(result.prob_greater, 6)
        True
        """
        threshold = float(threshold)
        if not -1 < threshold < 1:
            raise ValueError(f"threshold must lie in (-1, 1), got {threshold!r}")
        return _prob_difference_exceeds(self.posterior1, self.posterior2, threshold)

    def interval(self, level: float = 0.95) -> ConfidenceInterval:
        """Equal-tailed credible interval for p1 - p2 from the draws."""
        level = _validate.level(level)
        low, high = np.quantile(self.draws, [(1 - level) / 2, (1 + level) / 2])
        return ConfidenceInterval(float(low), float(high))


def _prob_difference_exceeds(posterior1, posterior2, threshold: float) -> float:
    """P(p1 - p2 > threshold) = integral of f2(s) (1 - F1(s + threshold)) ds over the support."""
    value, _ = integrate.quad(
        lambda s: stats.beta.pdf(s, *posterior2) * stats.beta.sf(s + threshold, *posterior1),
        0.0, min(1.0, 1.0 - threshold), epsabs=1e-10, limit=200,
    )
    return float(value)


def beta_binomial_difference(x1, n1, x2, n2, prior=(1, 1), draws: int = 100_000, seed=0) -> BetaBinomialDifference:
    """Posterior of p1 - p2 with a Beta(alpha, beta) prior on each proportion.

    The posteriors are Beta(alpha + x, beta + n - x) (Gelman et al. 2013, ch. 2).

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Successes and sample sizes.
    prior : (float, float)
        Beta prior parameters, both positive; (1, 1) is uniform, (0.5, 0.5) Jeffreys.
    draws : int
        Monte Carlo sample size; the draws are vectorised and 100 000 take
        about 10 ms, so time scales with ``draws`` only.
    seed : int or numpy.random.Generator
        Same seed, same draws.

    Examples
    --------
    One success in one trial against none in one, uniform priors:
    P(p1 > p2) = P(Beta(2, 1) > Beta(1, 2)) = 5/6.

    >>> round(beta_binomial_difference(1, 1, 0, 1).prob_greater, 6)
    0.833333
    """
    x1, n1, x2, n2 = _validate.two_samples(x1, n1, x2, n2)
    draws = _validate.positive_count("draws", draws)
    try:
        alpha, beta = (float(v) for v in prior)
    except (TypeError, ValueError):
        raise ValueError(f"prior must be a pair of positive numbers, got {prior!r}") from None
    if not (alpha > 0 and beta > 0 and np.isfinite(alpha) and np.isfinite(beta)):
        raise ValueError(f"prior must be a pair of positive numbers, got {prior!r}")
    is_int = isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
    if not (is_int or isinstance(seed, np.random.Generator)):
        raise ValueError(f"seed must be an int or a numpy.random.Generator, got {seed!r}")
    rng = np.random.default_rng(seed)
    posterior1 = (alpha + x1, beta + n1 - x1)
    posterior2 = (alpha + x2, beta + n2 - x2)
    sample1 = rng.beta(*posterior1, size=draws)
    sample2 = rng.beta(*posterior2, size=draws)
    exact = _prob_difference_exceeds(posterior1, posterior2, 0.0)
    difference = sample1 - sample2
    difference.flags.writeable = False  # the result object is frozen; so are its draws
    return BetaBinomialDifference(
        draws=difference,
        posterior1=posterior1,
        posterior2=posterior2,
        prob_greater=float(exact),
        prob_greater_mc=float(np.mean(sample1 > sample2)),
    )
