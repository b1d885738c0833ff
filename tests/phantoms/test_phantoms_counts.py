"""Counts model: decay and the acquisition integral, checked by hand."""

import numpy as np
import pytest

from compendium.phantoms import decay_factor, expected_counts, scan_counts


def test_decay_factor_halves_at_the_half_life():
    """F-18 T1/2 = 109.77 min, Ga-68 67.71 min (NuDat): one half-life leaves 1/2, two leave 1/4."""
    assert decay_factor("F-18", 109.77) == pytest.approx(0.5)
    assert decay_factor("Ga-68", 2 * 67.71) == pytest.approx(0.25)
    assert decay_factor("F-18", 0) == 1.0


def test_scan_counts_by_hand():
    """1 MBq/kg x 100 kg, no uptake delay, all in FOV, 1 cps/MBq: ∫ over 1 min ≈ 100·60·(1 − ln2/(2·109.77))."""
    counts = scan_counts(1.0, 100.0, 0.0, 1.0, sensitivity_cps_per_mbq=1.0, fov_fraction=1.0)
    exact = 100.0 * 109.77 / np.log(2) * (1 - 2 ** (-1 / 109.77)) * 60
    assert counts == pytest.approx(exact, rel=1e-12)
    assert counts == pytest.approx(6000 * (1 - np.log(2) / (2 * 109.77)), rel=1e-5)


def test_counts_scale_with_activity_and_slice_and_decay_with_uptake():
    base = scan_counts(3.7, 75, 60, 2)
    assert scan_counts(7.4, 75, 60, 2) == pytest.approx(2 * base)
    assert scan_counts(3.7, 75, 60, 2, slice_fraction=0.1) == pytest.approx(0.1 * base)
    assert scan_counts(3.7, 75, 60 + 109.77, 2) == pytest.approx(base / 2)
    assert expected_counts is scan_counts


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"activity_mbq_per_kg": -1}, "activity_mbq_per_kg"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"minutes_per_bed": 0}, "minutes_per_bed"),
        ({"nuclide": "Tc-99m"}, "nuclide"),
        ({"fov_fraction": 1.5}, "fov_fraction"),
        ({"sensitivity_cps_per_mbq": float("nan")}, "sensitivity_cps_per_mbq"),
    ],
)
def test_invalid_parameters_raise_naming_the_argument(kwargs, name):
    arguments = {"activity_mbq_per_kg": 3.7, "weight_kg": 75, "uptake_min": 60, "minutes_per_bed": 2} | kwargs
    with pytest.raises(ValueError, match=name):
        scan_counts(**arguments)
