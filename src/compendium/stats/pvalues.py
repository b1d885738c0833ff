"""P-values from printed test statistics (thin layer over ``scipy.stats`` distributions)."""

from __future__ import annotations

import numbers

import numpy as np
from scipy import stats

from . import _validate

DISTRIBUTIONS = ("chi2", "z", "t")


def pvalue_from_statistic(statistic, dist: str = "chi2", df=1):
    """P-value of a test statistic: upper tail for chi-square, two-sided for z and t.

    Parameters
    ----------
    statistic : float or array_like
        The statistic; must be non-negative for ``"chi2"``.
    dist : {"chi2", "z", "t"}
        Chi-square with ``df`` degrees of freedom (P = P(X >= statistic)),
        standard normal or Student t with ``df`` degrees of freedom
        (P = 2 P(T >= |statistic|)). ``df`` is ignored for ``"z"``.
    df : float
        Degrees of freedom, positive.

    Examples
    --------
    >>> round(pvalue_from_statistic(3.841459), 6), round(pvalue_from_statistic(-1.959964, "z"), 6)
    (0.05, 0.05)
    """
    dist = _validate.method(dist, DISTRIBUTIONS, name="dist")
    values = np.asarray(statistic, dtype=float)
    if np.any(~np.isfinite(values)):
        raise ValueError(f"statistic must be finite, got {statistic!r}")
    if dist != "z" and (isinstance(df, bool) or not isinstance(df, numbers.Real) or not df > 0):
        raise ValueError(f"df must be positive, got {df!r}")
    if dist == "chi2":
        if np.any(values < 0):
            raise ValueError(f"statistic must be non-negative for a chi-square, got {statistic!r}")
        pvalue = stats.chi2.sf(values, df)
    elif dist == "z":
        pvalue = 2 * stats.norm.sf(np.abs(values))
    else:
        pvalue = 2 * stats.t.sf(np.abs(values), df)
    return float(pvalue) if pvalue.ndim == 0 else pvalue
