"""Phantom experiments for the bone-metastasis review: two of its rules of thumb, simulated.

1. Radiography: "only lesions of 2 cm or more, and only after more than half the mineral
   is lost, are visible". A lytic lesion in the vertebral-body phantom is projected laterally
   (Beer–Lambert) and its contrast computed for a grid of sizes and mineral losses.
2. Resolution: 18F-NaF PET/CT at the quoted 4–5 mm against planar bone scintigraphy (posterior
   camera with depth-dependent collimator blur) for small osteoblastic lesions.

Both use :mod:`compendium.phantoms`; nothing here is random.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compendium.phantoms.blur import gaussian_blur
from compendium.phantoms import constants, lesion_contrast, planar_scintigraphy, radiograph, vertebra_phantom

_SHAPE, _PIXEL_MM = (128, 128), 0.5
LATERAL_AXIS = 1  # the phantom's x axis runs left-right: a lateral view projects along it


def _lesion_rows(phantom) -> np.ndarray:
    return phantom.masks["lesion"].any(axis=LATERAL_AXIS)


def radiograph_grid(sizes_mm, mineral_losses, photons_per_mm2) -> pd.DataFrame:
    """Contrast and Rose SNR of a lytic lesion on a lateral radiograph of the vertebral body,
    for every lesion diameter and fraction of trabecular mineral lost."""
    rows = []
    for size in sizes_mm:
        for loss in mineral_losses:
            p = vertebra_phantom(_SHAPE, _PIXEL_MM, lesion="lytic", lesion_diameter_mm=size, mineral_change=-loss)
            lesion = radiograph(p.maps["mu_60kev"], p.pixel_mm, axis=LATERAL_AXIS)
            normal = radiograph(p.maps["mu_60kev_normal"], p.pixel_mm, axis=LATERAL_AXIS)
            result = lesion_contrast(lesion, normal, _lesion_rows(p), photons_per_mm2, np.pi * size**2 / 4)
            rows.append({"size_mm": size, "mineral_loss": loss, "contrast": result.contrast,
                         "snr": result.snr, "rose_detectable": result.detectable})
    return pd.DataFrame(rows)


def review_threshold_contrast(size_mm: float, mineral_loss: float) -> float:
    """Lateral-radiograph contrast of the review's threshold lesion (``size_mm``, ``mineral_loss``)."""
    grid = radiograph_grid([size_mm], [mineral_loss], photons_per_mm2=1.0)
    return float(grid["contrast"].iloc[0])


def radiograph_figure(grid: pd.DataFrame, threshold_size_mm: float, threshold_loss: float) -> plt.Figure:
    """Contrast map over size and mineral loss, with the contour of the review's threshold lesion's
    contrast (everything above it is at least as conspicuous) and the Rose quantum limit."""
    sizes = np.sort(grid["size_mm"].unique())
    losses = np.sort(grid["mineral_loss"].unique())
    table = grid.pivot(index="mineral_loss", columns="size_mm", values="contrast").loc[losses, sizes]
    snr = grid.pivot(index="mineral_loss", columns="size_mm", values="snr").loc[losses, sizes]
    reference = review_threshold_contrast(threshold_size_mm, threshold_loss)
    fig, ax = plt.subplots(figsize=(7.2, 4.8))
    mesh = ax.pcolormesh(sizes, 100 * losses, 100 * table.values, shading="gouraud", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label="Lesion contrast on a lateral radiograph (%)")
    ax.contour(sizes, 100 * losses, table.values, levels=[reference], colors="white", linewidths=2)
    if (snr.values < constants.ROSE_THRESHOLD.value).any() and (snr.values >= constants.ROSE_THRESHOLD.value).any():
        ax.contour(sizes, 100 * losses, snr.values, levels=[constants.ROSE_THRESHOLD.value], colors="orange",
                   linestyles="--", linewidths=2)
    ax.plot([threshold_size_mm], [100 * threshold_loss], "w*", ms=14, mec="black", label="the review's threshold lesion")
    ax.plot([], [], color="white", lw=2, label="equal contrast to it")
    ax.plot([], [], color="orange", ls="--", lw=2, label="Rose quantum limit (SNR = 5)")
    ax.legend(loc="upper left", fontsize=8, facecolor="0.85")
    ax.axvline(threshold_size_mm, color="white", ls=":", lw=1)
    ax.axhline(100 * threshold_loss, color="white", ls=":", lw=1)
    ax.set_xlabel("Lesion diameter (mm)")
    ax.set_ylabel("Trabecular mineral lost in the lesion (%)")
    fig.tight_layout()
    return fig


def _mu_140kev(phantom) -> np.ndarray:
    """Attenuation at the Tc-99m energy: water everywhere (bone's extra attenuation at 140 keV is
    small next to the body's, and the library tabulates water only)."""
    return np.full(phantom.shape, constants.MU_140KEV_PER_MM["water"].value)


def _uptake_contrast(size_mm, lesion_uptake, image_of):
    """Peak contrast of the lesion against the same phantom without it, for an imaging function."""
    with_lesion = vertebra_phantom(_SHAPE, _PIXEL_MM, lesion="sclerotic", lesion_diameter_mm=size_mm,
                                   lesion_uptake=lesion_uptake)
    without = vertebra_phantom(_SHAPE, _PIXEL_MM, lesion="sclerotic", lesion_diameter_mm=size_mm, lesion_uptake=1.0)
    a, b = image_of(with_lesion), image_of(without)
    # Only where the lesion-free image has signal; elsewhere the ratio is undefined.
    inside = b > 1e-6 * b.max()
    return float(np.max(a[inside] / b[inside]) - 1)


def resolution_table(sizes_mm, pet_fwhm_mm, camera_distance_mm, lesion_uptake) -> pd.DataFrame:
    """Peak lesion contrast of an osteoblastic vertebral lesion: tomographic PET slice blurred to each
    FWHM in ``pet_fwhm_mm``, and a posterior planar scintigram with the camera ``camera_distance_mm``
    from the phantom's edge (projection through the whole slice, depth-dependent blur)."""

    def pet(fwhm):
        return lambda p: gaussian_blur(p.activity, fwhm, p.pixel_mm, mode="constant")

    def planar(p):
        return planar_scintigraphy(p.activity, _mu_140kev(p), p.pixel_mm, gap_mm=camera_distance_mm, axis=0)

    rows = []
    for size in sizes_mm:
        for fwhm in pet_fwhm_mm:
            rows.append({"size_mm": size, "system": f"NaF PET, {fwhm:g} mm FWHM",
                         "contrast": _uptake_contrast(size, lesion_uptake, pet(fwhm))})
        rows.append({"size_mm": size, "system": "Planar scintigraphy", "contrast": _uptake_contrast(size, lesion_uptake, planar)})
    table = pd.DataFrame(rows)
    table["recovery"] = table["contrast"] / (lesion_uptake - 1)
    return table


def planar_fwhm_at_lesion(camera_distance_mm: float) -> float:
    """Collimator FWHM at the vertebral-body centre (phantom centre) for the given camera distance."""
    depth = camera_distance_mm + _SHAPE[0] * _PIXEL_MM / 2
    return constants.COLLIMATOR_FWHM_AT_0_MM.value + constants.COLLIMATOR_FWHM_SLOPE.value * depth


def size_for_recovery(table: pd.DataFrame, system: str, level: float = 0.5) -> float:
    """Smallest lesion diameter at which ``system`` recovers ``level`` of the true contrast
    (linear interpolation; NaN when never reached)."""
    rows = table[table["system"] == system].sort_values("size_mm")
    above = np.nonzero(rows["recovery"].to_numpy() >= level)[0]
    if len(above) == 0:
        return float("nan")
    i = above[0]
    if i == 0:
        return float(rows["size_mm"].iloc[0])
    x0, x1 = rows["size_mm"].iloc[i - 1], rows["size_mm"].iloc[i]
    y0, y1 = rows["recovery"].iloc[i - 1], rows["recovery"].iloc[i]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0))


def resolution_figure(table: pd.DataFrame) -> plt.Figure:
    """Fraction of the true lesion contrast each system shows, against lesion diameter."""
    fig, ax = plt.subplots(figsize=(7, 4.3))
    for system, rows in table.groupby("system", sort=False):
        style = "-o" if system.startswith("NaF") else "--s"
        ax.plot(rows["size_mm"], 100 * rows["recovery"], style, lw=2, label=system)
    ax.axhline(50, color="grey", lw=1, ls=":")
    ax.set_xlabel("Lesion diameter (mm)")
    ax.set_ylabel("Share of the true lesion contrast shown (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
