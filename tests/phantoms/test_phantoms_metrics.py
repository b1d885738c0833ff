"""Image-quality metrics: hand-checked arithmetic, invariants on the true phantom, and CHO trends."""

import numpy as np
import pytest

from compendium.phantoms import (
    PETSystem,
    background_cov,
    cho_detectability,
    contrast_to_noise,
    iec_body_phantom,
    laguerre_gauss,
    liver_phantom,
    nema_background_variability,
    recovery_coefficients,
    simulate_scan,
)


def test_cov_and_cnr_by_hand():
    """Values (1, 3, 1, 3): mean 2, sample SD 2/sqrt(3) -> CoV 0.5774; CNR of 5 vs (1, 2, 3) = (5 - 2)/1 = 3."""
    assert background_cov([[1.0, 3.0], [1.0, 3.0]], np.ones((2, 2), bool)) == pytest.approx(1 / np.sqrt(3))
    image = [[5.0, 1.0], [2.0, 3.0]]
    assert contrast_to_noise(image, [[1, 0], [0, 0]], [[0, 1], [1, 1]]) == pytest.approx(3.0)


def test_recovery_of_the_true_image():
    """On the phantom itself: max recovery 1 for every sphere resolved by a pixel centre, contrast
    recovery equals the mean recovery scaled by (4·RC − 1)/3, and peak of the 37 mm sphere is 1."""
    phantom = iec_body_phantom((128, 128))
    rc = recovery_coefficients(phantom.activity, phantom)
    assert [r.diameter_mm for r in rc.values()] == [10, 13, 17, 22, 28, 37]
    for r in rc.values():
        assert r.contrast == pytest.approx((4 * r.mean - 1) / 3)
        assert 0.9 < r.mean <= 1.0
    assert rc["sphere_37mm"].max == pytest.approx(1.0) and rc["sphere_37mm"].peak == pytest.approx(1.0)
    assert rc["sphere_10mm"].peak < 0.8  # the 12.4 mm peak disc is larger than a 10 mm sphere


def test_nema_background_variability_is_zero_on_truth_and_tracks_noise():
    """Uniform background -> N_j = 0; white noise of SD s -> N_j ≈ 100·s/sqrt(ROI pixels), larger for small ROIs."""
    phantom = iec_body_phantom((128, 128))
    assert max(nema_background_variability(phantom.activity, phantom).values()) < 1e-9
    noisy = phantom.activity + np.random.default_rng(0).normal(0, 0.2, phantom.shape)
    variability = nema_background_variability(noisy, phantom)
    assert variability["sphere_10mm"] > variability["sphere_37mm"] > 0
    pixels_37 = np.pi * (37 / 2 / phantom.pixel_mm) ** 2
    assert variability["sphere_37mm"] == pytest.approx(100 * 0.2 / np.sqrt(pixels_37), rel=0.6)


def test_laguerre_gauss_channels_are_orthonormal():
    """LG functions are orthonormal in the plane (Gallas & Barrett 2003); on a fine grid to 1e-3."""
    u = laguerre_gauss((129, 129), width_px=20, n_channels=5).reshape(5, -1)
    np.testing.assert_allclose(u @ u.T, np.eye(5), atol=1e-3)


def test_cho_matches_the_ideal_observer_for_a_channel_shaped_signal():
    """White noise, signal = 2.5·u0: the Hotelling d' is ||s|| = 2.5; AUC = Phi(2.5/sqrt 2) = 0.961.

    Tolerance: 3 standard errors, var(d') ≈ 1/n1 + 1/n2 + d'²/(2(n1 + n2)) for two
    equal-variance normal classes (large-sample delta method).
    """
    n, d = 1000, 2.5
    rng = np.random.default_rng(0)
    channels = laguerre_gauss((24, 24), 6, 4)
    absent = rng.normal(size=(n, 24, 24))
    present = rng.normal(size=(n, 24, 24)) + d * channels[0]
    result = cho_detectability(present, absent, channels)
    standard_error = np.sqrt(2 / n + d**2 / (4 * n))
    assert result.d_prime == pytest.approx(d, abs=3 * standard_error)
    assert result.auc == pytest.approx(0.961, abs=0.02)


def test_cho_d_prime_grows_with_lesion_contrast():
    """Reconstructed liver lesions, 25 seeded realisations per class: d' rises with lesion-to-liver ratio."""
    geometry = {"shape": (64, 64), "pixel_mm": 6.0, "lesion_diameters_mm": [18.0], "positions": [(-55.0, 15.0)]}
    without = liver_phantom(lesion_to_liver=1.0, **geometry)
    system = PETSystem(without.shape, without.pixel_mm, n_angles=60, fwhm_mm=10.0, attenuation=without.mu)
    row, col = np.argwhere(without.masks["lesion_1"]).mean(axis=0).round().astype(int)

    def crops(phantom, first_seed):
        images = [simulate_scan(phantom, system, 3e5, 3, 6, seed=first_seed + k) for k in range(25)]
        return np.array([image[row - 8 : row + 8, col - 8 : col + 8] for image in images])

    absent = crops(without, 1000)
    channels = laguerre_gauss((16, 16), width_px=4.5, n_channels=5)
    d_primes = [cho_detectability(crops(liver_phantom(lesion_to_liver=c, **geometry), 0), absent, channels).d_prime
                for c in (1.2, 1.4, 1.8)]
    assert np.all(np.diff(d_primes) > 0.5), d_primes


def test_metric_arguments_are_validated():
    phantom = iec_body_phantom((64, 64), pixel_mm=5.0)
    with pytest.raises(ValueError, match="image"):
        recovery_coefficients(np.ones((3, 3)), phantom)
    with pytest.raises(ValueError, match="mask"):
        background_cov(np.ones((3, 3)), np.zeros((3, 3), bool))
    with pytest.raises(ValueError, match="present_images"):
        cho_detectability(np.ones((1, 8, 8)), np.ones((5, 8, 8)))
    with pytest.raises(ValueError, match="width_px"):
        laguerre_gauss((8, 8), 0)
    with pytest.raises(ValueError, match="n_rois"):
        nema_background_variability(phantom.activity, phantom, n_rois=0)
