"""Tests of the document-specific check functions for auntminnie-msk-pain-petmr.

Expected verdicts are hand-checked: 6/13 = 46.2% and 7/13 = 53.8% bracket a printed 52%;
27/33 = 81.8% is the only count of 33 that rounds to 82%.
"""

from types import SimpleNamespace

import pytest

from compendium.claims.checks.mskpain import mskpain_attainable_in_groups, mskpain_count_from_percentage


def claim(reported):
    return SimpleNamespace(reported=reported)


def test_count_from_percentage_unique_count_is_reproduced():
    assert mskpain_count_from_percentage(claim("27"), "82%", 33)[:2] == ("27", "reproduced")


def test_count_from_percentage_wrong_or_ambiguous_count():
    recomputed, verdict, note = mskpain_count_from_percentage(claim("26"), "82%", 33)
    assert (recomputed, verdict) == ("27", "inconsistent") and "27" in note
    # 50% of 200 allows 99, 100 and 101 (49.5% and 50.5% round either way at the boundary).
    assert mskpain_count_from_percentage(claim("100"), "50%", 200)[1] == "unverifiable"
    with pytest.raises(ValueError, match="denominator"):
        mskpain_count_from_percentage(claim("1"), "50%", 0)


def test_attainable_in_stated_group():
    assert mskpain_attainable_in_groups(claim("50%"), 14) == ("7/14", "reproduced", "7/14 = 50.0% rounds to 50%.")


def test_attainable_only_in_another_reading_is_unverifiable():
    recomputed, verdict, note = mskpain_attainable_in_groups(claim("33%"), 14, {"recruits": 33, "treated": 23})
    assert verdict == "unverifiable" and recomputed == "11/33 (recruits)"
    assert "4/14 = 28.6%" in note and "5/14 = 35.7%" in note


def test_attainable_nowhere_is_inconsistent():
    recomputed, verdict, note = mskpain_attainable_in_groups(claim("52%"), 13, {"both control groups": 18})
    assert verdict == "inconsistent" and recomputed == "none of 13"
    assert "6/13 = 46.2%" in note and "7/13 = 53.8%" in note and "21, 23, 25" in note
