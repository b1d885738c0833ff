"""Accuracy of a binary diagnostic test against a reference standard."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

from . import _validate
from ._results import Estimate
from .proportions import PROPORTION_METHODS, proportion_ci


@dataclass(frozen=True)
class DiagnosticAccuracy:
    """Sensitivity, specificity, predictive values, accuracy and likelihood ratios.

    Each attribute is an :class:`Estimate` (``value``, ``low``, ``high``).
    ``lr_corrected`` is True when a zero cell forced the 0.5 (Haldane) correction
    on the likelihood ratios.
    """

    sensitivity: Estimate
    specificity: Estimate
    ppv: Estimate
    npv: Estimate
    accuracy: Estimate
    lr_pos: Estimate
    lr_neg: Estimate
    lr_corrected: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per measure with columns ``value``, ``low`` and ``high``."""
        rows = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "lr_corrected"}
        return pd.DataFrame(
            [[e.value, e.low, e.high] for e in rows.values()],
            index=pd.Index(list(rows), name="measure"),
            columns=["value", "low", "high"],
        )


def diagnostic_accuracy(tp, fp, fn, tn, method: str = "wilson", level: float = 0.95) -> DiagnosticAccuracy:
    """Accuracy measures of a diagnostic test from its 2x2 table against the reference.

    Parameters
    ----------
    tp, fp, fn, tn : int
        True positives, false positives, false negatives, true negatives.
        There must be at least one diseased (``tp + fn``) and one non-diseased
        (``fp + tn``) subject.
    method : str
        Interval for the proportions (see :func:`proportion_ci`).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    DiagnosticAccuracy
        Proportions with ``method`` intervals; a predictive value without any
        test-positive (test-negative) subject is NaN. Likelihood ratios
        ``LR+ = sens / (1 - spec)`` and ``LR- = (1 - sens) / spec`` carry the log
        interval of Simel, Samsa & Matchar (1991); when a cell in a ratio's
        formula is zero, all four cells get +0.5 for both ratios (estimate and
        interval), so they stay finite.

    References
    ----------
    Simel DL, Samsa GP, Matchar DB (1991). Likelihood ratios with confidence:
    sample size estimation for diagnostic test studies. J Clin Epidemiol 44:763-770.

    Examples
    --------
    The epiR ``epi.tests`` example (Scott et al. 2008): 670, 202, 74, 640.

    >>> res = diagnostic_accuracy(670, 202, 74, 640, method="clopper-pearson")
    >>> round(res.sensitivity.value, 4), round(res.lr_pos.value, 2)
    (0.9005, 3.75)
    """
    tp, fp, fn, tn = (_validate.count(name, v) for name, v in zip(("tp", "fp", "fn", "tn"), (tp, fp, fn, tn)))
    level = _validate.level(level)
    method = _validate.method(method, PROPORTION_METHODS)
    if tp + fn == 0:
        raise ValueError("tp + fn must be positive: the table has no diseased subjects")
    if fp + tn == 0:
        raise ValueError("fp + tn must be positive: the table has no non-diseased subjects")

    def proportion(x, n):
        if n == 0:
            return Estimate(float("nan"), float("nan"), float("nan"))
        low, high = proportion_ci(x, n, method, level)
        return Estimate(x / n, low, high)

    corrected = min(tp, fp, fn, tn) == 0
    cells = np.array([tp, fp, fn, tn], dtype=float) + (0.5 if corrected else 0.0)
    return DiagnosticAccuracy(
        sensitivity=proportion(tp, tp + fn),
        specificity=proportion(tn, fp + tn),
        ppv=proportion(tp, tp + fp),
        npv=proportion(tn, fn + tn),
        accuracy=proportion(tp + tn, tp + fp + fn + tn),
        lr_pos=_likelihood_ratio(cells[0], cells[0] + cells[2], cells[1], cells[1] + cells[3], level),
        lr_neg=_likelihood_ratio(cells[2], cells[0] + cells[2], cells[3], cells[1] + cells[3], level),
        lr_corrected=corrected,
    )


# Written here: statsmodels has no likelihood-ratio interval (Simel et al. 1991 log method).
def _likelihood_ratio(x1, n1, x2, n2, level) -> Estimate:
    """Ratio of proportions (x1/n1) / (x2/n2) with its log-scale interval."""
    ratio = (x1 / n1) / (x2 / n2)
    half_width = stats.norm.isf((1 - level) / 2) * np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return Estimate(float(ratio), float(ratio * np.exp(-half_width)), float(ratio * np.exp(half_width)))


def predictive_values(sensitivity, specificity, prevalence):
    """Positive and negative predictive values by Bayes' theorem, vectorised over prevalence.

    PPV = se p / (se p + (1 - sp)(1 - p)) and NPV = sp (1 - p) / (sp (1 - p) + (1 - se) p)
    (Altman & Bland 1994, BMJ 309:102).

    Parameters
    ----------
    sensitivity, specificity : float or array_like
        In [0, 1].
    prevalence : float or array_like
        In [0, 1]; arrays broadcast against the other arguments.

    Returns
    -------
    (ppv, npv)
        Floats for scalar input, arrays otherwise. A value whose denominator is
        zero (e.g. PPV with sensitivity 0 and specificity 1) is NaN.

    Examples
    --------
    >>> ppv, npv = predictive_values(0.9, 0.8, 0.1)
    >>> round(ppv, 4), round(npv, 4)
    (0.3333, 0.9863)
    """
    se = _validate.probability("sensitivity", sensitivity, open_interval=False)
    sp = _validate.probability("specificity", specificity, open_interval=False)
    p = _validate.probability("prevalence", prevalence, open_interval=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        ppv = se * p / (se * p + (1 - sp) * (1 - p))
        npv = sp * (1 - p) / (sp * (1 - p) + (1 - se) * p)
    if ppv.ndim == 0:
        return float(ppv), float(npv)
    return ppv, npv
