"""Each core check function on hand-worked cases (compendium.claims.checks.core)."""

from types import SimpleNamespace

import pytest

from compendium.claims.checks import CHECKS
from compendium.claims.checks import core
from compendium.claims.printed import reported_for_checks


def claim(text, unit="", source=None):
    return SimpleNamespace(reported=reported_for_checks(text), unit=unit, source=source)


def test_core_checks_are_registered_under_their_schema_names():
    names = {"percentage", "fraction", "ratio", "sum", "difference", "product", "quoted", "attainable_percentage",
             "mcnemar", "mcnemar_from_marginals", "chi2_pvalue", "diagnostic", "decay_fraction"}
    assert names <= set(CHECKS)
    assert CHECKS["sum"] is core.sum_


def test_percentage():
    assert core.percentage(claim("71%"), 10, 14)[:2] == ("71.43%", "reproduced")
    with pytest.raises(ValueError, match="denominator must be positive"):
        core.percentage(claim("71%"), 10, 0)


def test_fraction():
    assert core.fraction(claim("134/179"), 134, 179) == ("134/179", "reproduced", "The counts give 134/179, as printed.")
    assert core.fraction(claim("134 / 179"), 133, 179)[:2] == ("133/179", "inconsistent")
    with pytest.raises(ValueError, match="k/n"):
        core.fraction(claim("74.9%"), 134, 179)


def test_ratio_sum_difference_product():
    assert core.ratio(claim("1.33"), 4, 3)[:2] == ("1.3333", "reproduced")
    assert core.ratio(claim("1.34"), 4, 3)[1] == "inconsistent"
    assert core.sum_(claim("23"), [14, 9]) == ("23", "reproduced", "14 + 9 = 23, which agrees with the printed 23.")
    recomputed, verdict, note = core.sum_(claim("24"), [14, 9])
    assert (recomputed, verdict) == ("23", "inconsistent")
    assert note == "14 + 9 = 23, but the printed 24 needs a value from 23.50 to 24.50."
    assert core.difference(claim("8"), 45, 37)[:2] == ("8", "reproduced")
    # Huang 2021 methods: 5 bed positions of 5 min each, 25 min in all.
    assert core.product(claim("25"), [5, 5])[:2] == ("25", "reproduced")
    with pytest.raises(ValueError, match="terms must be a non-empty list"):
        core.sum_(claim("0"), [])


def test_quoted_names_the_source_and_locator():
    """A quote that matches the stored source figure is consistent, not reproduced; a wrong one or
    a figure of another source is caught."""
    recomputed, verdict, note = core.quoted(claim("31", source="ueda2020comparison"), "ueda2020-patients")
    assert (recomputed, verdict) == ("31", "consistent")
    assert "ueda2020comparison (Abstract, Methods" in note
    assert core.quoted(claim("33", source="ueda2020comparison"), "ueda2020-patients")[1] == "inconsistent"
    with pytest.raises(ValueError, match="comes from ueda2020comparison"):
        core.quoted(claim("31", source="fendler2016variations"), "ueda2020-patients")
    with pytest.raises(ValueError, match="not in quoted-figures.csv"):
        core.quoted(claim("31"), "nobody-figure")


def test_attainable_percentage():
    assert core.attainable_percentage(claim("90%"), 51)[:2] == ("46/51", "consistent")  # 46/51 = 90.20%
    recomputed, verdict, note = core.attainable_percentage(claim("62%"), 31)
    assert (recomputed, verdict) == ("none", "inconsistent")
    # 19/31 = 61.29%, 20/31 = 64.52%; 5/8 = 62.5% is the smallest group (the half is accepted).
    assert note == ("No whole count out of 31 gives 62% (19/31 = 61.29%, 20/31 = 64.52%); "
                    "the smallest group that gives it is 8.")


def test_mcnemar_variants_and_quantities():
    # Exact: 2 * sum_{k<=4} C(23, k) / 2**23 = 2 * 10903 / 8388608 = 0.0025995.
    recomputed, verdict, _ = core.mcnemar(claim("<0.05", unit="p"), 19, 4, "exact")
    assert (recomputed, verdict) == ("0.0026", "reproduced")
    assert core.mcnemar(claim("0.003", unit="p"), 19, 4, "exact")[1] == "reproduced"
    # (2 - 0)^2 / 2 = 2 without correction, (|2 - 0| - 1)^2 / 2 = 0.5 with it.
    assert core.mcnemar(claim("2.000", unit="chi2"), 2, 0)[:2] == ("2.000", "reproduced")
    assert core.mcnemar(claim("0.500", unit="chi2"), 2, 0, "corrected")[1] == "reproduced"
    assert core.mcnemar(claim("0.500"), 2, 0, "asymptotic", quantity="statistic")[1] == "inconsistent"
    with pytest.raises(ValueError, match="quantity must be"):
        core.mcnemar(claim("2.000", unit="%"), 2, 0)
    with pytest.raises(ValueError, match="no chi-square"):
        core.mcnemar(claim("2.000", unit="chi2"), 2, 0, "exact")


def test_mcnemar_from_marginals():
    # PET/MR finds all 179 metastatic lesions and CT 134, so a = 134, b = 45, c = 0 and chi2 = 45^2 / 45.
    recomputed, verdict, note = core.mcnemar_from_marginals(claim("45.000", unit="chi2"), 179, 179, 134)
    assert (recomputed, verdict) == ("asymptotic: a = 134, b = 45, c = 0, d = 0", "reproduced")
    assert note.startswith("1 of the 2 table-and-variant readings")  # a χ² comes from a chi-square variant
    recomputed, verdict, note = core.mcnemar_from_marginals(claim("46.000", unit="chi2"), 179, 179, 134)
    assert (recomputed, verdict) == ("none", "inconsistent")
    assert "closest is a = 134, b = 45, c = 0, d = 0 (asymptotic: χ² = 45.000" in note
    # The worked example of compendium.stats.feasible_paired_tables, both halves printed.
    # Several tables have these margins: the one that gives both is possible, not determined.
    result = core.mcnemar_from_marginals(claim("0.046", unit="p"), 20, 10, 6, compare_with=reported_for_checks("4.000"))
    assert result[:2] == ("asymptotic: a = 6, b = 4, c = 0, d = 10", "consistent")
    # The P is judged with the χ² printed beside it: P < 0.05 alone holds for many tables and
    # variants; only those that also give χ² = 4.000 count.
    joint = core.mcnemar_from_marginals(claim("<0.05", unit="p"), 20, 10, 6, compare_with=reported_for_checks("4.000"))
    assert joint[1] == "consistent" and "χ² 4.000 with P <0.05" in joint[2]
    # A rule of the paper (test 2 positive whenever test 1 is, so b = 0) fixes the table.
    ruled = core.mcnemar_from_marginals(claim("4.000", unit="chi2"), 20, 4, 8, rule="test2-includes-test1")
    assert ruled[:2] == ("asymptotic: a = 4, b = 0, c = 4, d = 12", "reproduced")
    with pytest.raises(ValueError, match="rule must be one of"):
        core.mcnemar_from_marginals(claim("4.000", unit="chi2"), 20, 4, 8, rule="union")


def test_chi2_pvalue_names_the_degrees_of_freedom_that_fit():
    recomputed, verdict, note = core.chi2_pvalue(claim("0.368"), 2.0, 1)
    assert (recomputed, verdict) == ("0.15730", "inconsistent")
    assert note.endswith("or of χ² = 2 on 2 df.")


@pytest.mark.parametrize(
    "measure, printed",
    # Huang 2021, Table 1, contrast-enhanced CT, lesion level: TP 134, FP 4, FN 45, TN 123.
    [("sensitivity", "74.9%"), ("specificity", "96.9%"), ("ppv", "97.1%"), ("npv", "73.2%"), ("accuracy", "84.0%")],
)
def test_diagnostic_reproduces_huang_table_1(measure, printed):
    assert core.diagnostic(claim(printed, unit="%"), 134, 4, 45, 123, measure)[1] == "reproduced"


def test_diagnostic_as_a_proportion_and_bad_measure():
    assert core.diagnostic(claim("0.749"), 134, 4, 45, 123, "sensitivity")[:2] == ("0.74860", "reproduced")
    with pytest.raises(ValueError, match="measure must be one of"):
        core.diagnostic(claim("0.749"), 134, 4, 45, 123, "recall")


def test_decay_fraction():
    # 18F, half-life 109.77 min: after 60 min 2**(-60/109.77) = 0.68463 remains.
    assert core.decay_fraction(claim("68.5%"), 109.77, 60)[:2] == ("68.463%", "reproduced")
    assert core.decay_fraction(claim("31.5%"), 109.77, 60, decayed=True)[1] == "reproduced"
    assert core.decay_fraction(claim("0.5"), 109.77, 109.77)[:2] == ("0.500", "reproduced")
    with pytest.raises(ValueError, match="nuclide_half_life_min must be positive"):
        core.decay_fraction(claim("0.5"), 0, 10)


def test_arguments_from_claims_and_bad_numbers():
    # "@claim" arguments arrive as parsed printed numbers.
    assert core.percentage(claim("50%"), reported_for_checks("7"), reported_for_checks("14"))[1] == "reproduced"
    with pytest.raises(ValueError, match="numerator must be a finite number"):
        core.percentage(claim("50%"), True, 14)
    with pytest.raises(ValueError, match="b must be a non-negative integer"):
        core.mcnemar(claim("<0.05", unit="p"), 1.5, 4, "exact")
