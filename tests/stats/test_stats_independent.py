"""Independent proportions: difference intervals (Newcombe 1998, Stat Med 17:873-890,
Table II), Fisher's exact test (Agresti's tea-tasting example) and Boschloo's test."""

import numpy as np
import pytest
from scipy import optimize, stats

from compendium.stats import boschloo, fisher_exact, independent_difference_ci
from compendium.stats.independent import _restricted_mle

# Newcombe (1998) Table II: method 1 (Wald), 6 (Miettinen-Nurminen), 10 (hybrid score).
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), "wald", (0.0575, 0.3425)),
    ((56, 70, 48, 80), "newcombe", (0.0524, 0.3339)),
    ((56, 70, 48, 80), "miettinen-nurminen", (0.0528, 0.3382)),
    ((9, 10, 3, 10), "wald", (0.2605, 0.9395)),
    ((9, 10, 3, 10), "newcombe", (0.1705, 0.8090)),
    ((9, 10, 3, 10), "miettinen-nurminen", (0.1700, 0.8406)),
    ((6, 7, 2, 7), "newcombe", (0.0582, 0.8062)),
    ((5, 56, 0, 29), "newcombe", (-0.0381, 0.1926)),
    ((0, 10, 0, 20), "newcombe", (-0.1611, 0.2775)),
    ((10, 10, 0, 20), "newcombe", (0.6791, 1.0)),
]


@pytest.mark.parametrize("counts, method, expected", NEWCOMBE_TABLE_II)
def test_newcombe_table_two(counts, method, expected):
    low, high = independent_difference_ci(*counts, method=method)
    assert (round(low, 4), round(high, 4)) == expected


def test_agresti_caffo_by_hand():
    """Wald interval on (x + 1)/(n + 2) in each group: 57/72 - 49/82."""
    p1, p2 = 57 / 72, 49 / 82
    half = 1.959963984540054 * np.sqrt(p1 * (1 - p1) / 72 + p2 * (1 - p2) / 82)
    assert independent_difference_ci(56, 70, 48, 80, "agresti-caffo") == pytest.approx(
        (p1 - p2 - half, p1 - p2 + half), abs=1e-12
    )


def test_restricted_mle_maximises_the_likelihood():
    """The closed-form constrained MLE equals a direct numerical maximisation."""
    for delta in (-0.5, 0.0, 0.1, 0.3, 0.6):
        def negloglik(q):
            return -(stats.binom.logpmf(56, 70, q) + stats.binom.logpmf(48, 80, q - delta))

        bounds = (max(0, delta) + 1e-12, min(1, 1 + delta) - 1e-12)
        q1 = optimize.minimize_scalar(negloglik, bounds=bounds, method="bounded", options={"xatol": 1e-12}).x
        assert _restricted_mle(0.8, 0.6, 70, 80, delta) == pytest.approx((q1, q1 - delta), abs=1e-7)


@pytest.mark.parametrize("method", ["wald", "newcombe", "agresti-caffo", "miettinen-nurminen"])
def test_invariants(method):
    for counts in [(0, 10, 0, 20), (10, 10, 0, 20), (0, 10, 10, 10), (3, 8, 5, 9), (1, 1, 0, 1), (40, 50, 10, 60)]:
        low, high = independent_difference_ci(*counts, method=method)
        estimate = counts[0] / counts[1] - counts[2] / counts[3]
        assert -1 <= low <= high <= 1
        if method != "agresti-caffo":  # centred on the adjusted estimate
            assert low - 1e-9 <= estimate <= high + 1e-9


@pytest.mark.parametrize(
    "args, kwargs, name",
    [((5, 4, 1, 4), {}, "x1"), ((1, 4, 1, 0), {}, "n2"), ((1, 4, 1, 4), {"method": "score"}, "method"),
     ((1, 4, 1, 4), {"level": -0.1}, "level")],
)
def test_invalid(args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        independent_difference_ci(*args, **kwargs)


def test_fisher_tea_tasting():
    """Agresti (2013, section 3.5.2): 3 of 4 milk-first cups identified; one-sided P = 0.243,
    two-sided P = 0.486, sample odds ratio 9."""
    res = fisher_exact(3, 4, 1, 4)
    assert res.statistic == 9.0
    assert res.pvalue == pytest.approx(34 / 70)
    assert fisher_exact(3, 4, 1, 4, alternative="greater").pvalue == pytest.approx(17 / 70)
    with pytest.raises(ValueError, match="alternative"):
        fisher_exact(3, 4, 1, 4, alternative="bigger")


def test_boschloo_scipy_example():
    """scipy's ``boschloo_exact([[74, 31], [43, 32]], alternative="greater")``: P = 0.03556
    (samples are the columns: 74/117 vs 31/63)."""
    res = boschloo(74, 117, 31, 63, alternative="greater")
    assert round(res.pvalue, 4) == 0.0356
    assert res.statistic == pytest.approx((74 * 32) / (43 * 31))


def test_boschloo_never_exceeds_fisher():
    for counts in [(3, 4, 1, 4), (7, 10, 2, 10), (0, 5, 4, 6)]:
        assert boschloo(*counts).pvalue <= fisher_exact(*counts).pvalue + 1e-12
