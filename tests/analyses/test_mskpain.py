"""Tests of the musculoskeletal-pain PET/MRI re-analysis (compendium.analyses.mskpain).

Expected values are hand-checked arithmetic on the report's counts (10/14, 6/13, 6/9, 2/5,
27/33) or closed-form results, never re-runs of the code under test.
"""

import math

import numpy as np
import pytest
from scipy import stats

from compendium.analyses import mskpain
from compendium.stats import power_two_proportions


def wilson(x, n, z=stats.norm.ppf(0.975)):
    """Wilson (1927) score interval in closed form, written out for the test."""
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_counts_come_from_the_registry():
    assert [mskpain.count(c) for c in ("mskpain-recruited-n", "mskpain-generators-n", "mskpain-treated-n")] == [33, 27, 23]
    assert mskpain.CLBP_PETMR.x == 10 and mskpain.CLBP_PETMR.n == 14
    assert mskpain.THR_CONTROL.x == 2 and mskpain.THR_CONTROL.n == 5
    with pytest.raises(ValueError, match="claim_id"):
        mskpain.count("mskpain-no-such-claim")


def test_pain_relief_count_is_inferred_from_its_percentage():
    # 50% of 14: only 7/14 rounds to 50%.
    assert mskpain.CLBP_RELIEF.x == 7


def test_proportion_table_gives_wilson_intervals():
    table = mskpain.proportion_table().set_index("Proportion")
    assert len(table) == len(mskpain.PROPORTIONS)
    for p in mskpain.PROPORTIONS:
        low, high = wilson(p.x, p.n)
        assert table.loc[p.label, "Low"] == pytest.approx(low, abs=1e-9)
        assert table.loc[p.label, "High"] == pytest.approx(high, abs=1e-9)
    clopper = mskpain.proportion_table("clopper-pearson").set_index("Proportion")
    # Clopper-Pearson for 2/5: lower limit is the 2.5% quantile of Beta(2, 4).
    assert clopper.loc[mskpain.THR_CONTROL.label, "Low"] == pytest.approx(stats.beta.ppf(0.025, 2, 4), abs=1e-9)


def test_comparison_table_differences_and_fisher():
    table = mskpain.comparison_table().set_index("Comparison")
    assert table.loc["Chronic low back pain", "Difference"] == pytest.approx(10 / 14 - 6 / 13)
    assert table.loc["Total hip replacement", "Difference"] == pytest.approx(6 / 9 - 2 / 5)
    # One-sided Fisher P for 10/14 vs 6/13: upper tail of the hypergeometric with
    # 27 patients, 16 successes, 14 drawn, at 10 or more.
    assert table.loc["Chronic low back pain", "Fisher P (one-sided)"] == pytest.approx(stats.hypergeom.sf(9, 27, 16, 14))
    for _, row in table.iterrows():
        assert row["Low"] < 0 < row["High"]
        assert row["Boschloo P (one-sided)"] <= row["Fisher P (one-sided)"] + 1e-12


def test_exact_power_hand_cases():
    # p1 = 1, p2 = 0 make the outcome certain. 5/5 vs 0/5 has two-sided Fisher P = 2/252 (rejected);
    # 2/2 vs 0/2 has P = 2/6 (never rejected).
    assert mskpain.exact_power(1.0, 0.0, 5, 5) == pytest.approx(1.0)
    assert mskpain.exact_power(1.0, 0.0, 2, 2) == 0.0
    assert mskpain.exact_power(0.3, 0.3, 10, 12) < 0.05
    with pytest.raises(ValueError, match="n2"):
        mskpain.exact_power(0.5, 0.2, 5, 0)
    with pytest.raises(ValueError, match="test"):
        mskpain.exact_power(0.5, 0.2, 5, 5, test="t")


def test_design_table_sample_sizes_and_smallest_detectable_rate():
    table = mskpain.design_table(0.05, (0.8, 0.9))
    assert not any(column.startswith("Power") for column in table.columns)  # no post-hoc power
    for comp, (_, row) in zip(mskpain.COMPARISONS, table.iterrows()):
        p1, p2 = comp.petmr.x / comp.petmr.n, comp.control.x / comp.control.n
        for target in (0.8, 0.9):
            n = row[f"n per group for {target:.0%}"]
            assert power_two_proportions(p1, p2, n) >= target > power_two_proportions(p1, p2, n - 1)
    back, hip = table["Smallest detectable PET/MRI rate"]
    # 14 + 13 patients, control 6/13: Fisher reaches 80 % only for a PET/MRI rate near 94 %.
    assert mskpain.exact_power(back, 6 / 13, 14, 13) >= 0.8 > mskpain.exact_power(back - 0.001, 6 / 13, 14, 13)
    assert 0.9 < back < 0.97
    # 9 + 5 patients: even 9/9 against 2/5 never reaches 80 %.
    assert np.isnan(hip) and mskpain.exact_power(1.0, 0.4, 9, 5) < 0.8


def test_posteriors_are_seeded_and_match_quadrature():
    first, again = mskpain.posteriors(draws=20_000, seed=5), mskpain.posteriors(draws=20_000, seed=5)
    for label in first:
        np.testing.assert_array_equal(first[label].draws, again[label].draws)
        assert first[label].prob_greater == pytest.approx(first[label].prob_greater_mc, abs=0.01)
    # Posterior mean with uniform priors: (10 + 1) / 16 - (6 + 1) / 15.
    assert first["Chronic low back pain"].mean == pytest.approx(11 / 16 - 7 / 15)
    table = mskpain.posterior_table(first)
    assert (table["Low"] < 0).all() and (table["High"] > 0).all()
    # P(difference > 0.2) is computed by quadrature, so it does not move with the draws.
    exceed = table.set_index("Comparison")["P(difference > 0.2)"]
    other = mskpain.posterior_table(mskpain.posteriors(draws=1_000, seed=6)).set_index("Comparison")
    assert exceed.to_dict() == other["P(difference > 0.2)"].to_dict()
    assert exceed["Chronic low back pain"] == pytest.approx(np.mean(first["Chronic low back pain"].draws > 0.2), abs=0.02)


def test_fitting_denominators_hand_checked():
    # 11/21 = 52.4%, 12/23 = 52.2%, 13/25 = 52.0%, 14/27 = 51.9%, 15/29 = 51.7%.
    assert mskpain.fitting_denominators("52%", 30) == [21, 23, 25, 27, 29]
    assert mskpain.fitting_denominators("40%", 12) == [5, 10]


def test_attainability_flags_the_three_back_pain_questionnaire_figures():
    table = mskpain.attainability_table(40)
    misfits = set(table.loc[table["Attainable"] == "no", "Claim"])
    assert misfits == {"mskpain-pain-relief-control-pct", "mskpain-medication-control-pct", "mskpain-medication-petmr-pct"}
    row = table.set_index("Claim").loc["mskpain-pain-relief-control-pct"]
    assert row["Stated n"] == 13 and "6/13 = 46.2%" in row["k / n"] and "7/13 = 53.8%" in row["k / n"]
