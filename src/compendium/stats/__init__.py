"""The statistics every chapter uses: intervals, tests, power, and consistency checks.

Results follow scipy.stats conventions (frozen objects with ``statistic`` and
``pvalue``; intervals as ``(low, high)`` named tuples). Paired 2x2 tables use one
convention everywhere: ``a`` both positive, ``b`` test 1 positive only, ``c``
test 2 positive only, ``d`` both negative. Invalid arguments raise ``ValueError``
naming the argument.
"""

from ._results import ConfidenceInterval, Estimate, TestResult
from .accuracy import DiagnosticAccuracy, diagnostic_accuracy, predictive_values
from .bayes import BetaBinomialDifference, beta_binomial_difference
from .consistency import feasible_paired_tables, percent_consistent
from .independent import boschloo, fisher_exact, independent_difference_ci
from .paired import BowkerResult, bowker, mcnemar, paired_difference_ci, paired_odds_ratio_ci
from .power import (
    detectable_difference_two_proportions,
    mcnemar_detectable_difference,
    mcnemar_power,
    mcnemar_sample_size,
    power_two_proportions,
    sample_size_two_proportions,
)
from .proportions import proportion_ci
from .pvalues import pvalue_from_statistic
from .reported import Reported, parse_reported, rounds_to

__all__ = [
    "detectable_difference_two_proportions",
    "BetaBinomialDifference",
    "BowkerResult",
    "ConfidenceInterval",
    "DiagnosticAccuracy",
    "Estimate",
    "Reported",
    "TestResult",
    "beta_binomial_difference",
    "boschloo",
    "bowker",
    "diagnostic_accuracy",
    "feasible_paired_tables",
    "fisher_exact",
    "independent_difference_ci",
    "mcnemar",
    "mcnemar_detectable_difference",
    "mcnemar_power",
    "mcnemar_sample_size",
    "paired_difference_ci",
    "paired_odds_ratio_ci",
    "parse_reported",
    "percent_consistent",
    "power_two_proportions",
    "predictive_values",
    "proportion_ci",
    "pvalue_from_statistic",
    "rounds_to",
    "sample_size_two_proportions",
]
