"""Paired binary data: McNemar tests, paired-difference intervals, Bowker's test, paired odds ratio.

One convention everywhere: ``a`` = both tests positive, ``b`` = test 1 positive
only, ``c`` = test 2 positive only, ``d`` = both negative, so that
p1 = (a + b) / n, p2 = (a + c) / n and p1 - p2 = (b - c) / n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.contingency_tables import SquareTable

from . import _validate
from ._results import ConfidenceInterval, Estimate, TestResult
from .proportions import PROPORTION_METHODS, proportion_ci

MCNEMAR_METHODS = ("asymptotic", "corrected", "exact", "mid-p")
PAIRED_DIFFERENCE_METHODS = ("wald", "newcombe", "tango", "bonett-price")


def mcnemar(b, c, method: str = "asymptotic") -> TestResult:
    """McNemar's test that the two discordant cells ``b`` and ``c`` are equally likely.

    Parameters
    ----------
    b, c : int
        Discordant counts: test 1 positive only, test 2 positive only.
    method : {"asymptotic", "corrected", "exact", "mid-p"}
        ``"asymptotic"``: chi-square (b - c)^2 / (b + c) on 1 df, no continuity
        correction (McNemar 1947). ``"corrected"``: Edwards' (1948) continuity
        correction (|b - c| - 1)^2 / (b + c); as in R's ``mcnemar.test`` no
        correction is applied when b = c. ``"exact"``: conditional binomial test,
        twice the smaller tail of Bin(b + c, 1/2), capped at 1. ``"mid-p"``: the
        smaller tail counting the observed split only half, doubled:
        2 P(X < min) + P(X = min) (Fagerland, Lydersen & Laake 2013).

    Returns
    -------
    TestResult
        ``statistic`` is the chi-square for the asymptotic variants and
        ``min(b, c)`` for the exact ones (as in statsmodels). With no discordant
        pairs the chi-square variants return NaN and the exact ones P = 1.

    References
    ----------
    Fagerland MW, Lydersen S, Laake P (2013). The McNemar test for binary
    matched-pairs data: mid-p and asymptotic are better than exact conditional.
    BMC Med Res Methodol 13:91.

    Examples
    --------
    Cavo et al. (2012) as analysed by Fagerland et al.: b = 6, c = 16.

    >>> round(mcnemar(6, 16).pvalue, 6), round(mcnemar(6, 16, "mid-p").pvalue, 6)
    (0.033006, 0.03469)
    """
    b, c = _validate.count("b", b), _validate.count("c", c)
    method = _validate.method(method, MCNEMAR_METHODS)
    statistic, pvalue = mcnemar_arrays(np.array([b]), np.array([c]), method)
    return TestResult(float(statistic[0]), float(pvalue[0]), f"McNemar {method}")


# Written here rather than wrapping statsmodels' mcnemar: this form is vectorised
# over many tables (feasible_paired_tables), follows R at b = c, and adds mid-p.
def mcnemar_arrays(b: np.ndarray, c: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised McNemar statistic and p-value over arrays of discordant counts (no validation)."""
    b, c = np.asarray(b, dtype=float), np.asarray(c, dtype=float)
    discordant = b + c
    if method in ("asymptotic", "corrected"):
        difference = np.abs(b - c)
        if method == "corrected":
            difference = np.where(difference > 0, difference - 1, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            statistic = np.where(discordant > 0, difference**2 / discordant, np.nan)
        return statistic, stats.chi2.sf(statistic, 1)
    smaller = np.minimum(b, c)
    twice_tail = 2 * stats.binom.cdf(smaller, discordant, 0.5)
    if method == "exact":
        return smaller, np.minimum(twice_tail, 1.0)
    return smaller, np.minimum(twice_tail - stats.binom.pmf(smaller, discordant, 0.5), 1.0)


def _paired_counts(a, b, c, d) -> tuple[int, int, int, int, int]:
    counts = [_validate.count(name, v) for name, v in zip("abcd", (a, b, c, d))]
    n = sum(counts)
    if n == 0:
        raise ValueError("a + b + c + d must be positive, got a table of zeros")
    return (*counts, n)


# Written here: neither scipy nor statsmodels offers intervals for a paired difference.
def paired_difference_ci(a, b, c, d, method: str = "newcombe", level: float = 0.95) -> ConfidenceInterval:
    """Confidence interval for p1 - p2 = (b - c) / n from a paired 2x2 table.

    Parameters
    ----------
    a, b, c, d : int
        Paired table cells (see the module docstring).
    method : {"wald", "newcombe", "tango", "bonett-price"}
        ``"wald"``: estimate +/- z * sqrt((b + c) - (b - c)^2 / n) / n.
        ``"newcombe"``: square-and-add of the two Wilson intervals with Newcombe's
        correlation correction phi (a positive ad - bc reduced by n/2 first),
        Newcombe (1998) method 10. ``"tango"``: inversion
        of the score test with the constrained maximum-likelihood estimate of the
        c-cell probability (Tango 1998). ``"bonett-price"``: Wald interval after
        adding one pseudo-observation to each discordant cell and two to n
        (Bonett & Price 2012).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    ConfidenceInterval
        Limits within [-1, 1].

    References
    ----------
    Newcombe RG (1998). Improved confidence intervals for the difference between
    binomial proportions based on paired data. Stat Med 17:2635-2650.
    Tango T (1998). Equivalence test and confidence interval for the difference
    in proportions for the paired-sample design. Stat Med 17:891-908.
    Bonett DG, Price RM (2012). Adjusted Wald confidence interval for a difference
    of binomial proportions based on paired data. J Educ Behav Stat 37:479-488.
    Fagerland MW, Lydersen S, Laake P (2014). Recommended tests and confidence
    intervals for paired binomial proportions. Stat Med 33:2850-2875.

    Examples
    --------
    Cavo et al. (2012), a = 59, b = 6, c = 16, d = 80 (Fagerland et al. 2014):

    >>> [round(v, 4) for v in paired_difference_ci(59, 6, 16, 80, "tango")]
    [-0.124, -0.0054]
    """
    a, b, c, d, n = _paired_counts(a, b, c, d)
    level = _validate.level(level)
    method = _validate.method(method, PAIRED_DIFFERENCE_METHODS)
    z = stats.norm.isf((1 - level) / 2)
    estimate = (b - c) / n
    if method == "wald":
        half = z * np.sqrt((b + c) - (b - c) ** 2 / n) / n
        low, high = estimate - half, estimate + half
    elif method == "bonett-price":
        p12, p21 = (b + 1) / (n + 2), (c + 1) / (n + 2)
        half = z * np.sqrt((p12 + p21 - (p12 - p21) ** 2) / (n + 2))
        low, high = p12 - p21 - half, p12 - p21 + half
    elif method == "newcombe":
        low, high = _newcombe_paired(a, b, c, d, n, level)
    else:
        low, high = _tango(b, c, n, z)
    return ConfidenceInterval(float(max(low, -1.0)), float(min(high, 1.0)))


def _newcombe_paired(a, b, c, d, n, level) -> tuple[float, float]:
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = proportion_ci(a + b, n, "wilson", level)
    l2, u2 = proportion_ci(a + c, n, "wilson", level)
    # Newcombe's correlation estimate: a positive cross-product difference is
    # first reduced by n/2 (floored at 0); zero margins mean no correlation.
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    cross = max(cross - n / 2, 0.0) if cross >= 0 else cross
    phi = cross / np.sqrt(margins) if margins > 0 else 0.0
    dl2 = (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    du2 = (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2
    return p1 - p2 - np.sqrt(max(dl2, 0.0)), p1 - p2 + np.sqrt(max(du2, 0.0))


def _tango(b, c, n, z) -> tuple[float, float]:
    def score(delta):
        # Constrained MLE of the c-cell probability q given p(b) - p(c) = delta:
        # the positive root of 2n q^2 + w q - c delta (1 - delta) = 0.
        w = -b - c + (2 * n - b + c) * delta
        q = (np.sqrt(w * w + 8 * n * c * delta * (1 - delta)) - w) / (4 * n)
        variance = n * (2 * q + delta * (1 - delta))
        numerator = b - c - n * delta
        if variance <= 0:
            return 0.0 if numerator == 0 else np.sign(numerator) * np.inf
        return numerator / np.sqrt(variance)

    estimate = (b - c) / n
    low = -1.0 if estimate == -1 else optimize.brentq(lambda t: score(t) - z, -1.0, estimate, xtol=1e-12)
    high = 1.0 if estimate == 1 else optimize.brentq(lambda t: score(t) + z, estimate, 1.0, xtol=1e-12)
    return low, high


def paired_odds_ratio_ci(b, c, level: float = 0.95, method: str = "clopper-pearson") -> Estimate:
    """Conditional (matched-pairs) odds ratio ``b / c`` with an interval from the discordant split.

    Given b + c discordant pairs, b is Bin(b + c, pi) with OR = pi / (1 - pi); a
    confidence interval (low, high) for pi maps to (low / (1 - low), high / (1 - high)).
    The default Clopper-Pearson interval gives the exact conditional interval
    (Breslow & Day 1980; Fagerland, Lydersen & Laake 2014).

    Parameters
    ----------
    b, c : int
        Discordant counts, with b + c > 0.
    level : float
        Confidence level in (0, 1).
    method : str
        Interval for pi (see :func:`proportion_ci`), e.g. ``"mid-p"``.

    Returns
    -------
    Estimate
        ``value`` = b / c (infinite when c = 0), ``low`` and ``high``.

    Examples
    --------
    Ezra et al. (2010), b = 25, c = 2 (Fagerland et al. 2014):

    >>> res = paired_odds_ratio_ci(25, 2)
    >>> round(res.value, 1), round(res.low, 4), round(res.high, 4)
    (12.5, 3.1169, 108.8892)
    """
    b, c = _validate.count("b", b), _validate.count("c", c)
    method = _validate.method(method, PROPORTION_METHODS)
    if b + c == 0:
        raise ValueError("b + c must be positive: there are no discordant pairs")
    low, high = proportion_ci(b, b + c, method, level)
    with np.errstate(divide="ignore"):
        value, low, high = np.divide([b, low, high], [c, 1 - low, 1 - high])
    return Estimate(float(value), float(low), float(high))


@dataclass(frozen=True)
class BowkerResult:
    """Bowker's test of symmetry: ``statistic``, degrees of freedom ``df`` and ``pvalue``."""

    statistic: float
    df: int
    pvalue: float


def bowker(table) -> BowkerResult:
    """Bowker's (1948) test of symmetry for a k x k paired table (McNemar for k = 2).

    Wraps ``statsmodels`` ``SquareTable.symmetry``: the statistic sums
    (n_ij - n_ji)^2 / (n_ij + n_ji) over pairs i < j with n_ij + n_ji > 0, on
    k(k - 1)/2 degrees of freedom (empty pairs are kept in the df, as in Bowker
    1948 and Fagerland, Lydersen & Laake 2017).

    Parameters
    ----------
    table : array_like
        Square table of non-negative counts, k >= 2.

    Returns
    -------
    BowkerResult
        ``statistic``, ``df`` and ``pvalue``.

    Examples
    --------
    Peterson et al. (2007), as analysed by Fagerland, Lydersen & Laake (2017):

    >>> res = bowker([[596, 18, 6, 5], [0, 2, 0, 0], [0, 0, 42, 0], [11, 0, 0, 0]])
    >>> round(res.statistic, 3), res.df, round(res.pvalue, 6)
    (26.25, 6, 0.0002)
    """
    array = np.asarray(table, dtype=float)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] < 2:
        raise ValueError(f"table must be a square k x k array with k >= 2, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise ValueError("table must hold non-negative integer counts")
    result = SquareTable(array, shift_zeros=False).symmetry(method="bowker")
    return BowkerResult(float(result.statistic), int(result.df), float(result.pvalue))

