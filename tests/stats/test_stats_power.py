"""Sample size and power (R's power.prop.test; Connor 1987) and p-values from statistics."""

import numpy as np
import pytest
from scipy import stats

from compendium.stats import (
    detectable_difference_two_proportions,
    mcnemar_detectable_difference,
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


def test_connor_with_one_empty_discordant_cell():
    """Connor's formula is defined with one zero cell: psi = delta = 0.05, psi - delta^2 = 0.0475."""
    expected = (Z975 * np.sqrt(0.05) + Z80 * np.sqrt(0.0475)) ** 2 / 0.0025
    assert round(expected, 1) == 154.6
    assert mcnemar_sample_size(0.05, 0.0) == pytest.approx(expected, rel=1e-12)
    assert mcnemar_sample_size(0.0, 0.05) == pytest.approx(expected, rel=1e-12)
    assert mcnemar_power(0.0, 0.05, expected) == pytest.approx(0.8, abs=1e-12)
    # Huang et al., patient sensitivity vs MR: b = 0, c = 2 of 45 pairs -> power 0.288 by hand.
    p = 2 / 45
    by_hand = stats.norm.cdf((np.sqrt(45) * p - Z975 * np.sqrt(p)) / np.sqrt(p * (1 - p)))
    assert mcnemar_power(0.0, p, 45) == pytest.approx(by_hand, rel=1e-12)
    assert round(by_hand, 3) == 0.288


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
        (lambda: mcnemar_sample_size(0.0, 0.0), "p10 and p01 must differ"),
        (lambda: mcnemar_power(0.0, 0.0, 50), "p10 and p01 must differ"),
        (lambda: mcnemar_sample_size(-0.1, 0.2), "p10"),
        (lambda: mcnemar_sample_size(1.0, 0.0), "p10 \\+ p01"),
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


def test_detectable_difference_inverts_the_sample_size():
    """The design analysis: the smallest difference n pairs detect is the one that needs n pairs."""
    for n, p01 in ((179, 0.0), (50, 0.08), (45, 0.0)):
        delta = mcnemar_detectable_difference(n, p01)
        assert mcnemar_sample_size(p01 + delta, p01) == pytest.approx(n, rel=1e-9)
        assert mcnemar_power(p01 + delta, p01, n) == pytest.approx(0.8, abs=1e-9)
    # One-directional discordance: sqrt(n delta) = z_a + z_b sqrt(1 - delta), checked by hand.
    delta = mcnemar_detectable_difference(179)
    assert np.sqrt(179 * delta) == pytest.approx(Z975 + Z80 * np.sqrt(1 - delta), rel=1e-9)
    delta = detectable_difference_two_proportions(0.5, 50, power=0.9)
    assert sample_size_two_proportions(0.5, 0.5 + delta, power=0.9) == pytest.approx(50, rel=1e-9)
    with pytest.raises(ValueError, match="no difference"):
        mcnemar_detectable_difference(3)
    with pytest.raises(ValueError, match="p01"):
        mcnemar_detectable_difference(50, 0.6)
