"""Tests of the Huang et al. check functions (src/compendium/claims/checks/huang.py), hand-worked."""

from types import SimpleNamespace

import pytest

from compendium.claims.choices import AnalysisChoices

checks = pytest.importorskip("compendium.claims.checks.huang")


def claim(text):
    return SimpleNamespace(reported=text)


def test_bowker_reproduces_patient_and_rejects_lesion_mr():
    # CT vs PET/MR: the specificity table is not fixed by its margins, so a fit is consistent.
    assert checks.huang_bowker(claim("13.000"), [45, 37, 45], [30, 26, 21])[:2] == ("13.000", "consistent")
    assert checks.huang_bowker(claim("0.002"), [45, 37, 45], [30, 26, 21], quantity="pvalue")[1] == "consistent"
    # PET vs PET/MR under the union rule: one pair of tables, 7 + 9 = 16.
    assert checks.huang_bowker(claim("16.000"), [45, 38, 45], [30, 30, 21], union_rule=True)[:2] == ("16.000", "reproduced")
    recomputed, verdict, note = checks.huang_bowker(claim("2.000"), [179, 177, 179], [127, 118, 117])
    assert (recomputed, verdict) == ("3.000", "inconsistent") and "3.000" in note
    with pytest.raises(ValueError, match="quantity"):
        checks.huang_bowker(claim("2.000"), [45, 43, 45], [30, 21, 21], quantity="chi")


def test_union_rule():
    assert checks.huang_union_rule(claim("117/127"), 0, 9, 127, counts="negatives")[:2] == ("118/127", "inconsistent")
    assert checks.huang_union_rule(claim("45/45"), 38, 43, 45)[:2] == ("43/45 to 45/45", "reproduced")
    assert checks.huang_union_rule(claim("17/17"), 0, 3, 17, counts="negatives")[1] == "inconsistent"
    with pytest.raises(ValueError, match="counts"):
        checks.huang_union_rule(claim("1/5"), 0, 4, 5, counts="both")


def test_statistic_range_and_truncated_p():
    tables = [[0, 3], [0, 1], [0, 1], [1, 0], [0, 0], [3, 0]]
    assert checks.huang_statistic_range(claim("1.333"), tables)[:2] == ("1.333", "reproduced")
    assert checks.huang_statistic_range(claim("0.000"), tables, bound="min")[:2] == ("0.000", "reproduced")
    # P(χ²₁ ≥ 0.5) = 0.479500...: it rounds to 0.480; only truncation, a rule the paper does not state, gives 0.479.
    recomputed, verdict, note = checks.huang_chi2_pvalue(claim("0.479"), 0.5)
    assert verdict == "inconsistent" and "truncating" in note
    truncating = SimpleNamespace(reported="0.479", choices=AnalysisChoices(rounding="nearest-or-truncated"))
    assert checks.huang_chi2_pvalue(truncating, 0.5)[1] == "reproduced"
    assert checks.huang_chi2_pvalue(claim("0.008"), 64 / 9)[1] == "reproduced"
    assert checks.huang_chi2_pvalue(claim("0.470"), 0.5)[1] == "inconsistent"
