"""Tests of the PSMA page's check functions (src/compendium/claims/checks/psma.py)."""

from types import SimpleNamespace

import pytest

from compendium.claims.choices import AnalysisChoices

checks = pytest.importorskip("compendium.claims.checks.psma")


def claim(text):
    return SimpleNamespace(reported=text)


def test_rank_reproduced_unverifiable_and_inconsistent():
    deaths = {"Lung": 72500, "Prostate": 33330, "Colon": 28630}
    assert checks.psma_rank(claim("2"), deaths, "Prostate")[:2] == ("2", "reproduced")
    cases = {"Prostate": 191930, "Lung": 116300}
    other = {"worldwide": 2}
    assert checks.psma_rank(claim("2"), cases, "Prostate", other)[:2] == ("1", "unverifiable")
    assert checks.psma_rank(claim("3"), cases, "Prostate", other)[:2] == ("1", "inconsistent")


def test_round_figure_is_a_quote_and_truncation_follows_the_rounding_choice():
    """191,930 rounds to 192,000; "191,000" cuts it, which only the truncating rule accepts."""
    recomputed, verdict, note = checks.psma_round_figure(claim("191,000"), 191930)
    assert (recomputed, verdict) == ("191,930", "inconsistent")
    assert "192,000" in note and "truncated" in note
    truncating = SimpleNamespace(reported="191,000", choices=AnalysisChoices(rounding="nearest-or-truncated"))
    assert checks.psma_round_figure(truncating, 191930)[1] == "consistent"
    assert checks.psma_round_figure(claim("192,000"), 191930)[1] == "consistent"
    # "190,000" is to the ten thousand, to which 191,930 rounds; "193,000" is neither.
    assert checks.psma_round_figure(claim("190,000"), 191930)[1] == "consistent"
    assert checks.psma_round_figure(claim("193,000"), 191930)[1] == "inconsistent"
    # A stored outside figure can stand for the number.
    assert checks.psma_round_figure(claim("192,000"), "figure:acs2020-men-new-cases-prostate")[1] == "consistent"


def test_lower_bound():
    assert checks.psma_lower_bound(claim(">33,000"), 33330)[1] == "consistent"  # a quoted bound that holds
    assert checks.psma_lower_bound(claim(">34,000"), 33330)[1] == "inconsistent"
    with pytest.raises(ValueError, match="bound"):
        checks.psma_lower_bound(claim("33,000"), 33330)


def test_time_budget():
    recomputed, verdict, note = checks.psma_time_budget(claim("2"), {"uptake": 60, "scanning": 30})
    assert (recomputed, verdict) == ("90 min stated", "unverifiable")
    assert "30 min" in note
    assert checks.psma_time_budget(claim("1"), {"uptake": 60, "scanning": 60})[1] == "inconsistent"
