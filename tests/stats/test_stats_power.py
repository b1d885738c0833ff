"""Sample size and power (R's power.prop.test; Connor 1987) and p-values from statistics."""

import numpy as np
import pytest
from scipy import stats

from compendium.stats import (
    mcnemar_power,
    mcnemar_sample_size,
    power_two_proportions,
    pvalue_from_statistic,
    sample_size_two_proportions,
)

Z975, Z90, Z80 = 1.959963984540054, 1.2815515655446004, 0.8416212335729143


def test_power_prop_test_examples():
    """R's documented examples: power.prop.test(n = 50, p1 = .5, p2 = .75) gives power
    0.7401659; power.prop.test(p1 = .5, p2 = .75, power = .9) gives n = 76.7 (R's
    root finder stops at 76.65294; the exact root of R's own power equation is 76.70693)."""
    assert round(power_two_proportions(0.5, 0.75, 50), 7) == 0.7401659
    n = sample_size_two_proportions(0.5, 0.75, power=0.9)
    assert round(n, 1) == 76.7
    assert power_two_proportions(0.5, 0.75, n) == pytest.approx(0.9, abs=1e-12)


def test_sample_size_by_hand():
    """(1.959964 sqrt(2 * 0.625 * 0.375) + 1.281552 sqrt(0.25 + 0.1875))^2 / 0.0625."""
    expected = (Z975 * np.sqrt(0.46875) + Z90 * np.sqrt(0.4375)) ** 2 / 0.0625
    assert sample_size_two_proportions(0.5, 0.75, power=0.9) == pytest.approx(expected, rel=1e-12)
    assert sample_size_two_proportions(0.75, 0.5, power=0.9) == pytest.approx(expected, rel=1e-12)


def test_connor_by_hand_and_inverse():
    """Connor (1987): psi = 0.3, delta = 0.1 -> n = (z sqrt(0.3) + z_b sqrt(0.29))^2 / 0.01."""
    expected = (Z975 * np.sqrt(0.3) + Z80 * np.sqrt(0.29)) ** 2 / 0.01
    n = mcnemar_sample_size(0.2, 0.1)
    assert n == pytest.approx(expected, rel=1e-12)
    assert round(n, 2) == 233.09
    assert mcnemar_power(0.2, 0.1, n) == pytest.approx(0.8, abs=1e-12)
    assert mcnemar_power(0.1, 0.2, n) == pytest.approx(0.8, abs=1e-12)


def test_vectorised_and_monotone():
    powers = power_two_proportions(0.5, 0.75, np.array([10, 50, 100, 400]))
    assert np.all(np.diff(powers) > 0) and powers[-1] < 1
    sizes = mcnemar_sample_size(0.2, np.array([0.05, 0.1, 0.15]))
    assert sizes.shape == (3,) and np.all(np.diff(sizes) > 0)
    assert mcnemar_power(0.2, 0.1, 100, alpha=0.01) < mcnemar_power(0.2, 0.1, 100)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: sample_size_two_proportions(0.5, 0.5), "p1 and p2"),
        (lambda: sample_size_two_proportions(0, 0.5), "p1"),
        (lambda: sample_size_two_proportions(0.5, 0.6, power=1.2), "power"),
        (lambda: power_two_proportions(0.5, 0.6, 0), "n"),
        (lambda: power_two_proportions(0.5, 0.6, 10, alpha=0), "alpha"),
        (lambda: mcnemar_sample_size(0.6, 0.5), "p10 \\+ p01"),
        (lambda: mcnemar_power(0.2, 0.1, -5), "n"),
        (lambda: mcnemar_sample_size(0.2, 1.5), "p01"),
    ],
)
def test_invalid(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_pvalue_from_statistic():
    assert pvalue_from_statistic(3.841458820694124) == pytest.approx(0.05, abs=1e-12)
    assert pvalue_from_statistic(26.25, df=6) == pytest.approx(stats.chi2.sf(26.25, 6))
    assert pvalue_from_statistic(-Z975, "z") == pytest.approx(0.05, abs=1e-12)
    assert pvalue_from_statistic(2.228138851986274, "t", df=10) == pytest.approx(0.05, abs=1e-10)
    assert pvalue_from_statistic([0.0, 4.5]) == pytest.approx([1.0, stats.chi2.sf(4.5, 1)])
    for kwargs, name in [({"dist": "f"}, "dist"), ({"df": 0}, "df")]:
        with pytest.raises(ValueError, match=name):
            pvalue_from_statistic(1.0, **kwargs)
    with pytest.raises(ValueError, match="statistic"):
        pvalue_from_statistic(-1.0)
