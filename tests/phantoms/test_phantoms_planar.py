"""Planar scintigraphy and Beer–Lambert radiography of the vertebra phantom."""

import numpy as np
import pytest

from compendium.phantoms import lesion_contrast, planar_scintigraphy, radiograph, vertebra_phantom


def _fwhm_mm(profile, pixel_mm):
    # FWHM of a Gaussian from its second moment (exact for the sampled Gaussian).
    x = np.arange(profile.size) * pixel_mm
    mean = (x * profile).sum() / profile.sum()
    return np.sqrt(((x - mean) ** 2 * profile).sum() / profile.sum()) * 2 * np.sqrt(2 * np.log(2))


def test_collimator_blur_grows_linearly_with_depth():
    """Point sources at 20 and 150 mm in air: FWHM = 3.5 + 0.04·z (the default LEHR model)."""
    activity = np.zeros((200, 301))
    activity[19, 150] = 1.0  # centre of plane 19 is 19.5 mm from the collimator
    shallow = planar_scintigraphy(activity, np.zeros_like(activity), pixel_mm=1.0)
    activity[:] = 0
    activity[149, 150] = 1.0
    deep = planar_scintigraphy(activity, np.zeros_like(activity), pixel_mm=1.0)
    assert _fwhm_mm(shallow, 1.0) == pytest.approx(3.5 + 0.04 * 19.5, rel=0.01)
    assert _fwhm_mm(deep, 1.0) == pytest.approx(3.5 + 0.04 * 149.5, rel=0.01)


def test_planar_counts_are_attenuated_by_the_overlying_tissue():
    """Uniform mu = 0.015/mm, source at 99.5 mm depth: counts fall to exp(−0.015 × 99.5)."""
    activity = np.zeros((120, 41))
    activity[99, 20] = 1.0
    counts = planar_scintigraphy(activity, np.full(activity.shape, 0.015), pixel_mm=1.0).sum()
    assert counts == pytest.approx(np.exp(-0.015 * 99.5), rel=1e-6)


def test_radiograph_follows_beer_lambert():
    """20 mm of mu = 0.05/mm then nothing: transmitted fraction e^−1; photon counts are Poisson and seeded."""
    mu = np.zeros((40, 3))
    mu[:20] = 0.05
    np.testing.assert_allclose(radiograph(mu, pixel_mm=1.0), np.exp(-1.0))
    counts = radiograph(mu, 1.0, photons_per_mm2=1e6, seed=2)
    np.testing.assert_allclose(counts, 1e6 * np.exp(-1.0), rtol=0.01)
    np.testing.assert_array_equal(counts, radiograph(mu, 1.0, photons_per_mm2=1e6, seed=2))


def _contrast(lesion, mineral_change, diameter=10.0, photons=1e4):
    phantom = vertebra_phantom(lesion=lesion, lesion_diameter_mm=diameter, mineral_change=mineral_change)
    image = radiograph(phantom.maps["mu_60kev"], phantom.pixel_mm)
    reference = radiograph(phantom.maps["mu_60kev_normal"], phantom.pixel_mm)
    columns = phantom.masks["lesion"].any(axis=0)
    return lesion_contrast(image, reference, columns, photons, np.pi * diameter**2 / 4)


def test_lesion_contrast_sign_and_growth_with_mineral_change_and_size():
    """Lytic lesions transmit more (C > 0), sclerotic less (C < 0); |C| grows with mineral change and size."""
    lytic = [_contrast("lytic", change).contrast for change in (-0.25, -0.5, -0.75)]
    assert lytic[0] > 0 and np.all(np.diff(lytic) > 0)
    assert _contrast("sclerotic", 1.0).contrast < 0
    assert _contrast("lytic", -0.5, diameter=20).contrast > _contrast("lytic", -0.5, diameter=10).contrast


def test_rose_snr_scales_with_root_fluence():
    """Rose SNR = |C|·sqrt(Phi·A): four times the photons doubles it."""
    low, high = _contrast("lytic", -0.3, photons=1e3), _contrast("lytic", -0.3, photons=4e3)
    assert high.snr == pytest.approx(2 * low.snr)
    assert high.detectable == (high.snr >= 5)


def test_invalid_arguments_raise_naming_them():
    with pytest.raises(ValueError, match="mu"):
        planar_scintigraphy(np.ones((4, 4)), np.ones((3, 3)), 1.0)
    with pytest.raises(ValueError, match="fwhm_slope_per_mm"):
        planar_scintigraphy(np.ones((4, 4)), np.ones((4, 4)), 1.0, fwhm_slope_per_mm=-1)
    with pytest.raises(ValueError, match="pixel_mm"):
        radiograph(np.ones((4, 4)), 0)
    with pytest.raises(ValueError, match="mask"):
        lesion_contrast(np.ones(3), np.ones(3), np.zeros(3, bool), 1e4, 10)
