"""Prose formatting helpers of compendium.report: numbers for people, agreeing plurals."""

from compendium.report import plural, round_for_prose


def test_round_for_prose_has_no_exponent():
    assert round_for_prose(1.04e5) == "100,000"  # was printed "1e+05" with :.2g
    assert round_for_prose(2_345_678, 3) == "2,350,000"
    assert round_for_prose(0.0456) == "0.046"


def test_plural_agrees_with_the_count():
    assert plural(1, "comparison") == "1 comparison"
    assert plural(0, "comparison") == "0 comparisons"
    assert plural(2, "comparison changes", "comparisons change") == "2 comparisons change"
