"""Tests of the document-specific check functions for auntminnie-msk-pain-petmr.

Expected verdicts are hand-checked: 6/13 = 46.2% and 7/13 = 53.8% bracket a printed 52%;
27/33 = 81.8% is the only count of 33 that rounds to 82%.
"""

from types import SimpleNamespace

import pytest

from compendium.claims.checks.mskpain import (
    mskpain_attainable_in_groups,
    mskpain_count_from_percentage,
    mskpain_group_size,
)
from compendium.claims.choices import AnalysisChoices


def claim(reported):
    return SimpleNamespace(reported=reported)


def test_count_from_percentage_unique_count_is_reproduced():
    assert mskpain_count_from_percentage(claim("27"), "82%", 33)[:2] == ("27", "reproduced")


def test_count_from_percentage_wrong_or_ambiguous_count():
    recomputed, verdict, note = mskpain_count_from_percentage(claim("26"), "82%", 33)
    assert (recomputed, verdict) == ("27", "inconsistent") and "27" in note
    # 50% of 200 allows 99, 100 and 101 (49.5% and 50.5% round either way at the boundary).
    assert mskpain_count_from_percentage(claim("100"), "50%", 200)[1] == "consistent"
    with pytest.raises(ValueError, match="denominator"):
        mskpain_count_from_percentage(claim("1"), "50%", 0)


def test_attainable_in_stated_group():
    """A fit is consistent: the count is not printed."""
    assert mskpain_attainable_in_groups(claim("50%"), 14)[:2] == ("7/14", "consistent")


def test_attainable_only_in_another_reading_follows_the_reading():
    """The open reading (default) leaves it unverifiable (some group gives any percentage), the
    stated-group reading inconsistent; both notes give both readings."""
    recomputed, verdict, note = mskpain_attainable_in_groups(claim("33%"), 14, {"recruits": 33, "treated": 23})
    assert verdict == "unverifiable" and recomputed == "11/33 (recruits)"
    assert "4/14 = 28.6%" in note and "5/14 = 35.7%" in note and "stated-group reading" in note
    stated = SimpleNamespace(reported="33%", choices=AnalysisChoices(control_denominator="stated"))
    recomputed, verdict, note = mskpain_attainable_in_groups(stated, 14, {"recruits": 33, "treated": 23})
    assert (recomputed, verdict) == ("none of 14", "inconsistent") and "11/33 (recruits)" in note


def test_attainable_only_in_an_unnamed_group():
    recomputed, verdict, note = mskpain_attainable_in_groups(claim("52%"), 13, {"both control groups": 18})
    assert verdict == "unverifiable" and "21, 23, 25" in recomputed
    assert "6/13 = 46.2%" in note and "7/13 = 53.8%" in note and "18 (both control groups)" in note
    stated = SimpleNamespace(reported="52%", choices=AnalysisChoices(control_denominator="stated"))
    assert mskpain_attainable_in_groups(stated, 13, {"both control groups": 18})[1] == "inconsistent"


def test_group_size_from_count_and_percentage():
    """10/14 = 71.4% and no other n: 10/13 = 76.9%, 10/15 = 66.7%."""
    assert mskpain_group_size(claim("14"), 10, "71%")[:2] == ("14", "reproduced")
    assert mskpain_group_size(claim("15"), 10, "71%")[1] == "inconsistent"
    assert mskpain_group_size(claim("200"), 100, "50%")[1] == "consistent"  # 199, 200, 201 all give 50%
