"""Small pelvic nodes imaged with Ga-68 and with F-18 (document ``ucla-psma-pet``).

Three conditions share the page's protocol (one hour uptake, a 30-minute whole-body scan):
F-18; Ga-68 with its counts only (shorter half-life, fewer positrons per decay); and Ga-68
with its counts and its positron range. The positron range enters as an extra Gaussian blur
combined in quadrature with the scanner's resolution. Its width is an assumption of this
module: a 3D isotropic Gaussian displacement with per-axis sigma has mean distance
2·sigma·sqrt(2/pi), so sigma is set to make that mean equal the published mean range in
water (Conti & Eriksson 2016). The true range distribution is cusp-shaped with long tails,
so this is a rough, somewhat pessimistic summary for Ga-68.

Each condition is reconstructed from the pelvis phantom of :mod:`compendium.phantoms` with
nodes (present) and without (absent), and scored by recovery and by the channelized
Hotelling observer's d′ on crops centred on each node site.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compendium.phantoms import (
    PETSystem,
    cho_detectability,
    laguerre_gauss,
    pelvis_phantom,
    recovery_coefficients,
    scan_counts,
    simulate_scan,
)
from compendium.phantoms.blur import FWHM_PER_SIGMA
from compendium.phantoms.constants import POSITRON_RANGE_MEAN_MM, Constant

# Positrons per decay (ENSDF via NuDat): the counts model of compendium.phantoms counts
# decays, so each nuclide's counts are scaled by its positron yield.
POSITRON_YIELD = {
    "F-18": Constant(0.9686, "1", "nndc2024nudat", "beta+ intensity 96.86%"),
    "Ga-68": Constant(0.8891, "1", "nndc2024nudat", "beta+ intensity 88.91%"),
}
CONDITIONS = {  # label: (nuclide, include positron range)
    "F-18": ("F-18", True),
    "Ga-68, counts only": ("Ga-68", False),
    "Ga-68": ("Ga-68", True),
}
COLOURS = {"F-18": "#2471a3", "Ga-68, counts only": "#e59866", "Ga-68": "#c0392b"}
IMAGE_SHAPE = (128, 128)  # 3.125 mm pixels over the phantom's 400 mm field of view
N_ANGLES = 96
NOISE_FREE_COUNTS = 1e11
CROP = 17  # pixels around each node site for the observer (53 mm)
_MEAN_DISTANCE_PER_SIGMA = 2.0 * np.sqrt(2.0 / np.pi)


def positron_range_fwhm(nuclide: str) -> float:
    """FWHM (mm) of the Gaussian whose 3D mean displacement equals the nuclide's mean range.

    >>> round(positron_range_fwhm("F-18"), 2), round(positron_range_fwhm("Ga-68"), 2)
    (0.89, 4.28)
    """
    if nuclide not in POSITRON_RANGE_MEAN_MM:
        raise ValueError(f"nuclide must be one of {', '.join(POSITRON_RANGE_MEAN_MM)}, got {nuclide!r}")
    return float(POSITRON_RANGE_MEAN_MM[nuclide].value / _MEAN_DISTANCE_PER_SIGMA * FWHM_PER_SIGMA)


def system_fwhm(scanner_fwhm_mm: float, nuclide: str, with_range: bool = True) -> float:
    """Scanner resolution combined in quadrature with the positron-range blur.

    >>> round(system_fwhm(5.0, "Ga-68"), 2), system_fwhm(5.0, "Ga-68", with_range=False)
    (6.58, 5.0)
    """
    if scanner_fwhm_mm < 0:
        raise ValueError(f"scanner_fwhm_mm must be non-negative, got {scanner_fwhm_mm}")
    extra = positron_range_fwhm(nuclide) if with_range else 0.0
    return float(np.hypot(scanner_fwhm_mm, extra))


def slice_counts(nuclide: str, activity_mbq_per_kg: float, weight_kg: float, uptake_min: float,
                 scan_min: float, n_beds: int, slice_fraction: float) -> float:
    """Expected true counts in the simulated slice: one bed's share of the scan, positron yield included.

    >>> ratio = slice_counts("Ga-68", 2, 75, 60, 30, 6, 0.02) / slice_counts("F-18", 2, 75, 60, 30, 6, 0.02)
    >>> round(ratio, 3)
    0.718
    """
    if int(n_beds) != n_beds or n_beds < 1:
        raise ValueError(f"n_beds must be a positive integer, got {n_beds}")
    counts = scan_counts(activity_mbq_per_kg, weight_kg, uptake_min, scan_min / n_beds, nuclide,
                         slice_fraction=slice_fraction)
    return counts * POSITRON_YIELD[nuclide].value


def _crops(image, phantom):
    half = CROP // 2
    crops = {}
    for name in phantom.lesions:
        rows, cols = np.nonzero(phantom.masks[name])
        r, c = int(round(rows.mean())), int(round(cols.mean()))
        crops[name] = image[r - half : r + half + 1, c - half : c + half + 1]
    return crops


def node_study(activity_mbq_per_kg=2.0, weight_kg=75.0, uptake_min=60.0, scan_min=30.0, n_beds=6,
               slice_fraction=0.02, scanner_fwhm_mm=5.0, node_diameters_mm=(4.0, 6.0, 8.0, 10.0),
               node_to_background=8.0, n_realisations=40, n_iter=3, n_subsets=8, seed=2020) -> pd.DataFrame:
    """Recovery (noise-free reconstruction) and CHO d′/AUC (noisy ones) for every condition and node size."""
    if int(n_realisations) != n_realisations or n_realisations < 8:
        raise ValueError(f"n_realisations must be an integer of at least 8, got {n_realisations}")
    present = pelvis_phantom(IMAGE_SHAPE, node_diameters_mm=node_diameters_mm, node_to_background=node_to_background)
    absent = pelvis_phantom(IMAGE_SHAPE, node_diameters_mm=node_diameters_mm, node_to_background=1.0)
    rng = np.random.default_rng(seed)
    rows = []
    for label, (nuclide, with_range) in CONDITIONS.items():
        fwhm = system_fwhm(scanner_fwhm_mm, nuclide, with_range)
        system = PETSystem(IMAGE_SHAPE, present.pixel_mm, N_ANGLES, fwhm, attenuation=present.mu)
        counts = slice_counts(nuclide, activity_mbq_per_kg, weight_kg, uptake_min, scan_min, n_beds, slice_fraction)
        stacks = {"present": {n: [] for n in present.lesions}, "absent": {n: [] for n in present.lesions}}
        for _ in range(int(n_realisations)):
            for kind, phantom in (("present", present), ("absent", absent)):
                image = simulate_scan(phantom, system, counts, n_iter, n_subsets, seed=rng)
                for name, crop in _crops(image, phantom).items():
                    stacks[kind][name].append(crop)
        # Recovery from a practically noise-free reconstruction with the same algorithm.
        noise_free = simulate_scan(present, system, NOISE_FREE_COUNTS, n_iter, n_subsets, seed=rng)
        recovery = recovery_coefficients(noise_free, present)
        for name, diameter in present.lesions.items():
            channels = laguerre_gauss((CROP, CROP), width_px=max(diameter / present.pixel_mm, 2.0) * 1.5, n_channels=4)
            cho = cho_detectability(np.array(stacks["present"][name]), np.array(stacks["absent"][name]), channels)
            rows.append({"condition": label, "nuclide": nuclide, "system FWHM (mm)": fwhm, "slice counts": counts,
                         "node diameter (mm)": diameter, "recovery (max)": recovery[name].max,
                         "recovery (mean)": recovery[name].mean, "d'": cho.d_prime, "AUC": cho.auc})
    return pd.DataFrame(rows)


def example_images(activity_mbq_per_kg=2.0, weight_kg=75.0, uptake_min=60.0, scan_min=30.0, n_beds=6,
                   slice_fraction=0.02, scanner_fwhm_mm=5.0, node_diameters_mm=(4.0, 6.0, 8.0, 10.0),
                   node_to_background=8.0, n_iter=3, n_subsets=8, seed=2020) -> dict[str, np.ndarray]:
    """One noisy reconstruction per condition (same seed), for display."""
    phantom = pelvis_phantom(IMAGE_SHAPE, node_diameters_mm=node_diameters_mm, node_to_background=node_to_background)
    images = {"truth": phantom.activity}
    for label, (nuclide, with_range) in CONDITIONS.items():
        system = PETSystem(IMAGE_SHAPE, phantom.pixel_mm, N_ANGLES, system_fwhm(scanner_fwhm_mm, nuclide, with_range),
                           attenuation=phantom.mu)
        counts = slice_counts(nuclide, activity_mbq_per_kg, weight_kg, uptake_min, scan_min, n_beds, slice_fraction)
        images[label] = simulate_scan(phantom, system, counts, n_iter, n_subsets, seed=seed)
    return images


def images_figure(images: dict[str, np.ndarray], vmax: float = 4.0) -> plt.Figure:
    """The true slice and one reconstruction per condition on a common grey scale (bladder saturated)."""
    fig, axes = plt.subplots(1, len(images), figsize=(3 * len(images), 2.6), constrained_layout=True)
    for ax, (label, image) in zip(axes, images.items()):
        ax.imshow(image[24:104], cmap="gray_r", vmin=0, vmax=vmax)
        ax.set_title(label, fontsize=10)
        ax.axis("off")
    return fig


def node_figure(frame: pd.DataFrame) -> plt.Figure:
    """Recovery (max) and CHO AUC against node diameter, one line per condition."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    for label, group in frame.groupby("condition", sort=False):
        style = dict(color=COLOURS[label], marker="o", label=label, ls="--" if "only" in label else "-")
        left.plot(group["node diameter (mm)"], group["recovery (max)"], **style)
        right.plot(group["node diameter (mm)"], group["AUC"], **style)
    left.set(xlabel="node diameter (mm)", ylabel="recovery coefficient (max)", ylim=(0, None))
    right.set(xlabel="node diameter (mm)", ylabel="observer AUC (CHO)", ylim=(0.45, 1.02))
    right.axhline(0.5, color="0.6", lw=0.8, ls=":")
    for ax in (left, right):
        ax.legend(fontsize=8)
    return fig
