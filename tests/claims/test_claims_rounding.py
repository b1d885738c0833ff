"""The ledger's rounding rule, as the core checks apply it.

Half a unit in the last printed digit (both directions accepted at an exact half); percentages
from counts; P values at their printed precision; "<0.001" read strictly. Every expected value
below is hand-computed.
"""

from types import SimpleNamespace

import pytest

from compendium.claims.checks.core import chi2_pvalue, difference, percentage
from compendium.claims.printed import printed_number, reported_for_checks


def claim(text, **extra):
    return SimpleNamespace(reported=printed_number(text), source="fixture2020", **extra)


@pytest.mark.parametrize(
    "numerator, denominator, printed, verdict",
    [
        (134, 179, "74.9%", "reproduced"),  # 74.860%
        (134, 179, "74.8%", "inconsistent"),
        (134, 179, "75%", "reproduced"),  # one printed digit less: 74.5 to 75.5
        (1497, 2000, "74.9%", "reproduced"),  # exactly 74.85: the half rounds up ...
        (1497, 2000, "74.8%", "reproduced"),  # ... and to even; both are accepted
        (7484, 10000, "74.9%", "inconsistent"),  # 74.84 is 0.06 away from 74.9
        (7496, 10000, "74.9%", "inconsistent"),  # 74.96 is 0.06 away
        (10, 14, "71%", "reproduced"),  # 71.43%
        (10, 14, "71.0%", "inconsistent"),  # the extra printed zero claims more precision
    ],
)
def test_half_a_unit_in_the_last_printed_digit(numerator, denominator, printed, verdict):
    assert percentage(claim(printed), numerator, denominator)[1] == verdict


def test_percentages_are_recomputed_from_counts_and_the_note_names_the_count_needed():
    recomputed, verdict, note = percentage(claim("75.4%"), 134, 179)
    assert (recomputed, verdict) == ("74.860%", "inconsistent")
    # 135/179 = 75.419% rounds to 75.4%.
    assert note == "134/179 = 74.860%, but a numerator of 135 out of 179 would give 75.4%."
    # 74.8% would need 74.75 <= 100 k / 179 <= 74.85, i.e. 133.80 <= k <= 133.98: no whole k.
    assert percentage(claim("74.8%"), 134, 179)[2].endswith("no whole count out of 179 gives 74.8%.")


@pytest.mark.parametrize(
    "statistic, df, printed, verdict",
    [
        (2.0, 1, "0.157", "reproduced"),  # P(chi2_1 >= 2) = 0.157299
        (2.0, 1, "0.16", "reproduced"),
        (2.0, 1, "0.158", "inconsistent"),
        (2.0, 2, "0.368", "reproduced"),  # exp(-1) = 0.367879
        (2.0, 1, "0.368", "inconsistent"),
        (51.0, 1, "<0.001", "reproduced"),  # P ~ 9e-13
        (51.0, 1, "P<0.001", "reproduced"),
        (3.841, 1, "<0.05", "inconsistent"),  # P = 0.05001 is not below 0.05
        (3.9, 1, "<0.05", "reproduced"),  # P = 0.0483
        (3.0, 1, ">0.05", "reproduced"),  # P = 0.0833
    ],
)
def test_p_values_at_their_printed_precision(statistic, df, printed, verdict):
    assert chi2_pvalue(claim(printed), statistic, df)[1] == verdict


def test_a_bound_is_read_strictly():
    # 0.0012 would itself print as "0.001", yet it is not below 0.001.
    assert difference(claim("<0.001"), 0.0012, 0)[1] == "inconsistent"
    assert difference(claim("<0.001"), 0.00099, 0)[1] == "reproduced"
    assert difference(claim("0.001"), 0.0012, 0)[1] == "reproduced"
    assert difference(claim("<0.001"), 0.0012, 0)[2].endswith("the printed <0.001 needs a value below 0.001.")


def test_printed_forms_that_documents_add():
    assert printed_number("2,000").value == 2000 and printed_number("2,000").decimals == 0
    assert printed_number(">33,000").relation == ">"
    assert printed_number("88 percent").percent and printed_number("88 percent").text == "88 percent"
    assert difference(claim("191,930"), 191930, 0)[1] == "reproduced"
    # Ranges and words reach the checks as the printed text.
    assert reported_for_checks("4-5") == "4-5"
    with pytest.raises(ValueError, match="not a printed number"):
        printed_number("one third")
