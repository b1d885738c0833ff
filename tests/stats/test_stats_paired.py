"""McNemar family, paired-difference intervals, paired odds ratio and Bowker's test.

Reference values are those of Fagerland, Lydersen & Laake (2014, Stat Med 33:2850;
2017, Statistical Analysis of Contingency Tables, chapters 8-9) for the Cavo et al.
(2012) table a, b, c, d = 59, 6, 16, 80, the Bentur et al. (2009) table 1, 1, 7, 12,
the Ezra et al. (2010) discordant pairs b = 25, c = 2 and the Peterson et al. (2007)
4 x 4 table, as printed by the authors' ``contingencytables`` R package.
"""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from compendium.stats import bowker, mcnemar, paired_difference_ci, paired_odds_ratio_ci

CAVO = (59, 6, 16, 80)
BENTUR = (1, 1, 7, 12)


@pytest.mark.parametrize(
    "method, expected",
    [("asymptotic", 0.033006), ("corrected", 0.055009), ("exact", 0.052479), ("mid-p", 0.034690)],
)
def test_mcnemar_cavo(method, expected):
    assert round(mcnemar(6, 16, method).pvalue, 6) == expected


def test_mcnemar_bentur_by_hand():
    """b = 1, c = 7: chi2 = 36/8 = 4.5; corrected 25/8; exact 2 * 9/256; mid-p 2 * 9/256 - 8/256."""
    assert mcnemar(1, 7).statistic == 4.5
    assert mcnemar(1, 7).pvalue == pytest.approx(stats.chi2.sf(4.5, 1))
    assert mcnemar(1, 7, "corrected").statistic == 3.125
    assert mcnemar(1, 7, "exact").pvalue == pytest.approx(18 / 256)
    assert mcnemar(1, 7, "mid-p").pvalue == pytest.approx(10 / 256)
    assert mcnemar(1, 7, "exact").statistic == 1


def test_mcnemar_agrees_with_statsmodels_and_scipy():
    """Asymptotic, corrected (b != c) and exact match statsmodels; exact matches scipy's binomtest."""
    for b in range(0, 15):
        for c in range(0, 15):
            if b + c == 0:
                continue
            ours = mcnemar(b, c, "exact")
            theirs = sm_mcnemar([[0, b], [c, 0]], exact=True)
            assert ours.pvalue == pytest.approx(theirs.pvalue, abs=1e-12)
            assert ours.pvalue == pytest.approx(stats.binomtest(b, b + c).pvalue, abs=1e-12)
            assert mcnemar(b, c).pvalue == pytest.approx(
                sm_mcnemar([[0, b], [c, 0]], exact=False, correction=False).pvalue, abs=1e-12
            )
            if b != c:
                assert mcnemar(b, c, "corrected").statistic == pytest.approx(
                    sm_mcnemar([[0, b], [c, 0]], exact=False, correction=True).statistic
                )


def test_mcnemar_invariants_and_edges():
    for b in range(12):
        for c in range(12):
            exact, mid = mcnemar(b, c, "exact").pvalue, mcnemar(b, c, "mid-p").pvalue
            assert 0 < mid <= exact <= 1
            if b + c:
                assert mcnemar(b, c, "corrected").pvalue >= mcnemar(b, c).pvalue
    assert mcnemar(5, 5, "corrected").statistic == 0.0  # no correction at b = c (as in R)
    assert np.isnan(mcnemar(0, 0).statistic) and mcnemar(0, 0, "exact").pvalue == 1.0


def test_mcnemar_invalid():
    with pytest.raises(ValueError, match="b"):
        mcnemar(-1, 3)
    with pytest.raises(ValueError, match="method"):
        mcnemar(1, 3, "fisher")


@pytest.mark.parametrize(
    "method, expected",
    [
        ("wald", (-0.1184, -0.0058)),
        ("newcombe", (-0.1186, -0.0046)),
        ("tango", (-0.1240, -0.0054)),
        ("bonett-price", (-0.1195, -0.0032)),
    ],
)
def test_paired_difference_cavo(method, expected):
    low, high = paired_difference_ci(*CAVO, method=method)
    assert (round(low, 4), round(high, 4)) == expected


def test_paired_wald_bentur_by_hand():
    """(b - c)/n = -6/21; SE = sqrt(8 - 36/21) / 21."""
    se = np.sqrt(8 - 36 / 21) / 21
    expected = (-6 / 21 - 1.959963984540054 * se, -6 / 21 + 1.959963984540054 * se)
    assert paired_difference_ci(*BENTUR, method="wald") == pytest.approx(expected, abs=1e-12)


def test_tango_limits_solve_the_score_equation():
    """At each Tango limit the score statistic equals -/+ z, with the constrained MLE
    found here by direct numerical maximisation of the multinomial likelihood."""
    from scipy import optimize

    a, b, c, d = BENTUR
    n = sum(BENTUR)

    def score(delta):
        def negloglik(q):
            return -(b * np.log(q + delta) + c * np.log(q) + (a + d) * np.log(1 - 2 * q - delta))

        lo, hi = max(0, -delta) + 1e-12, (1 - delta) / 2 - 1e-12
        q = optimize.minimize_scalar(negloglik, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}).x
        return (b - c - n * delta) / np.sqrt(n * (2 * q + delta * (1 - delta)))

    low, high = paired_difference_ci(*BENTUR, method="tango")
    assert score(low) == pytest.approx(1.959963984540054, abs=1e-4)
    assert score(high) == pytest.approx(-1.959963984540054, abs=1e-4)


@pytest.mark.parametrize("method", ["wald", "newcombe", "tango", "bonett-price"])
def test_paired_difference_invariants(method):
    rng = np.random.default_rng(4)
    tables = [tuple(row) for row in rng.integers(0, 12, size=(40, 4))] + [(5, 0, 0, 5), (0, 7, 0, 0), (0, 0, 3, 0)]
    for table in tables:
        if sum(table) == 0:
            continue
        low, high = paired_difference_ci(*table, method=method)
        estimate = (table[1] - table[2]) / sum(table)
        assert -1 <= low <= high <= 1
        if method != "bonett-price":  # the adjusted interval is centred on a shrunken estimate
            assert low - 1e-9 <= estimate <= high + 1e-9


def test_paired_difference_invalid():
    with pytest.raises(ValueError, match="a \\+ b \\+ c \\+ d"):
        paired_difference_ci(0, 0, 0, 0)
    with pytest.raises(ValueError, match="c"):
        paired_difference_ci(1, 2, -3, 4)
    with pytest.raises(ValueError, match="method"):
        paired_difference_ci(1, 2, 3, 4, method="exact")
    with pytest.raises(ValueError, match="level"):
        paired_difference_ci(1, 2, 3, 4, level=1.5)


def test_paired_odds_ratio_ezra():
    """Transformed Clopper-Pearson 3.1169 to 108.8892 and mid-p 3.4681 to 78.2972."""
    exact = paired_odds_ratio_ci(25, 2)
    assert exact.value == 12.5
    assert (round(exact.low, 4), round(exact.high, 4)) == (3.1169, 108.8892)
    mid = paired_odds_ratio_ci(25, 2, method="mid-p")
    assert (round(mid.low, 4), round(mid.high, 4)) == (3.4681, 78.2972)


def test_paired_odds_ratio_edges():
    res = paired_odds_ratio_ci(4, 0)
    assert res.value == np.inf and res.high == np.inf and res.low > 0
    assert paired_odds_ratio_ci(0, 4).value == 0.0
    with pytest.raises(ValueError, match="b \\+ c"):
        paired_odds_ratio_ci(0, 0)


def test_bowker_peterson():
    """T0 = 18 + 6 + 2.25 = 26.25 on 6 df, P = 0.000200."""
    res = bowker([[596, 18, 6, 5], [0, 2, 0, 0], [0, 0, 42, 0], [11, 0, 0, 0]])
    assert res.statistic == pytest.approx(26.25)
    assert res.df == 6
    assert round(res.pvalue, 6) == 0.000200


def test_bowker_two_by_two_is_mcnemar():
    res = bowker([[59, 6], [16, 80]])
    assert res.df == 1
    assert res.statistic == pytest.approx(mcnemar(6, 16).statistic)
    assert res.pvalue == pytest.approx(mcnemar(6, 16).pvalue)


@pytest.mark.parametrize("table", [[[1, 2, 3], [4, 5, 6]], [[1, -2], [3, 4]], [[1.5, 2], [3, 4]], [[5]]])
def test_bowker_invalid(table):
    with pytest.raises(ValueError, match="table"):
        bowker(table)
