"""Gaussian blur given as a FWHM in millimetres: the one conversion every model needs.

Resolution in imaging is quoted as a full width at half maximum; ``scipy.ndimage`` wants
a standard deviation in pixels. FWHM = 2 sqrt(2 ln 2) sigma.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))


def sigma_pixels(fwhm_mm: float, pixel_mm: float) -> float:
    """Standard deviation in pixels of a Gaussian of ``fwhm_mm``.

    >>> round(sigma_pixels(4.0, 2.0), 4)
    0.8493
    """
    if fwhm_mm < 0:
        raise ValueError(f"fwhm_mm must be non-negative, got {fwhm_mm}")
    if pixel_mm <= 0:
        raise ValueError(f"pixel_mm must be positive, got {pixel_mm}")
    return float(fwhm_mm / FWHM_PER_SIGMA / pixel_mm)


def gaussian_blur(image, fwhm_mm: float, pixel_mm: float, mode: str = "reflect") -> np.ndarray:
    """``image`` blurred by a Gaussian of ``fwhm_mm`` (0: returned unchanged, as floats).

    >>> img = np.zeros((9, 9)); img[4, 4] = 1.0
    >>> round(float(gaussian_blur(img, 5.0, 2.5).sum()), 6), float(gaussian_blur(img, 0.0, 2.5).max())
    (1.0, 1.0)
    """
    sigma = sigma_pixels(fwhm_mm, pixel_mm)
    image = np.asarray(image, dtype=float)
    return ndimage.gaussian_filter(image, sigma, mode=mode) if sigma > 0 else image
