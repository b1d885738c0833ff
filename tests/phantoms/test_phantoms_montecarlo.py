"""The Monte Carlo engine: seeds independent of the executor, batched reconstruction, intervals."""

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import pytest
from scipy import stats

from compendium.phantoms import (
    PETSystem,
    child_seeds,
    iec_body_phantom,
    mc_interval,
    mlem,
    realisations,
    realisations_per_condition,
    simulate_scan,
    simulate_scans,
)


def _draw(seed, size=3):
    return np.random.default_rng(seed).normal(size=size)


def _draw_batch(seeds, size=3):
    return [_draw(seed, size) for seed in seeds]


def test_child_seeds_are_the_spawned_sequences():
    spawned = np.random.SeedSequence(11).spawn(4)
    assert [s.generate_state(2).tolist() for s in child_seeds(11, 4)] == [s.generate_state(2).tolist() for s in spawned]


def test_results_do_not_depend_on_the_executor_or_the_batches():
    reference = realisations(_draw, 10, seed=5)
    assert len(reference) == 10
    assert reference[3].tolist() == _draw(np.random.SeedSequence(5).spawn(10)[3]).tolist()  # seed order
    with ThreadPoolExecutor(3) as pool:
        threaded = realisations(partial(_draw, size=3), 10, seed=5, mapper=pool.map)
    batched = realisations(_draw_batch, 10, seed=5, batch_size=4)
    per_seed_in_batches = realisations(_draw, 10, seed=5, batch_size=3, task_is_batched=False)
    for other in (threaded, batched, per_seed_in_batches):
        assert all(np.array_equal(a, b) for a, b in zip(reference, other, strict=True))
    assert not np.array_equal(reference[0], realisations(_draw, 10, seed=6)[0])


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=0, seed=1), "n must"), (dict(n=3, seed=-1), "seed"), (dict(n=3, seed=1, batch_size=0), "batch_size"),
])
def test_realisations_reject_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        realisations(_draw, **kwargs)


def test_batched_task_must_return_one_result_per_seed():
    with pytest.raises(ValueError, match="one result per seed"):
        realisations(lambda seeds: [0.0], 4, seed=1, batch_size=2)


def _scaled_batch(seeds, scale):
    return [scale * _draw(seed) for seed in seeds]


def test_conditions_share_their_seeds_and_equal_separate_runs_on_any_executor():
    tasks = [partial(_scaled_batch, scale=1.0), partial(_scaled_batch, scale=-2.0)]
    jobs = []
    with ThreadPoolExecutor(3) as pool:
        for batch_size in (None, 1, 3, 10):
            jobs.append(realisations_per_condition(tasks, 7, seed=9, mapper=pool.map, batch_size=batch_size))
    for first, second in jobs:
        separate = realisations(tasks[0], 7, seed=9, batch_size=7)
        assert all(np.array_equal(a, b) for a, b in zip(separate, first, strict=True))
        # common random numbers: the second condition is the first's draws, scaled
        assert all(np.array_equal(-2.0 * a, b) for a, b in zip(first, second, strict=True))


def test_conditions_reject_bad_batches():
    with pytest.raises(ValueError, match="batch_size"):
        realisations_per_condition([_draw_batch], 4, seed=1, batch_size=0)
    with pytest.raises(ValueError, match="one result per seed"):
        realisations_per_condition([_draw_batch, lambda seeds: [0.0]], 4, seed=1, batch_size=2)


def test_mc_interval_of_a_mean_matches_the_analytic_standard_error():
    x = np.random.default_rng(0).normal(5.0, 2.0, size=2000)
    result = mc_interval(x, seed=1)
    analytic = x.std(ddof=1) / np.sqrt(len(x))
    assert result.estimate == pytest.approx(x.mean())
    assert result.standard_error == pytest.approx(analytic, rel=0.1)
    half = stats.norm.isf(0.025) * analytic
    assert result.low == pytest.approx(x.mean() - half, abs=0.3 * half)
    assert result.high == pytest.approx(x.mean() + half, abs=0.3 * half)
    assert result.digits() == 2  # SE about 0.045: the second decimal is the last one supported


def test_mc_interval_resamples_several_samples_together():
    """A statistic of two stacks (difference of means) resampled by realisation index."""
    rng = np.random.default_rng(2)
    a = rng.normal(1.0, 1.0, size=(300, 2, 2))
    b = a + rng.normal(0.0, 0.1, size=(300, 2, 2))  # strongly paired with a
    paired = mc_interval(a, b, statistic=lambda u, v: (v - u).mean(), seed=3)
    # Pairing removes the common noise: the SE is that of the small differences, about 0.1/sqrt(1200).
    assert paired.standard_error == pytest.approx(0.1 / np.sqrt(1200), rel=0.25)
    with pytest.raises(ValueError, match="same number"):
        mc_interval(a, b[:10])


def test_batched_reconstruction_equals_one_at_a_time():
    phantom = iec_body_phantom((64, 64), pixel_mm=6.0)
    system = PETSystem((64, 64), 6.0, n_angles=48, fwhm_mm=8.0, attenuation=phantom.mu, circle=True)
    seeds = child_seeds(3, 3)
    stack = simulate_scans(phantom, system, 2e5, seeds, n_iter=2, n_subsets=4, background_fraction=0.2)
    for k, seed in enumerate(seeds):
        single = simulate_scan(phantom, system, 2e5, 2, 4, seed=seed, background_fraction=0.2)
        assert np.array_equal(stack[k], single)
    with pytest.raises(ValueError, match="sinogram must be a finite array"):
        mlem(system, np.ones((2, 3, 4)), 1)
    with pytest.raises(ValueError, match="seeds"):
        simulate_scans(phantom, system, 2e5, [], n_iter=1)


def test_positron_range_kernel_is_the_levin_hoffman_fit_scaled_by_mean_range():
    from scipy import integrate

    from compendium.phantoms.positron import kernel_fwhm_mm, range_kernel, range_profile

    # F-18 fit: C exp(-37.9 x) + (1 - C) exp(-3.10 x) halves at x = 0.048 mm (by hand), FWHM 0.096 mm,
    # close to Levin & Hoffman's tabulated 0.102 mm.
    assert kernel_fwhm_mm("F-18") == pytest.approx(0.096, abs=0.003)
    # Ga-68 is the same shape stretched by 2.9 / 0.6: every width scales by that ratio.
    assert kernel_fwhm_mm("Ga-68", fraction=0.1) == pytest.approx(kernel_fwhm_mm("F-18", fraction=0.1) * 2.9 / 0.6,
                                                                  rel=0.01)
    assert integrate.quad(range_profile, -60, 60, args=("Ga-68",), points=[0], limit=200)[0] == pytest.approx(1.0)
    kernel = range_kernel("Ga-68", 3.125)
    assert kernel.sum() == pytest.approx(1.0) and np.allclose(kernel, kernel[::-1])
    # Central bin: the mass within 1.5625 mm, by the closed-form cumulative of both exponentials.
    c, k1, k2 = 0.516, 37.9 * 0.6 / 2.9, 3.10 * 0.6 / 2.9
    inside = (c / k1 * (1 - np.exp(-k1 * 1.5625)) + (1 - c) / k2 * (1 - np.exp(-k2 * 1.5625))) / (c / k1 + (1 - c) / k2)
    assert kernel[len(kernel) // 2] == pytest.approx(inside, rel=1e-3)


def test_pet_system_with_a_range_kernel_stays_adjoint():
    from compendium.phantoms.positron import range_kernel

    system = PETSystem((32, 32), 3.125, n_angles=30, fwhm_mm=5.0, kernel=range_kernel("Ga-68", 3.125))
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 32)), rng.random(system.sinogram_shape)
    assert np.sum(system.forward(x) * y) == pytest.approx(np.sum(x * system.back(y)), rel=1e-5)
    with pytest.raises(ValueError, match="kernel"):
        PETSystem((32, 32), 3.125, n_angles=30, kernel=[0.2, 0.8])


def test_mc_interval_of_a_degenerate_statistic_is_the_value_itself():
    """Every resample of a perfectly separated observer gives AUC 1: BCa is undefined, the interval is [1, 1]."""
    from compendium.phantoms.metrics import hotelling_auc

    rng = np.random.default_rng(4)
    absent = rng.normal(size=(30, 2))
    present = absent + np.array([60.0, 0.0])
    result = mc_interval(present, absent, statistic=hotelling_auc, vectorized=True)
    assert result.estimate == result.low == result.high == pytest.approx(1.0)
