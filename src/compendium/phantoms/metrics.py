"""Image-quality metrics: recovery coefficients, CNR, background CoV, NEMA background
variability, and a channelized Hotelling observer with Laguerre–Gauss channels.

Definitions follow NEMA NU 2-2018 section 7 (``nema2018nu2``) for contrast recovery and
background variability, Boellaard et al. 2015 (``boellaard2015fdg``) for SUVpeak (mean in a
1 mL sphere, here its 12.4 mm diameter disc), and Barrett et al. 1993 (``barrett1993model``)
and Gallas & Barrett 2003 (``gallas2003validating``) for the channelized Hotelling observer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage, special, stats

from . import _checks

_PEAK_DIAMETER_MM = 12.4  # diameter of a 1 mL sphere

# Own implementations: neither scipy nor scikit-image provides NEMA metrics or a CHO.


@dataclass(frozen=True)
class Recovery:
    """Recovery of one target: image value over true activity, and NEMA contrast recovery."""

    diameter_mm: float
    mean: float
    max: float
    peak: float
    contrast: float


def _disc(diameter_px: float) -> np.ndarray:
    radius = max(diameter_px / 2, 0.5)
    half = int(np.ceil(radius))
    y, x = np.mgrid[-half : half + 1, -half : half + 1]
    disc = (x**2 + y**2 <= radius**2).astype(float)
    return disc / disc.sum()


def recovery_coefficients(image, phantom, peak_diameter_mm=_PEAK_DIAMETER_MM) -> dict[str, Recovery]:
    """Mean, max and peak recovery coefficients and NEMA contrast recovery per target.

    ``mean``/``max``/``peak`` divide the target's image mean, maximum, or best ``peak_diameter_mm``
    disc mean (centred inside the target) by its true activity. ``contrast`` is NEMA's
    ``(C_H / C_B − 1) / (a_H / a_B − 1)`` with background C_B over ``phantom.masks["background"]``.

    Examples
    --------
    >>> from compendium.phantoms import iec_body_phantom
    >>> p = iec_body_phantom((128, 128))
    >>> rc = recovery_coefficients(p.activity, p)
    >>> r = rc["sphere_37mm"]
    >>> round(r.mean, 3), round(r.max, 3), round(r.peak, 3), round(r.contrast, 3)
    (0.973, 1.0, 1.0, 0.964)

    (the mean is below 1 even on the true image: edge pixels are only partly inside the sphere).
    """
    image = _checks.image("image", image, phantom.shape)
    _checks.positive("peak_diameter_mm", peak_diameter_mm)
    peak_image = ndimage.convolve(image, _disc(peak_diameter_mm / phantom.pixel_mm), mode="constant")
    background = phantom.masks["background"]
    true_background, measured_background = phantom.true_activity["background"], image[background].mean()
    result = {}
    for name, diameter in phantom.lesions.items():
        mask = phantom.masks[name]
        if not mask.any():
            raise ValueError(f"phantom: target {name} covers no pixel centre; use smaller pixels")
        true = phantom.true_activity[name]
        contrast = (image[mask].mean() / measured_background - 1) / (true / true_background - 1)
        values = (image[mask].mean(), image[mask].max(), peak_image[mask].max())
        result[name] = Recovery(diameter, *(float(v / true) for v in values), float(contrast))
    return result


def background_cov(image, mask) -> float:
    """Coefficient of variation (sample SD / mean) of the pixels in ``mask``.

    >>> background_cov([[1.0, 3.0], [1.0, 3.0]], [[True, True], [True, True]]).__round__(4)
    0.5774
    """
    values = _values("image", image, "mask", mask)
    return float(values.std(ddof=1) / values.mean())


def contrast_to_noise(image, target_mask, background_mask) -> float:
    """(mean target − mean background) / SD background.

    >>> contrast_to_noise([[5.0, 1.0], [2.0, 3.0]], [[True, False], [False, False]], [[False, True], [True, True]])
    3.0
    """
    target = _values("image", image, "target_mask", target_mask, minimum=1)
    background = _values("image", image, "background_mask", background_mask)
    return float((target.mean() - background.mean()) / background.std(ddof=1))


def _values(image_name, image, mask_name, mask, minimum=2):
    image = _checks.image(image_name, image)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != image.shape or mask.sum() < minimum:
        raise ValueError(f"{mask_name} must match {image_name}'s shape and select at least {minimum} pixels")
    return image[mask]


def nema_background_variability(image, phantom, n_rois=12) -> dict[str, float]:
    """NEMA background variability N_j (%) for each target size j.

    ``n_rois`` circular ROIs of each target's diameter are centred, concentrically for all
    sizes, at points of ``phantom.masks["background"]`` where the largest ROI fits, spread by
    farthest-point sampling; ``N_j = 100 · SD_k(C_B,j,k) / mean_k(C_B,j,k)``.

    Examples
    --------
    >>> import numpy as np
    >>> from compendium.phantoms import iec_body_phantom
    >>> p = iec_body_phantom((128, 128))
    >>> round(nema_background_variability(p.activity, p)["sphere_37mm"], 6)
    0.0
    """
    image = _checks.image("image", image, phantom.shape)
    n_rois = _checks.positive_count("n_rois", n_rois)
    largest = max(phantom.lesions.values()) / 2 / phantom.pixel_mm
    room = ndimage.distance_transform_edt(np.pad(phantom.masks["background"], 1))[1:-1, 1:-1]
    candidates = np.argwhere(room >= largest)
    if len(candidates) < n_rois:
        raise ValueError(f"n_rois: only {len(candidates)} positions fit the largest ROI in the background")
    chosen = [candidates[np.argmin(candidates[:, 0])]]  # start at the most anterior point
    distance = np.full(len(candidates), np.inf)
    for _ in range(n_rois - 1):
        distance = np.minimum(distance, np.hypot(*(candidates - chosen[-1]).T))
        chosen.append(candidates[np.argmax(distance)])
    result = {}
    for name, diameter in phantom.lesions.items():
        means = ndimage.convolve(image, _disc(diameter / phantom.pixel_mm), mode="constant")[tuple(np.array(chosen).T)]
        result[name] = float(100 * means.std(ddof=1) / means.mean())
    return result


def laguerre_gauss(shape, width_px, n_channels=6, centre=None) -> np.ndarray:
    """Laguerre–Gauss channels ``u_p(r) = √2/a · exp(−πr²/a²) · L_p(2πr²/a²)``, p = 0..n−1.

    Returns an array (n_channels, rows, cols); ``width_px`` is the Gaussian width a, which
    should be close to the lesion diameter (Gallas & Barrett 2003).

    >>> u = laguerre_gauss((65, 65), width_px=10, n_channels=3)
    >>> u.shape, round(float((u[0] * u[0]).sum()), 3), abs(round(float((u[0] * u[1]).sum()), 3))
    ((3, 65, 65), 1.0, 0.0)
    """
    rows, cols = _checks.shape2d("shape", shape, minimum=3)
    a = _checks.positive("width_px", width_px)
    n_channels = _checks.positive_count("n_channels", n_channels)
    cy, cx = ((rows - 1) / 2, (cols - 1) / 2) if centre is None else centre
    y, x = np.mgrid[:rows, :cols]
    r2 = (x - cx) ** 2 + (y - cy) ** 2
    gauss = np.sqrt(2) / a * np.exp(-np.pi * r2 / a**2)
    return np.stack([gauss * special.eval_laguerre(p, 2 * np.pi * r2 / a**2) for p in range(n_channels)])


@dataclass(frozen=True)
class CHOResult:
    """Channelized Hotelling observer: detectability index, AUC, and the template weights."""

    d_prime: float
    auc: float
    n_present: int
    n_absent: int
    weights: np.ndarray


def cho_detectability(present_images, absent_images, channels=None) -> CHOResult:
    """Channelized Hotelling observer detectability for lesion-present vs lesion-absent images.

    Channel outputs v = U·g; with Δ the difference of class means and S the average class
    covariance of v, ``d′ = √(Δᵀ S⁻¹ Δ)`` and ``AUC = Φ(d′/√2)`` (Barrett et al. 1993). With
    few images d′ is biased upwards; compare conditions at equal image counts.

    Parameters
    ----------
    present_images, absent_images : arrays (n, rows, cols)
        Noise realisations (e.g. crops centred on the lesion site).
    channels : array (n_channels, rows, cols), optional
        Default: six Laguerre–Gauss channels of width one eighth of the image side.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> signal = 3 * laguerre_gauss((32, 32), 8, 1)[0]  # ideal d' = 3 in unit white noise
    >>> absent = rng.normal(size=(200, 32, 32))
    >>> present = rng.normal(size=(200, 32, 32)) + signal
    >>> r = cho_detectability(present, absent, laguerre_gauss((32, 32), 8))
    >>> round(r.d_prime, 1), round(r.auc, 2)  # estimate of the true 3.0 from 2 x 200 images
    (3.1, 0.98)
    """
    present = np.asarray(present_images, dtype=float)
    absent = np.asarray(absent_images, dtype=float)
    for name, stack in (("present_images", present), ("absent_images", absent)):
        if stack.ndim != 3 or len(stack) < 2:
            raise ValueError(f"{name} must be a stack (n >= 2, rows, cols), got shape {stack.shape}")
    if present.shape[1:] != absent.shape[1:]:
        raise ValueError("absent_images must have the same image shape as present_images")
    if channels is None:
        channels = laguerre_gauss(present.shape[1:], min(present.shape[1:]) / 8)
    channels = np.asarray(channels, dtype=float)
    if channels.shape[1:] != present.shape[1:]:
        raise ValueError(f"channels must have shape (n_channels, {present.shape[1]}, {present.shape[2]})")
    u = channels.reshape(len(channels), -1)
    v_present, v_absent = present.reshape(len(present), -1) @ u.T, absent.reshape(len(absent), -1) @ u.T
    if min(len(v_present), len(v_absent)) <= len(u):
        raise ValueError(f"present_images and absent_images need more images than channels ({len(u)})")
    d_prime, weights = _hotelling(v_present, v_absent)
    return CHOResult(float(d_prime), float(stats.norm.cdf(d_prime / np.sqrt(2))), len(present), len(absent), weights)


def _hotelling(v_present, v_absent):
    """d′ and template of the Hotelling observer on channel outputs (..., n, channels), vectorised
    over leading axes so that a bootstrap can score all its resamples in one call."""
    delta = v_present.mean(axis=-2) - v_absent.mean(axis=-2)

    def covariance(v):
        centred = v - v.mean(axis=-2, keepdims=True)
        return centred.swapaxes(-1, -2) @ centred / (v.shape[-2] - 1)  # matmul: 4x einsum's speed here

    average = 0.5 * (covariance(v_present) + covariance(v_absent))
    # Pseudo-inverse: a bootstrap resample of few images can repeat one so often that the
    # channel covariance is singular; for a regular matrix this equals the solve.
    weights = (np.linalg.pinv(average) @ delta[..., None])[..., 0]
    return np.sqrt(np.maximum(np.einsum("...i,...i->...", delta, weights), 0.0)), weights


def hotelling_d_prime(v_present, v_absent):
    """d′ of the Hotelling observer on channel outputs (..., n, channels), vectorised over leading axes."""
    return _hotelling(np.asarray(v_present, dtype=float), np.asarray(v_absent, dtype=float))[0]


def hotelling_auc(v_present, v_absent):
    """AUC = Φ(d′/√2) of the Hotelling observer on channel outputs (..., n, channels).

    The statistic of :func:`cho_detectability` once the images are channelised, vectorised
    over leading (resample) axes.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> absent, present = rng.normal(size=(2, 500, 2)); present[:, 0] += 2.0  # true d′ = 2, estimated
    >>> round(float(hotelling_auc(present, absent)), 2), round(float(stats.norm.cdf(2 / np.sqrt(2))), 2)
    (0.93, 0.92)
    """
    return stats.norm.cdf(hotelling_d_prime(v_present, v_absent) / np.sqrt(2))
