"""Confidence intervals for a single binomial proportion.

Wilson, Clopper-Pearson, Jeffreys, Agresti-Coull and Wald come from
``statsmodels.stats.proportion.proportion_confint``; the mid-p interval is
written here because neither statsmodels nor scipy provides it.
"""

from __future__ import annotations

from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from . import _validate
from ._results import ConfidenceInterval

PROPORTION_METHODS = ("wilson", "clopper-pearson", "mid-p", "jeffreys", "agresti-coull", "wald")

# Our method names -> statsmodels' names for the same intervals.
_STATSMODELS_NAMES = {
    "wilson": "wilson",
    "clopper-pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}


def proportion_ci(x, n, method: str = "wilson", level: float = 0.95) -> ConfidenceInterval:
    """Two-sided confidence interval for a binomial proportion ``x / n``.

    Parameters
    ----------
    x, n : int
        Successes and trials, ``0 <= x <= n`` and ``n > 0``.
    method : {"wilson", "clopper-pearson", "mid-p", "jeffreys", "agresti-coull", "wald"}
        Wilson score (Newcombe 1998 method 3), Clopper-Pearson exact (method 5),
        mid-p exact (method 6), Jeffreys equal-tailed (Brown, Cai & DasGupta 2001),
        Agresti-Coull (Agresti & Coull 1998) and the simple Wald interval (method 1).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    ConfidenceInterval
        ``(low, high)``, always within [0, 1]: the Wald and Agresti-Coull limits
        are clipped, and every method uses 0 (1) as its lower (upper) limit when
        ``x = 0`` (``x = n``), which for Jeffreys is the boundary modification
        of Brown, Cai & DasGupta.

    References
    ----------
    Newcombe RG (1998). Two-sided confidence intervals for the single proportion:
    comparison of seven methods. Stat Med 17:857-872.

    Notes
    -----
    The mid-p limits need two scalar root searches (a few milliseconds); every
    other method is closed form.

    Examples
    --------
    Newcombe's (1998, Table I) first example, 81 successes out of 263:

    >>> low, high = proportion_ci(81, 263)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    """
    x, n = _validate.successes("x", x, "n", n)
    level = _validate.level(level)
    method = _validate.method(method, PROPORTION_METHODS)
    alpha = 1 - level
    if method == "mid-p":
        return _mid_p_interval(x, n, alpha)
    low, high = proportion_confint(x, n, alpha=alpha, method=_STATSMODELS_NAMES[method])
    # Pin the limits at 0 (x = 0) and 1 (x = n): removes rounding residue such as
    # a Wilson lower limit of 5e-17, and is the Jeffreys boundary modification.
    low = 0.0 if x == 0 else min(max(low, 0.0), 1.0)
    high = 1.0 if x == n else min(max(high, 0.0), 1.0)
    return ConfidenceInterval(float(low), float(high))


# Written here: statsmodels and scipy have no mid-p interval for a proportion.
def _mid_p_interval(x: int, n: int, alpha: float) -> ConfidenceInterval:
    """Invert the mid-p binomial test: each tail counts half the probability of ``x`` itself."""

    def upper_tail(p):  # P(X > x) + P(X = x) / 2, increasing in p
        return stats.binom.sf(x, n, p) + 0.5 * stats.binom.pmf(x, n, p)

    def lower_tail(p):  # P(X < x) + P(X = x) / 2, decreasing in p
        return stats.binom.cdf(x - 1, n, p) + 0.5 * stats.binom.pmf(x, n, p)

    low = 0.0 if x == 0 else optimize.brentq(lambda p: upper_tail(p) - alpha / 2, 0.0, 1.0, xtol=1e-12)
    high = 1.0 if x == n else optimize.brentq(lambda p: lower_tail(p) - alpha / 2, 0.0, 1.0, xtol=1e-12)
    return ConfidenceInterval(float(low), float(high))
