"""Tests of the Huang et al. (2021) re-analysis (src/compendium/analyses/huang.py).

Expected values are hand-worked from the paper's Tables 1 and 2 (huang2021liver).
"""

import math

import numpy as np
import pytest
from scipy import stats

from compendium.analyses import huang


def test_tables_rebuild_every_printed_percentage():
    for level in huang.LEVELS:
        table = huang.accuracy_table(level)
        assert len(table) == 20 and table.matches.all()
    ct = huang.accuracy_table("patient").set_index(["modality", "measure"]).loc[("CT", "ppv")]
    assert ct.counts == "37/41" and ct.value == pytest.approx(37 / 41)
    assert ct.low < 37 / 41 < ct.high


def test_union_rule_fails_for_benign_lesions_only():
    # PET 0 and MR 9 false positives among 127 benign lesions force exactly 9 PET/MR false positives; Table 1 has 10.
    lesion = huang.union_rule_check("lesion").set_index("group")
    assert lesion.loc["non-diseased", "allowed"] == "9"
    assert not lesion.loc["non-diseased", "consistent"]
    assert lesion.loc["diseased", "allowed"] == "177–179" and lesion.loc["diseased", "consistent"]
    assert huang.union_rule_check("patient").consistent.all()


def test_subgroup_remainders():
    # Other tumours: 45 - 19 - 10 - 9 = 7 diseased; PET/MR false positives 9 - (0 + 4 + 0) = 5, MR 9 - (3 + 4 + 0) = 2.
    rest = huang.subgroup_check().set_index("modality")
    assert rest.loc["PET/MR", "other: diseased"] == 7
    assert rest.loc["PET/MR", "other: FP"] == 5 and rest.loc["MR", "other: FP"] == 2
    assert rest.fits.all()


def test_margins_and_implied_tables():
    assert huang.margins("lesion", "sensitivity", "PET") == (179, 108, 179)
    assert huang.implied_table("lesion", "specificity", "CT") == (117, 6, 0, 4)
    with pytest.raises(ValueError, match="measure"):
        huang.margins("lesion", "ppv", "CT")
    with pytest.raises(ValueError, match="comparator"):
        huang.margins("lesion", "sensitivity", "PET/MR")


def test_overall_is_bowker_sum():
    # Patient level vs CT: 8^2/8 + 5^2/5 = 13, P on 2 df = exp(-6.5).
    chi2, p = huang.overall_bowker("patient", "CT")
    assert chi2 == pytest.approx(13.0) and p == pytest.approx(math.exp(-6.5))
    # Lesion level vs MR: 2^2/2 + 1^2/1 = 3, not the printed 2.000.
    assert huang.overall_bowker("lesion", "MR")[0] == pytest.approx(3.0)
    assert huang.trace_overall("lesion", "MR").empty
    assert not huang.trace_overall("patient", "MR").empty


def test_trace_tables_flag_the_unattainable_values():
    lesion = huang.trace_table("lesion").set_index(["measure", "comparison"])
    assert lesion.loc[("specificity", "PET/MR vs PET"), "attainable"] == "no"  # 8.200: only 10.000 or 8.100
    assert lesion.loc[("specificity", "PET/MR vs CT"), "attainable"] == "yes"  # 25/6 = 4.167
    assert "corrected" in lesion.loc[("specificity", "PET/MR vs CT"), "reproduced by"]
    patient = huang.trace_table("patient")
    assert (patient.attainable == "yes").all()


def test_subgroup_tests_pdac_range():
    pdac = huang.subgroup_tests("corrected").query("subgroup == 'PDAC'")
    # (|0 - 3| - 1)^2 / 3 = 4/3 for sensitivity vs CT and specificity vs MR.
    assert pdac.statistic.max() == pytest.approx(4 / 3)


def test_design_effect_and_multiverse():
    assert huang.design_effect("lesion", 0.0) == 1.0
    assert huang.design_effect("lesion", 1.0) == pytest.approx(306 / 75)
    assert huang.design_effect("patient", 0.5) == 1.0
    with pytest.raises(ValueError, match="icc"):
        huang.design_effect("lesion", 1.5)
    verse = huang.multiverse(0.1)
    row = verse.query("level == 'patient' and comparator == 'PET' and measure == 'specificity' and choice == 'exact'")
    assert row.pvalue.iloc[0] == pytest.approx(2 * 0.5**9)


def _connor_one_empty_cell(p):
    """Connor's n with p10 = 0, p01 = p, by hand: psi = delta = p, psi - delta^2 = p (1 - p)."""
    z_a, z_b = stats.norm.isf(0.025), stats.norm.ppf(0.8)
    return (z_a * np.sqrt(p) + z_b * np.sqrt(p * (1 - p))) ** 2 / p**2


def test_design_table_uses_connor_with_the_empty_cell():
    """No half-pair correction: an empty discordant cell is a valid zero (issue 13)."""
    table = huang.design_table(0.05, 0.8).set_index(["level", "measure", "comparator"])
    assert "achieved power" not in table.columns  # observed power is not a finding
    assert table["pairs needed"].isna().sum() == 1  # patient specificity vs MR: b = c = 0
    lesion = table.loc[("lesion", "sensitivity", "MR")]
    assert (lesion.b, lesion.c) == (0, 2)
    assert lesion["pairs needed"] == np.ceil(_connor_one_empty_cell(2 / 179)) == 701  # was 1,559
    assert table.loc[("lesion", "specificity", "MR"), "pairs needed"] == np.ceil(_connor_one_empty_cell(1 / 127)) == 995
    patient = table.loc[("patient", "sensitivity", "MR")]
    assert patient["pairs needed"] == np.ceil(_connor_one_empty_cell(2 / 45))
    # Smallest detectable difference with 45 patients, all discordance one way: sqrt(45 d) = z_a + z_b sqrt(1 - d).
    d = patient["smallest detectable difference"]
    assert np.sqrt(45 * d) == pytest.approx(stats.norm.isf(0.025) + stats.norm.ppf(0.8) * np.sqrt(1 - d))
    assert patient["observed difference"] == pytest.approx(2 / 45) and 2 / 45 < d


def test_bayes():
    bayes = huang.bayes_table(1, 1).set_index(["level", "comparator", "measure"])["P(PET/MR better)"]
    # Beta(1 + 2, 1 + 0): P(theta > 1/2) = 1 - 0.5^3 = 0.875; Beta(1, 1 + 9): 0.5^10.
    assert bayes[("patient", "MR", "sensitivity")] == pytest.approx(0.875)
    assert bayes[("patient", "PET", "specificity")] == pytest.approx(0.5**10)
    assert bayes[("patient", "MR", "specificity")] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="prior"):
        huang.bayes_table(0, 1)


def test_variant_summary_is_derived_from_the_trace():
    """The lesion sensitivity against MR is continuity-corrected (0.500 = (|0 - 2| - 1)^2 / 2), not uncorrected."""
    assert huang.statistic_variants("lesion", "sensitivity", "MR") == ("corrected",)
    assert huang.mcnemar(0, 2, "corrected").statistic == pytest.approx(0.5)
    summary = huang.variant_summary()
    uncorrected = summary.split("; ")[0]
    assert uncorrected == "uncorrected for lesion-level sensitivity against CT and PET"
    assert "continuity-corrected for lesion-level sensitivity against MR" in summary
