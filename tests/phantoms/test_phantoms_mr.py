"""MR signal models and ADC fitting."""

import numpy as np
import pytest

from compendium.phantoms import (
    add_rician_noise,
    constants,
    diffusion_signal,
    fit_adc,
    gradient_echo_signal,
    spin_echo_signal,
)


def test_spin_echo_by_hand_and_t2_contrast():
    """Liver at 1.5 T (T1 586, T2 46 ms; de Bazelaire 2004), TR 500, TE 15: (1 − e^−500/586)·e^−15/46 = 0.4143."""
    assert spin_echo_signal(1.0, 586, 46, 500, 15) == pytest.approx(0.41431, abs=1e-4)
    # Long TE favours the longer-T2 tissue (prostate 88 ms over liver 46 ms).
    assert spin_echo_signal(1.0, 1317, 88, 4000, 100) > spin_echo_signal(1.0, 586, 46, 4000, 100)


def test_gradient_echo_peaks_at_the_ernst_angle():
    """Spoiled GRE signal is maximal at arccos(exp(−TR/T1)) (Ernst angle)."""
    angles = np.linspace(1, 40, 391)
    signal = gradient_echo_signal(1.0, 800, 30, tr=10, te=2, flip_deg=angles)
    assert angles[np.argmax(signal)] == pytest.approx(np.rad2deg(np.arccos(np.exp(-10 / 800))), abs=0.1)


def test_adc_fit_recovers_the_true_adc():
    """Noise-free: exact; Rician noise at SNR 100 (b = 0): within 2 % for 1000 pixels."""
    adc = constants.ADC_MM2_PER_S["liver"].value
    b = [0, 50, 400, 800]
    exact = fit_adc(diffusion_signal(np.full((4, 4), 200.0), adc, b), b)
    np.testing.assert_allclose(exact.adc, adc, rtol=1e-10)
    np.testing.assert_allclose(exact.s0, 200.0, rtol=1e-10)
    noisy = add_rician_noise(diffusion_signal(np.full(1000, 100.0), adc, b), sigma=1.0, seed=4)
    assert fit_adc(noisy, b).adc.mean() == pytest.approx(adc, rel=0.02)


def test_rician_noise_floor_is_rayleigh():
    """Zero signal: magnitude of complex Gaussian noise has mean sigma·sqrt(pi/2) (Gudbjartsson & Patz 1995)."""
    noise = add_rician_noise(np.zeros(20000), sigma=2.0, seed=0)
    assert noise.mean() == pytest.approx(2.0 * np.sqrt(np.pi / 2), rel=0.02)
    np.testing.assert_array_equal(noise, add_rician_noise(np.zeros(20000), sigma=2.0, seed=0))


def test_diffusion_signal_stacks_b_values_on_axis_0():
    stack = diffusion_signal(np.ones((2, 3)), 1e-3, [0, 1000])
    assert stack.shape == (2, 2, 3)
    np.testing.assert_allclose(stack[1], np.exp(-1.0))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: spin_echo_signal(1, 0, 50, 500, 10), "t1"),
        (lambda: spin_echo_signal(1, 500, 50, 500, 600), "te"),
        (lambda: gradient_echo_signal(1, 500, 30, 10, 2, 200), "flip_deg"),
        (lambda: diffusion_signal(1, -1e-3, 100), "adc"),
        (lambda: add_rician_noise([1.0], -1, 0), "sigma"),
        (lambda: fit_adc(np.ones((2, 3)), [500, 500]), "b_values"),
        (lambda: fit_adc(np.ones((3, 3)), [0, 500]), "images"),
    ],
)
def test_invalid_parameters_raise_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
