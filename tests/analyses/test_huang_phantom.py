"""Tests of the liver detectability phantom (src/compendium/analyses/huang_phantom.py)."""

import numpy as np
import pytest
from scipy import stats

from compendium.analyses import huang_phantom


def test_either_positive_auc_limits():
    assert huang_phantom.either_positive_auc(0.0, 0.0) == pytest.approx(0.5, abs=1e-4)
    # With one part uninformative the OR rule loses against that part alone.
    alone = stats.norm.cdf(2.0 / np.sqrt(2))
    assert huang_phantom.either_positive_auc(0.0, 2.0) < alone
    assert huang_phantom.either_positive_auc(5.0, 5.0) > 0.99


def test_smallest_detectable():
    import pandas as pd

    # Judged on the lower end of the Monte Carlo interval, not the estimate (issue 13).
    frame = pd.DataFrame({"diameter_mm": [4, 6, 8, 10], "PET AUC": [0.85, 0.85, 0.86, 0.9],
                          "PET AUC low": [0.6, 0.82, 0.7, 0.85]})
    assert huang_phantom.smallest_detectable(frame, "PET AUC", 0.8) == 10
    assert np.isnan(huang_phantom.smallest_detectable(frame, "PET AUC", 0.95))


def test_small_run_pet_loses_small_lesions_dwi_keeps_them():
    result = huang_phantom.detectability(lesion_diameters_mm=(4.0, 20.0), n_realisations=10, image_size=96, seed=3)
    small, large = result.iloc[0], result.iloc[1]
    assert large["PET AUC"] > small["PET AUC"]
    assert small["MR AUC"] > small["PET AUC"]
    for name in ("PET AUC", "MR AUC", "PET/MR AUC"):
        assert (result[f"{name} low"] <= result[name]).all() and (result[name] <= result[f"{name} high"]).all()


def test_either_positive_auc_is_vectorised():
    d = np.array([0.0, 1.0, 2.0])
    assert huang_phantom.either_positive_auc(d, 1.5) == pytest.approx(
        [huang_phantom.either_positive_auc(x, 1.5) for x in d], abs=1e-3)
    with pytest.raises(ValueError, match="n_realisations"):
        huang_phantom.detectability(n_realisations=4)
    with pytest.raises(ValueError, match="lesion_diameters_mm"):
        huang_phantom.detectability(lesion_diameters_mm=[5.0] * 7)


def test_pet_sweep_repeats_the_phantom_pages_pet_column_at_its_setting():
    settings = dict(lesion_diameters_mm=(6.0, 12.0), n_realisations=8, image_size=96, seed=3)
    page = huang_phantom.detectability(uptake_ratio=2.0, minutes_per_bed=5.0, **settings)
    sweep = huang_phantom.pet_sweep(uptake_ratios=(1.5, 2.0), minutes_per_bed=(5.0,), **settings)
    assert sweep[["uptake_ratio", "minutes_per_bed"]].drop_duplicates().values.tolist() == [[1.5, 5.0], [2.0, 5.0]]
    at_page = sweep[sweep.uptake_ratio == 2.0].reset_index(drop=True)
    for column in ("PET AUC", "PET AUC low", "PET AUC high"):
        assert at_page[column].tolist() == page[column].tolist()
    # the same noise, a weaker lesion: lower AUC at the larger size
    weaker = sweep[(sweep.uptake_ratio == 1.5) & (sweep.diameter_mm == 12.0)]["PET AUC"].item()
    assert weaker < at_page.loc[at_page.diameter_mm == 12.0, "PET AUC"].item()


def test_pet_sweep_validates_before_simulating():
    with pytest.raises(ValueError, match="n_realisations"):
        huang_phantom.pet_sweep(n_realisations=4)
    with pytest.raises(ValueError, match="at most 6"):
        huang_phantom.pet_sweep(lesion_diameters_mm=[4.0] * 7)


def test_figure_draws_an_interval_that_excludes_its_estimate():
    # A BCa interval can miss its estimate with few realisations (seen in a sweep at n = 8).
    import pandas as pd

    frame = pd.DataFrame({"diameter_mm": [4.0, 8.0]} | {
        f"{name}{suffix}": values for name in ("PET AUC", "MR AUC", "PET/MR AUC")
        for suffix, values in (("", [0.60, 0.90]), (" low", [0.62, 0.85]), (" high", [0.75, 0.95]))})
    fig = huang_phantom.detectability_figure(frame)
    bars = [c.get_segments() for c in fig.axes[0].collections]
    assert [segment[:, 1].tolist() for segment in bars[0]] == [pytest.approx([0.62, 0.75]), pytest.approx([0.85, 0.95])]


@pytest.mark.slow
def test_intervals_are_ordered_when_every_resample_is_within_rounding_of_one():
    # At seed 6 with the chapter's defaults, the 20 mm PET/MR AUC is 1 to 1e-16 and BCa returned
    # its ends in reverse order: the figure's bars then failed (a sweep point seen to fail).
    frame = huang_phantom.detectability(n_realisations=48, seed=6)
    for column in ("PET AUC", "MR AUC", "PET/MR AUC"):
        assert (frame[f"{column} low"] <= frame[f"{column} high"]).all(), column
    huang_phantom.detectability_figure(frame)


def test_either_positive_auc_is_the_probability_that_the_larger_present_score_wins():
    from scipy import integrate, special

    def density_of_max(t, a, b):  # d/dt Φ(t − a) Φ(t − b)
        return stats.norm.pdf(t - a) * special.ndtr(t - b) + special.ndtr(t - a) * stats.norm.pdf(t - b)

    rng = np.random.default_rng(0)
    absent = rng.standard_normal((2, 400_000)).max(axis=0)
    for a, b in [(0.0, 0.0), (1.0, 2.0), (3.5, 0.2), (-0.5, 6.0)]:
        exact = integrate.quad(lambda t: special.ndtr(t) ** 2 * density_of_max(t, a, b), -30, 30, epsabs=1e-12)[0]
        assert huang_phantom.either_positive_auc(a, b) == pytest.approx(exact, abs=1e-9)
        present = np.maximum(rng.standard_normal(400_000) + a, rng.standard_normal(400_000) + b)
        assert huang_phantom.either_positive_auc(a, b) == pytest.approx(np.mean(present > absent), abs=4e-3)
