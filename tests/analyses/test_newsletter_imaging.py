"""Tests of the PET/MR newsletter phantom experiments (counts, noise law, respiratory motion)."""

import numpy as np
import pytest

from compendium.analyses import newsletter_imaging as imaging
from compendium.phantoms import iec_body_phantom

STUDY = dict(activity_mbq=370, weight_kg=75, uptake_min=60, axial_fov_mm=258, fwhm_mm=4.3,
             n_realizations=2, n_iter=2, n_subsets=10, filter_fwhm_mm=5.0)


def test_slice_counts_follow_decay_during_the_frame():
    """Ratio of 4 to 2 min: (1 - 2^(-4/109.77)) / (1 - 2^(-2/109.77)) = 1 + 2^(-2/109.77) = 1.9874."""
    ratio = imaging.slice_counts(4, 370, 75, 60, 258, 2.5) / imaging.slice_counts(2, 370, 75, 60, 258, 2.5)
    assert ratio == pytest.approx(1 + 2 ** (-2 / 109.77))
    with pytest.raises(ValueError, match="slice_mm"):
        imaging.slice_counts(2, 370, 75, 60, 258, 300)


def test_post_filter_keeps_activity():
    image = np.zeros((21, 21))
    image[10, 10] = 1.0
    assert imaging.post_filter(image, 5.0, 2.5).sum() == pytest.approx(1.0)
    sigma_px = 5.0 / (2 * np.sqrt(2 * np.log(2))) / 2.5  # 0.849 pixels
    assert imaging.post_filter(image, 5.0, 2.5).max() == pytest.approx(1 / (2 * np.pi * sigma_px**2), rel=0.03)
    with pytest.raises(ValueError, match="fwhm_mm"):
        imaging.post_filter(image, -1, 2.5)


@pytest.fixture(scope="module")
def study():
    return imaging.count_statistics_study([1.0, 4.0], seed=7, **STUDY)


def test_noise_follows_inverse_square_root_of_counts(study):
    """Four times the counts should halve the noise: slope -1/2 within simulation error."""
    assert -0.6 < study.slope < -0.4
    summary = imaging.summarise(study)
    ratio = summary["background_cov"].iloc[1] / summary["background_cov"].iloc[0]
    counts = summary["counts"].iloc[1] / summary["counts"].iloc[0]
    assert ratio == pytest.approx(counts ** -0.5, rel=0.1)


def test_count_study_is_deterministic(study):
    again = imaging.count_statistics_study([1.0, 4.0], seed=7, **STUDY)
    assert again.table.equals(study.table)


def test_count_study_validates():
    with pytest.raises(ValueError, match="minutes_per_bed"):
        imaging.count_statistics_study([2.0], seed=1, **STUDY)


def test_moving_lesion_conserves_activity_and_spreads_it():
    phantom = iec_body_phantom((128, 128), sphere_diameters_mm=(10,), lung_insert=False)
    lesion = next(iter(phantom.lesions))
    still = imaging.moving_lesion(phantom, lesion, 0.0)
    np.testing.assert_allclose(still, phantom.activity, atol=1e-12)
    moved = imaging.moving_lesion(phantom, lesion, 15.0)
    assert moved.sum() == pytest.approx(phantom.activity.sum())
    assert moved.max() < phantom.activity.max()
    with pytest.raises(ValueError, match="amplitude_mm"):
        imaging.moving_lesion(phantom, lesion, -1)


def test_motion_lowers_recovery_unless_corrected():
    table = imaging.motion_study([0.0, 20.0], lesion_diameter_mm=10, n_gates=4, fwhm_mm=4.3, n_iter=2,
                                 n_subsets=10, filter_fwhm_mm=5.0, seed=1)
    rc = table.set_index(["amplitude_mm", "method"])["rc_max"]
    assert rc[(20.0, "no correction")] < 0.85 * rc[(0.0, "no correction")]
    assert rc[(20.0, "motion corrected")] == pytest.approx(rc[(0.0, "no correction")], rel=1e-3)
    assert rc[(20.0, "no correction")] < rc[(20.0, "gated, 4 gates")] < rc[(20.0, "motion corrected")]
