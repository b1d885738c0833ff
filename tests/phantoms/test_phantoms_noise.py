"""Counting statistics: doubling the counts lowers background CoV by about sqrt(2)."""

import numpy as np
import pytest

from compendium.phantoms import PETSystem, background_cov, iec_body_phantom, scan_counts, simulate_scan

REALISATIONS = 10


def _covs(phantom, system, total_counts):
    return np.array(
        [
            background_cov(simulate_scan(phantom, system, total_counts, 3, 6, seed=k), phantom.masks["background"])
            for k in range(REALISATIONS)
        ]
    )


def test_doubling_counts_lowers_background_cov_by_root_two():
    """Poisson noise in the image scales as 1/sqrt(N) at fixed iterations (high-count regime).

    Tolerance: three standard errors of the ratio of mean CoVs, from the spread of the
    REALISATIONS seeded realisations at each count level (delta method).
    """
    phantom = iec_body_phantom((64, 64), pixel_mm=5.0, sphere_to_background=1.0, lung_insert=False)
    system = PETSystem(phantom.shape, phantom.pixel_mm, n_angles=60, fwhm_mm=8.0, attenuation=phantom.mu)
    low, high = _covs(phantom, system, 2e6), _covs(phantom, system, 4e6)
    ratio = low.mean() / high.mean()
    relative_se = np.sqrt(low.var(ddof=1) / low.mean() ** 2 + high.var(ddof=1) / high.mean() ** 2) / np.sqrt(
        REALISATIONS
    )
    assert ratio == pytest.approx(np.sqrt(2), abs=3 * ratio * relative_se)


def test_same_seed_same_image_and_minutes_per_bed_changes_noise():
    """Determinism, and the counts model feeds the noise: 4 vs 1 min per bed halves the CoV (about)."""
    phantom = iec_body_phantom((64, 64), pixel_mm=5.0, sphere_to_background=1.0, lung_insert=False)
    system = PETSystem(phantom.shape, phantom.pixel_mm, n_angles=60, fwhm_mm=8.0)
    counts = [scan_counts(3.7, 75, 60, minutes, slice_fraction=0.5) for minutes in (1, 4)]
    first = simulate_scan(phantom, system, counts[0], 3, 6, seed=5)
    np.testing.assert_array_equal(first, simulate_scan(phantom, system, counts[0], 3, 6, seed=5))
    short, long = (_covs(phantom, system, c).mean() for c in counts)
    assert short / long == pytest.approx(np.sqrt(counts[1] / counts[0]), rel=0.15)


def test_simulate_scan_validates_its_arguments():
    phantom = iec_body_phantom((64, 64), pixel_mm=5.0)
    system = PETSystem(phantom.shape, phantom.pixel_mm, n_angles=30, fwhm_mm=0.0)
    with pytest.raises(ValueError, match="total_counts"):
        simulate_scan(phantom, system, 0)
    with pytest.raises(ValueError, match="background_fraction"):
        simulate_scan(phantom, system, 1e5, background_fraction=1.0)
