"""Tests of the PSMA-page analyses (document ucla-psma-pet): burden, timing, trial, phantom."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from compendium.analyses import psma, psma_phantom


def test_ranks_follow_the_acs_2020_tables():
    """ACS Cancer Facts & Figures 2020: prostate first in new cases, second (after lung) in deaths."""
    assert psma.rank_of("Prostate", psma.ACS_2020_MALE_NEW_CASES) == 1
    assert psma.rank_of("Prostate", psma.ACS_2020_MALE_DEATHS) == 2
    with pytest.raises(ValueError, match="site"):
        psma.rank_of("Pancreas", psma.ACS_2020_MALE_DEATHS)


def test_thousands_distinguish_rounding_from_truncation():
    assert psma.to_thousands(191_930) == {"rounded": 192_000, "truncated": 191_000}
    assert psma.to_thousands(33_330) == {"rounded": 33_000, "truncated": 33_000}
    table = psma.burden_table().set_index("quantity")
    assert table.loc["New cases", "page minus ACS"] == "-930"


def test_frame_decay_loss_matches_numerical_integration_and_one_half_life():
    # Over one half-life T the mean activity is (1 - 1/2) / ln 2 of the start: loss 1 - 0.5/ln 2.
    half_life = 67.71
    assert psma.frame_decay_loss("Ga-68", half_life) == pytest.approx(1 - 0.5 / math.log(2), abs=1e-12)
    t = np.linspace(0, 30, 30001)
    numeric = np.trapezoid(2.0 ** (-t / 109.77), t) / 30
    assert psma.frame_decay_loss("F-18", 30) == pytest.approx(1 - numeric, abs=1e-8)
    with pytest.raises(ValueError, match="scan_min"):
        psma.frame_decay_loss("F-18", 0)


def test_timing_table_at_the_page_protocol():
    table = psma.timing_table(60, 30).set_index("nuclide")
    assert table.loc["Ga-68", "left at scan start"] == pytest.approx(2 ** (-60 / 67.71))
    assert table.loc["F-18", "left at scan end"] == pytest.approx(2 ** (-90 / 109.77))
    assert (table["left at scan end"] < table["mean during scan"]).all()
    assert (table["mean during scan"] < table["left at scan start"]).all()


def test_only_one_paired_table_gives_the_published_or_and_p():
    """Calais et al. 2019: 28/50 vs 13/50, OR 4.8 (1.6-19.2), exact P = 0.0026."""
    frame = psma.reconstruction_table()
    assert len(frame) == 14
    found = frame[frame["P matches"] & frame["OR matches"]]
    assert found[["a", "b", "c", "d"]].values.tolist() == [[9, 19, 4, 18]]
    pelvic = psma.reconstruction_table("pelvic nodes")
    assert pelvic[pelvic["P matches"] & pelvic["OR matches"]].c.tolist() == [1]


def test_published_intervals_and_p_values_are_recomputed():
    table = psma.published_check_table().set_index(["region", "quantity"])
    assert table.loc[("patient", "paired table a=9, b=19, c=4, d=18"), "recomputed"] == (
        "OR = 4.75 (1.58 to 19.20); P = 0.0026"
    )
    assert table.loc[("pelvic nodes", "paired table a=3, b=12, c=1, d=34"), "recomputed"] == (
        "OR = 12.00 (1.78 to 512.97); P = 0.0034"
    )


def test_paired_table_validates_the_assumed_cell():
    assert psma.paired_table(0) == {"a": 13, "b": 15, "c": 0, "d": 22}
    with pytest.raises(ValueError, match="fluciclovine_only"):
        psma.paired_table(14)
    with pytest.raises(ValueError, match="region"):
        psma.paired_table(1, "bone")


def test_every_feasible_table_is_significant_at_5_percent():
    frame = psma.sensitivity_frame()
    assert frame["fluciclovine only (c)"].tolist() == list(range(14))
    # Largest exact P at c = 13: 2 P(X <= 13), X ~ Bin(41, 1/2).
    assert frame["exact P"].max() == pytest.approx(0.027533, abs=1e-6)
    assert (frame["difference low"] > 0).all()


def test_sample_sizes_by_hand():
    """Connor (1987) for p10 = 0.27, p01 = 0.05: psi 0.32, delta 0.22 -> 49.47, so 50 pairs;
    two independent groups 0.48 vs 0.26 need 75 per arm (normal approximation, pooled variance)."""
    sizes = psma.sample_size_table().set_index("P(fluciclovine only)")
    assert sizes.loc[0.05, "pairs needed"] == 50
    assert psma.unpaired_sample_size() == 75


def test_design_analysis_replaces_observed_power():
    """No post-hoc power column; the trial's 50 pairs detect, at its observed 4/50 fluciclovine-only
    rate, a difference delta with sqrt(50) delta = z_a sqrt(psi) + z_b sqrt(psi - delta^2), psi = 0.16 + delta."""
    sizes = psma.sample_size_table()
    assert not any("power" in column for column in sizes.columns)
    observed = sizes.iloc[0]
    delta = observed["smallest difference detectable with 50 pairs"]
    psi = 2 * 0.08 + delta
    z_a, z_b = stats.norm.isf(0.025), stats.norm.ppf(0.8)
    assert np.sqrt(50) * delta == pytest.approx(z_a * np.sqrt(psi) + z_b * np.sqrt(psi - delta**2))
    assert 0.2 < delta < (19 - 4) / 50  # the observed 30-point difference is above it


def test_system_fwhm_convolves_the_range_kernel_not_a_gaussian():
    """The old Gaussian matched to the mean range gave 6.58 mm for Ga-68 at a 5 mm scanner; the
    cusp-and-tail kernel widens the half maximum far less (its tail shows at a tenth instead)."""
    assert psma_phantom.system_fwhm(5.0, "Ga-68") == pytest.approx(6.27, abs=0.01)
    assert psma_phantom.system_fwhm(5.0, "Ga-68") < math.hypot(5.0, 2.9 / 1.595769 * 2.354820) - 0.2
    assert psma_phantom.system_fwhm(3.0, "Ga-68", with_range=False) == 3.0
    with pytest.raises(ValueError, match="nuclide"):
        psma_phantom.system_fwhm(5.0, "Tc-99m")


def test_slice_counts_ratio_from_decay_and_yield():
    def integral(half_life, uptake, frame):
        rate = math.log(2) / half_life
        return math.exp(-rate * uptake) * (1 - math.exp(-rate * frame)) / rate

    expected = (0.8891 * integral(67.71, 60, 5)) / (0.9686 * integral(109.77, 60, 5))
    ratio = psma_phantom.slice_counts("Ga-68", 2, 75, 60, 30, 6, 0.02) / psma_phantom.slice_counts(
        "F-18", 2, 75, 60, 30, 6, 0.02)
    assert ratio == pytest.approx(expected, rel=1e-9)
    with pytest.raises(ValueError, match="n_beds"):
        psma_phantom.slice_counts("F-18", 2, 75, 60, 30, 0, 0.02)


def test_node_study_range_lowers_recovery_of_every_node():
    frame = psma_phantom.node_study(node_diameters_mm=(6.0, 10.0), n_realisations=8, seed=1)
    assert len(frame) == 6
    recovery = frame.pivot(index="node diameter (mm)", columns="condition", values="recovery (max)")
    assert (recovery["Ga-68"] < recovery["Ga-68, counts only"]).all()
    assert (recovery["Ga-68"] < recovery["F-18"]).all()
    assert recovery.loc[10.0].gt(recovery.loc[6.0]).all()
    assert frame["AUC"].between(0, 1).all()
    assert (frame["AUC low"] <= frame["AUC"]).all() and (frame["AUC"] <= frame["AUC high"]).all()


def test_node_study_does_not_depend_on_the_executor():
    from concurrent.futures import ThreadPoolExecutor

    kwargs = dict(node_diameters_mm=(8.0,), n_realisations=8, seed=3)
    with ThreadPoolExecutor(2) as pool:
        threaded = psma_phantom.node_study(**kwargs, mapper=pool.map)
    pd.testing.assert_frame_equal(psma_phantom.node_study(**kwargs), threaded)


def test_nuclide_sweep_f18_line_repeats_the_node_study_and_more_counts_help():
    kwargs = dict(node_diameters_mm=(5.0, 8.0), n_realisations=8, seed=4)
    page = psma_phantom.node_study(**kwargs)  # F-18 is its first condition, on the root seed itself
    sweep = psma_phantom.nuclide_sweep(("F-18", "Ga-68"), (10.0, 30.0), **kwargs)
    assert len(sweep) == 2 * 2 * 2
    f18 = sweep[(sweep.nuclide == "F-18") & (sweep.scan_min == 30.0)].reset_index(drop=True)
    same = page[page.condition == "F-18"].reset_index(drop=True)
    for column in ("AUC", "AUC low", "AUC high", "slice counts"):
        assert f18[column].tolist() == same[column].tolist()
    counts = sweep.groupby(["nuclide", "scan_min"])["slice counts"].first()
    # three times the minutes, a little less than three times the counts: F-18 decays during the scan
    assert 2.9 < counts[("F-18", 30.0)] / counts[("F-18", 10.0)] < 3.0


def test_nuclide_sweep_names_an_unknown_nuclide():
    with pytest.raises(ValueError, match="nuclides must be among F-18, Ga-68"):
        psma_phantom.nuclide_sweep(("Cu-64",), (30.0,), n_realisations=8)
