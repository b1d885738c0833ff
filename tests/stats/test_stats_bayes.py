"""Beta-binomial posterior of a difference of proportions."""

import numpy as np
import pytest

from compendium.stats import beta_binomial_difference


def test_closed_form_probability():
    """Beta(2, 1) vs Beta(1, 2): P(X > Y) = integral of 2x (2x - x^2) dx = 5/6."""
    res = beta_binomial_difference(1, 1, 0, 1)
    assert res.prob_greater == pytest.approx(5 / 6, abs=1e-8)
    assert res.prob_greater_mc == pytest.approx(5 / 6, abs=0.005)
    assert res.mean == pytest.approx(2 / 3 - 1 / 3)
    assert res.draws.mean() == pytest.approx(1 / 3, abs=0.005)


def test_symmetry_and_prior():
    assert beta_binomial_difference(3, 10, 3, 10).prob_greater == pytest.approx(0.5, abs=1e-8)
    res = beta_binomial_difference(3, 10, 5, 12, prior=(0.5, 0.5))
    assert res.posterior1 == (3.5, 7.5) and res.posterior2 == (5.5, 7.5)


def test_deterministic_for_a_seed():
    first = beta_binomial_difference(56, 70, 48, 80, draws=5000, seed=7)
    again = beta_binomial_difference(56, 70, 48, 80, draws=5000, seed=7)
    other = beta_binomial_difference(56, 70, 48, 80, draws=5000, seed=8)
    assert np.array_equal(first.draws, again.draws)
    assert not np.array_equal(first.draws, other.draws)
    generator = beta_binomial_difference(56, 70, 48, 80, draws=5000, seed=np.random.default_rng(7))
    assert np.array_equal(first.draws, generator.draws)


def test_interval_close_to_newcombe():
    """With 70 and 80 subjects the uniform-prior credible interval is near the score interval 0.052-0.334."""
    low, high = beta_binomial_difference(56, 70, 48, 80, seed=1).interval()
    assert low == pytest.approx(0.052, abs=0.01) and high == pytest.approx(0.334, abs=0.01)
    assert low < high


@pytest.mark.parametrize(
    "kwargs, name",
    [({"prior": (0, 1)}, "prior"), ({"prior": "flat"}, "prior"), ({"draws": 0}, "draws"), ({"seed": 1.5}, "seed")],
)
def test_invalid(kwargs, name):
    with pytest.raises(ValueError, match=name):
        beta_binomial_difference(1, 5, 2, 5, **kwargs)
    with pytest.raises(ValueError, match="x2"):
        beta_binomial_difference(1, 5, 6, 5)


def test_prob_exceeds_by_quadrature():
    """Beta(2, 1) minus Beta(1, 2): P(d > 1/2) = integral_0^1/2 2(1 - s)(1 - (s + 1/2)^2) ds = 11/32."""
    res = beta_binomial_difference(1, 1, 0, 1)
    assert res.prob_exceeds(0.5) == pytest.approx(11 / 32, abs=1e-9)
    assert res.prob_exceeds(0.0) == pytest.approx(5 / 6, abs=1e-9)
    assert res.prob_exceeds(-0.999) == pytest.approx(1, abs=1e-6)
    with pytest.raises(ValueError, match="threshold"):
        res.prob_exceeds(1.5)
