"""MR signal models: spin echo, spoiled gradient echo, diffusion, Rician noise, ADC fitting.

Signal equations are the standard steady-state forms (Bernstein, King & Zhou 2004,
``bernstein2004handbook``): spin echo ``PD·(1 − e^{−TR/T1})·e^{−TE/T2}`` (TE ≪ TR), spoiled
gradient echo ``PD·sin α·(1 − E1)/(1 − cos α·E1)·e^{−TE/T2*}`` with E1 = e^{−TR/T1}. Diffusion
weighting is ``S0·e^{−b·ADC}`` (Stejskal & Tanner 1965, ``stejskal1965spin``). Magnitude
images of complex Gaussian noise are Rician (Gudbjartsson & Patz 1995,
``gudbjartsson1995rician``). Tissue values are in :mod:`compendium.phantoms.constants`.
Times in ms, b in s/mm², ADC in mm²/s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks


def _non_negative(name, value):
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return array


def _positive(name, value):
    array = _non_negative(name, value)
    if np.any(array == 0):
        raise ValueError(f"{name} must be positive")
    return array


def spin_echo_signal(pd, t1, t2, tr, te):
    """Spin-echo magnitude ``PD·(1 − exp(−TR/T1))·exp(−TE/T2)``.

    >>> round(float(spin_echo_signal(1.0, 586, 46, tr=500, te=15)), 4)  # liver at 1.5 T, T1-weighted
    0.4143
    """
    pd, t1, t2 = _non_negative("pd", pd), _positive("t1", t1), _positive("t2", t2)
    tr, te = _checks.positive("tr", tr), _checks.positive("te", te, allow_zero=True)
    if te >= tr:
        raise ValueError(f"te must be shorter than tr ({tr}), got {te}")
    return pd * (1 - np.exp(-tr / t1)) * np.exp(-te / t2)


def gradient_echo_signal(pd, t1, t2star, tr, te, flip_deg):
    """Spoiled gradient-echo magnitude; maximal at the Ernst angle ``arccos(exp(−TR/T1))``.

    >>> round(float(gradient_echo_signal(1.0, 800, 30, tr=10, te=2, flip_deg=9.0)), 4)  # near Ernst angle 9.04°
    0.074
    """
    pd, t1, t2star = _non_negative("pd", pd), _positive("t1", t1), _positive("t2star", t2star)
    tr, te = _checks.positive("tr", tr), _checks.positive("te", te, allow_zero=True)
    flip = _positive("flip_deg", flip_deg)
    if np.any(flip > 180):
        raise ValueError(f"flip_deg must be in (0, 180], got {flip_deg}")
    if te >= tr:
        raise ValueError(f"te must be shorter than tr ({tr}), got {te}")
    alpha, e1 = np.deg2rad(flip), np.exp(-tr / t1)
    return pd * np.sin(alpha) * (1 - e1) / (1 - np.cos(alpha) * e1) * np.exp(-te / t2star)


def diffusion_signal(s0, adc, b):
    """``S0·exp(−b·ADC)``; a sequence of b values gives a stack with b along axis 0.

    >>> diffusion_signal(100.0, 1e-3, [0, 500, 1000]).round(2).tolist()
    [100.0, 60.65, 36.79]
    """
    s0, adc = _non_negative("s0", s0), _non_negative("adc", adc)
    b = _non_negative("b", b)
    b = b.reshape(b.shape + (1,) * np.broadcast(s0, adc).ndim)
    return s0 * np.exp(-b * adc)


def add_rician_noise(image, sigma, seed):
    """Magnitude of ``image`` plus complex Gaussian noise of SD ``sigma`` per channel.

    >>> add_rician_noise([0.0, 10.0], sigma=1.0, seed=0).round(3).tolist()
    [0.653, 9.868]
    """
    image = _non_negative("image", image)
    sigma = _checks.positive("sigma", sigma, allow_zero=True)
    rng = np.random.default_rng(seed)
    real = image + rng.normal(0, sigma, image.shape)
    imaginary = rng.normal(0, sigma, image.shape)
    return np.hypot(real, imaginary)


@dataclass(frozen=True)
class ADCFit:
    """ADC (mm²/s) and S0 maps of a mono-exponential fit."""

    adc: np.ndarray
    s0: np.ndarray


def fit_adc(images, b_values) -> ADCFit:
    """Fit ``S = S0·exp(−b·ADC)`` per pixel by weighted log-linear least squares.

    Weights S² undo the log transform's noise amplification (a standard choice; Veraart et
    al. 2013, ``veraart2013weighted``). Rician bias at low SNR is not corrected, so ADC is
    underestimated where the highest-b signal approaches the noise floor.

    Parameters
    ----------
    images : array (n_b, ...)
        One image per b value, b along axis 0.
    b_values : sequence of float
        At least two distinct b values (s/mm²).

    Examples
    --------
    >>> import numpy as np
    >>> fit = fit_adc(diffusion_signal(np.full(3, 100.0), 1.2e-3, [0, 400, 800]), [0, 400, 800])
    >>> np.round(fit.adc * 1e3, 6).tolist(), np.round(fit.s0, 6).tolist()
    ([1.2, 1.2, 1.2], [100.0, 100.0, 100.0])
    """
    b = _non_negative("b_values", b_values).ravel()
    images = _non_negative("images", images)
    if len(np.unique(b)) < 2:
        raise ValueError("b_values must contain at least two distinct values")
    if images.shape[0] != len(b):
        raise ValueError(f"images must have one image per b value ({len(b)}) along axis 0, got {images.shape}")
    signal = np.maximum(images, np.finfo(float).tiny)
    weights = signal**2
    log_signal = np.log(signal)
    shape = (-1,) + (1,) * (images.ndim - 1)
    b = b.reshape(shape)
    # Own closed-form weighted line fit of log S on b for all pixels at once (per-pixel
    # scipy fits would be orders of magnitude slower on images).
    sw, swb, swbb = weights.sum(0), (weights * b).sum(0), (weights * b * b).sum(0)
    swy, swby = (weights * log_signal).sum(0), (weights * b * log_signal).sum(0)
    slope = (sw * swby - swb * swy) / (sw * swbb - swb**2)
    intercept = (swy - slope * swb) / sw
    return ADCFit(-slope, np.exp(intercept))
