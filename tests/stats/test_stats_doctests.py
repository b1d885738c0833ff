"""The worked examples in the docstrings of compendium.stats run and give the printed output."""

import doctest
import importlib

import pytest

MODULES = ["accuracy", "bayes", "consistency", "independent", "paired", "power", "proportions", "pvalues", "reported"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"compendium.stats.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_public_api():
    import compendium.stats as api

    assert all(hasattr(api, name) for name in api.__all__)
    for name in ["proportion_ci", "diagnostic_accuracy", "mcnemar", "paired_difference_ci",
                 "independent_difference_ci", "bowker", "sample_size_two_proportions",
                 "power_two_proportions", "mcnemar_sample_size", "mcnemar_power",
                 "pvalue_from_statistic", "percent_consistent", "feasible_paired_tables",
                 "predictive_values", "beta_binomial_difference", "fisher_exact", "boschloo",
                 "paired_odds_ratio_ci", "parse_reported", "rounds_to"]:
        assert name in api.__all__
