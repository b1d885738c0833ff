"""Single-proportion intervals against Newcombe (1998, Stat Med 17:857-872, Table I)."""

import numpy as np
import pytest

from compendium.stats import proportion_ci

# Newcombe (1998) Table I, 95% limits to 4 decimals: Wald (method 1), Wilson score
# (method 3), Clopper-Pearson (method 5) and mid-p (method 6).
NEWCOMBE_TABLE_I = {
    (81, 263): {"wald": (0.2522, 0.3638), "wilson": (0.2553, 0.3662),
                "clopper-pearson": (0.2527, 0.3676), "mid-p": (0.2544, 0.3658)},
    (15, 148): {"wald": (0.0527, 0.1500), "wilson": (0.0624, 0.1605),
                "clopper-pearson": (0.0578, 0.1617), "mid-p": (0.0601, 0.1581)},
    (0, 20): {"wilson": (0.0, 0.1611), "clopper-pearson": (0.0, 0.1684), "mid-p": (0.0, 0.1391)},
    (1, 29): {"wilson": (0.0061, 0.1718), "clopper-pearson": (0.0009, 0.1776), "mid-p": (0.0017, 0.1585)},
}


@pytest.mark.parametrize(
    "x, n, method, expected",
    [(x, n, m, lim) for (x, n), methods in NEWCOMBE_TABLE_I.items() for m, lim in methods.items()],
)
def test_newcombe_table_one(x, n, method, expected):
    """Newcombe (1998) Table I examples, to the 4 decimals printed there."""
    low, high = proportion_ci(x, n, method)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_by_hand():
    """Wilson limits (p + z^2/2n -/+ z sqrt(pq/n + z^2/4n^2)) / (1 + z^2/n) for 15/148."""
    z, p, n = 1.959963984540054, 15 / 148, 148
    centre, half = p + z**2 / (2 * n), z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    expected = ((centre - half) / (1 + z**2 / n), (centre + half) / (1 + z**2 / n))
    assert proportion_ci(15, 148) == pytest.approx(expected, abs=1e-12)


def test_jeffreys_and_agresti_coull_by_hand():
    """Jeffreys: Beta(x + 1/2, n - x + 1/2) quantiles; Agresti-Coull: Wald on (x + z^2/2) / (n + z^2)."""
    from scipy import stats

    assert proportion_ci(15, 148, "jeffreys") == pytest.approx(
        stats.beta.ppf([0.025, 0.975], 15.5, 133.5), abs=1e-10
    )
    z = stats.norm.isf(0.025)
    n_tilde = 148 + z**2
    p_tilde = (15 + z**2 / 2) / n_tilde
    half = z * np.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
    assert proportion_ci(15, 148, "agresti-coull") == pytest.approx((p_tilde - half, p_tilde + half), abs=1e-10)
    assert proportion_ci(0, 20, "jeffreys").low == 0.0
    assert proportion_ci(20, 20, "jeffreys").high == 1.0


def test_mid_p_limits_solve_the_tail_equations():
    """At the mid-p limits the half-weighted tail probabilities equal alpha/2 exactly."""
    from scipy import stats

    low, high = proportion_ci(7, 30, "mid-p", level=0.9)
    assert stats.binom.sf(7, 30, low) + 0.5 * stats.binom.pmf(7, 30, low) == pytest.approx(0.05, abs=1e-10)
    assert stats.binom.cdf(6, 30, high) + 0.5 * stats.binom.pmf(7, 30, high) == pytest.approx(0.05, abs=1e-10)


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "mid-p", "jeffreys", "agresti-coull", "wald"])
def test_invariants(method):
    """Limits lie in [0, 1], contain x/n, widen with the level; exact contains mid-p."""
    for n in (1, 2, 7, 40):
        for x in range(n + 1):
            low, high = proportion_ci(x, n, method)
            assert 0 <= low <= x / n <= high <= 1
            wide = proportion_ci(x, n, method, level=0.99)
            assert wide.low <= low + 1e-12 and wide.high >= high - 1e-12
            if method == "mid-p":
                exact = proportion_ci(x, n, "clopper-pearson")
                assert exact.low <= low + 1e-12 and high <= exact.high + 1e-12


@pytest.mark.parametrize(
    "args, kwargs, name",
    [
        ((-1, 10), {}, "x"),
        ((11, 10), {}, "x"),
        ((0, 0), {}, "n"),
        ((1.5, 10), {}, "x"),
        ((1, 10), {"level": 1.0}, "level"),
        ((1, 10), {"level": 0}, "level"),
        ((1, 10), {"method": "exact"}, "method"),
    ],
)
def test_invalid_input(args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        proportion_ci(*args, **kwargs)


def test_accepts_integral_floats_and_numpy_integers():
    assert proportion_ci(np.int64(81), 263.0) == proportion_ci(81, 263)
