"""Small pelvic nodes imaged with Ga-68 and with F-18 (document ``ucla-psma-pet``).

Three conditions share the page's protocol (one hour uptake, a 30-minute whole-body scan):
F-18; Ga-68 with its counts only (shorter half-life, fewer positrons per decay); and Ga-68
with its counts and its positron range. The range blurs each projection with the
nuclide's bi-exponential kernel (cusp plus long tail, :mod:`compendium.phantoms.positron`),
after the scanner's Gaussian resolution.

Each condition is reconstructed from the pelvis phantom of :mod:`compendium.phantoms` with
nodes (present) and without (absent), ``n_realisations`` times with seeds spawned by
:func:`compendium.phantoms.realisations`, and scored by recovery (noise-free) and by the
channelized Hotelling observer's AUC on crops centred on each node site, with a bootstrap
interval over the realisations.
"""

from __future__ import annotations

from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compendium.phantoms import (
    PETSystem,
    laguerre_gauss,
    mc_interval,
    pelvis_phantom,
    realisations,
    realisations_per_condition,
    recovery_coefficients,
    scan_counts,
    simulate_scan,
    simulate_scans,
    substreams,
)
from compendium.phantoms.constants import Constant
from compendium.phantoms.metrics import hotelling_auc
from compendium.phantoms.positron import kernel_fwhm_mm, range_kernel
from compendium.report import interval_line

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
N_CHANNELS = 4


def system_fwhm(scanner_fwhm_mm: float, nuclide: str, with_range: bool = True) -> float:
    """FWHM (mm) of the scanner's Gaussian convolved with the nuclide's positron-range kernel.

    >>> round(system_fwhm(5.0, "Ga-68"), 2), system_fwhm(5.0, "Ga-68", with_range=False)
    (6.27, 5.0)
    """
    if scanner_fwhm_mm < 0:
        raise ValueError(f"scanner_fwhm_mm must be non-negative, got {scanner_fwhm_mm}")
    return float(kernel_fwhm_mm(nuclide, scanner_fwhm_mm)) if with_range else float(scanner_fwhm_mm)


def _system(phantom, scanner_fwhm_mm, nuclide, with_range):
    kernel = range_kernel(nuclide, phantom.pixel_mm) if with_range else None
    return PETSystem(IMAGE_SHAPE, phantom.pixel_mm, N_ANGLES, scanner_fwhm_mm, attenuation=phantom.mu,
                     kernel=kernel, circle=True)


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


def _centres(phantom):
    centres = []
    for name in phantom.lesions:
        rows, cols = np.nonzero(phantom.masks[name])
        centres.append((int(round(rows.mean())), int(round(cols.mean()))))
    return centres


def _crops(images, centres):
    """Crops (k, n_nodes, CROP, CROP) around every node site of a stack of images."""
    half = CROP // 2
    return np.stack([images[:, r - half:r + half + 1, c - half:c + half + 1] for r, c in centres], axis=1)


def _node_phantoms(node_diameters_mm, node_to_background):
    present = pelvis_phantom(IMAGE_SHAPE, node_diameters_mm=node_diameters_mm, node_to_background=node_to_background)
    absent = pelvis_phantom(IMAGE_SHAPE, node_diameters_mm=node_diameters_mm, node_to_background=1.0)
    return present, absent


def node_crops(seeds, nuclide, with_range, counts, scanner_fwhm_mm, node_diameters_mm, node_to_background,
               n_iter, n_subsets):
    """One batch of realisations: per seed, (2, n_nodes, CROP, CROP) crops with nodes and without.

    A picklable task for :func:`compendium.phantoms.realisations` (``functools.partial`` over
    everything but ``seeds``); the two images of a realisation use two substreams of its seed.
    """
    present, absent = _node_phantoms(node_diameters_mm, node_to_background)
    system = _system(present, scanner_fwhm_mm, nuclide, with_range)
    streams = [substreams(seed, 2) for seed in seeds]
    centres = _centres(present)
    stacks = [_crops(simulate_scans(phantom, system, counts, [s[k] for s in streams], n_iter, n_subsets), centres)
              for k, phantom in enumerate((present, absent))]
    return list(np.stack(stacks, axis=1))


def _channels(diameter, pixel_mm):
    return laguerre_gauss((CROP, CROP), width_px=max(diameter / pixel_mm, 2.0) * 1.5, n_channels=N_CHANNELS)


def _node_aucs(crops, present, level, seed):
    """CHO AUC with its Monte Carlo interval at every node site, from crops (n, 2, nodes, CROP, CROP)."""
    aucs = []
    for j, diameter in enumerate(present.lesions.values()):
        u = _channels(diameter, present.pixel_mm).reshape(N_CHANNELS, -1)
        v_present = crops[:, 0, j].reshape(len(crops), -1) @ u.T
        v_absent = crops[:, 1, j].reshape(len(crops), -1) @ u.T
        aucs.append(mc_interval(v_present, v_absent, statistic=hotelling_auc, vectorized=True, level=level,
                                seed=int(seed)))
    return aucs


def node_study(activity_mbq_per_kg=2.0, weight_kg=75.0, uptake_min=60.0, scan_min=30.0, n_beds=6,
               slice_fraction=0.02, scanner_fwhm_mm=5.0, node_diameters_mm=(4.0, 6.0, 8.0, 10.0),
               node_to_background=8.0, n_realisations=40, n_iter=3, n_subsets=8, seed=2020, level=0.95,
               mapper=map) -> pd.DataFrame:
    """Recovery (noise-free reconstruction) and CHO AUC with its Monte Carlo interval, per condition and node.

    ``mapper`` runs the realisations (default: in this process); every condition uses its own
    child of ``seed``, so results do not depend on who runs them.
    """
    if int(n_realisations) != n_realisations or n_realisations < 8:
        raise ValueError(f"n_realisations must be an integer of at least 8, got {n_realisations}")
    present, _ = _node_phantoms(node_diameters_mm, node_to_background)
    rows = []
    for k, (label, (nuclide, with_range)) in enumerate(CONDITIONS.items()):
        counts = slice_counts(nuclide, activity_mbq_per_kg, weight_kg, uptake_min, scan_min, n_beds, slice_fraction)
        task = partial(node_crops, nuclide=nuclide, with_range=with_range, counts=counts,
                       scanner_fwhm_mm=scanner_fwhm_mm, node_diameters_mm=tuple(node_diameters_mm),
                       node_to_background=node_to_background, n_iter=n_iter, n_subsets=n_subsets)
        crops = np.stack(realisations(task, int(n_realisations), seed=int(seed) + k, mapper=mapper,
                                      batch_size=int(n_realisations)))  # (n, 2, nodes, CROP, CROP)
        # Recovery from a practically noise-free reconstruction with the same algorithm.
        noise_free = simulate_scan(present, _system(present, scanner_fwhm_mm, nuclide, with_range),
                                   NOISE_FREE_COUNTS, n_iter, n_subsets, seed=int(seed))
        recovery = recovery_coefficients(noise_free, present)
        for (name, diameter), auc in zip(present.lesions.items(), _node_aucs(crops, present, level, seed)):
            rows.append({"condition": label, "nuclide": nuclide, "system FWHM (mm)": system_fwhm(
                scanner_fwhm_mm, nuclide, with_range), "slice counts": counts, "node diameter (mm)": diameter,
                "recovery (max)": recovery[name].max, "recovery (mean)": recovery[name].mean,
                "AUC": auc.estimate, "AUC low": auc.low, "AUC high": auc.high})
    return pd.DataFrame(rows)


def nuclide_sweep(nuclides=("F-18", "Ga-68"), scan_minutes=(15.0, 30.0, 60.0),
                  node_diameters_mm=(4.0, 5.0, 6.0, 7.0, 8.0, 10.0), activity_mbq_per_kg=2.0, weight_kg=75.0,
                  uptake_min=60.0, n_beds=6, slice_fraction=0.02, scanner_fwhm_mm=5.0, node_to_background=8.0,
                  n_realisations=64, n_iter=3, n_subsets=8, seed=2020, level=0.95, mapper=map,
                  batch_size=None) -> pd.DataFrame:
    """CHO AUC per node diameter for each nuclide (positron range included) and whole-body scan time.

    Every condition uses the same seeds (:func:`compendium.phantoms.realisations_per_condition`),
    so the lines differ by nuclide and counts, not by their noise draws. One row per condition and
    node: ``nuclide``, ``scan_min``, ``slice counts``, ``node diameter (mm)``, ``AUC`` and its
    Monte Carlo interval.
    """
    if int(n_realisations) != n_realisations or n_realisations < 8:
        raise ValueError(f"n_realisations must be an integer of at least 8, got {n_realisations}")
    unknown = [n for n in nuclides if n not in POSITRON_YIELD]
    if unknown:
        raise ValueError(f"nuclides must be among {', '.join(POSITRON_YIELD)}, got {unknown}")
    present, _ = _node_phantoms(node_diameters_mm, node_to_background)
    conditions = [(nuclide, float(minutes)) for nuclide in nuclides for minutes in scan_minutes]
    counts = {c: slice_counts(c[0], activity_mbq_per_kg, weight_kg, uptake_min, c[1], n_beds, slice_fraction)
              for c in conditions}
    tasks = [partial(node_crops, nuclide=nuclide, with_range=True, counts=counts[(nuclide, minutes)],
                     scanner_fwhm_mm=scanner_fwhm_mm, node_diameters_mm=tuple(node_diameters_mm),
                     node_to_background=node_to_background, n_iter=n_iter, n_subsets=n_subsets)
             for nuclide, minutes in conditions]
    results = realisations_per_condition(tasks, int(n_realisations), int(seed), mapper=mapper, batch_size=batch_size)
    rows = []
    for (nuclide, minutes), crops in zip(conditions, results):
        aucs = _node_aucs(np.stack(crops), present, level, seed)
        for diameter, auc in zip(present.lesions.values(), aucs):
            rows.append({"nuclide": nuclide, "scan_min": minutes, "slice counts": counts[(nuclide, minutes)],
                         "node diameter (mm)": diameter, "AUC": auc.estimate, "AUC low": auc.low,
                         "AUC high": auc.high})
    return pd.DataFrame(rows)


def intervals_separate(frame: pd.DataFrame, diameter: float, first: str, second: str) -> bool:
    """Whether the AUC intervals of two conditions at one node size do not overlap.

    >>> f = pd.DataFrame({"condition": ["a", "b"], "node diameter (mm)": [8.0, 8.0],
    ...                   "AUC low": [0.6, 0.75], "AUC high": [0.7, 0.9]})
    >>> intervals_separate(f, 8.0, "a", "b")
    True
    """
    rows = frame[frame["node diameter (mm)"] == diameter].set_index("condition")
    a, b = rows.loc[first], rows.loc[second]
    return bool(a["AUC high"] < b["AUC low"] or b["AUC high"] < a["AUC low"])


def example_images(activity_mbq_per_kg=2.0, weight_kg=75.0, uptake_min=60.0, scan_min=30.0, n_beds=6,
                   slice_fraction=0.02, scanner_fwhm_mm=5.0, node_diameters_mm=(4.0, 6.0, 8.0, 10.0),
                   node_to_background=8.0, n_iter=3, n_subsets=8, seed=2020) -> dict[str, np.ndarray]:
    """One noisy reconstruction per condition (same seed), for display."""
    phantom, _ = _node_phantoms(node_diameters_mm, node_to_background)
    images = {"truth": phantom.activity}
    for label, (nuclide, with_range) in CONDITIONS.items():
        counts = slice_counts(nuclide, activity_mbq_per_kg, weight_kg, uptake_min, scan_min, n_beds, slice_fraction)
        images[label] = simulate_scan(phantom, _system(phantom, scanner_fwhm_mm, nuclide, with_range), counts,
                                      n_iter, n_subsets, seed=seed)
    return images


def images_figure(images: dict[str, np.ndarray], vmax: float = 4.0) -> plt.Figure:
    """The true slice and one reconstruction per condition on a common grey scale (bladder saturated)."""
    fig, axes = plt.subplots(1, len(images), figsize=(3 * len(images), 2.6), constrained_layout=True)
    for ax, (label, image) in zip(axes, images.items()):
        ax.imshow(image[24:104], cmap="gray_r", vmin=0, vmax=vmax)
        ax.set_title(label, fontsize=10)
        ax.axis("off")
    return fig


def node_figure(frame: pd.DataFrame, level: float = 0.95) -> plt.Figure:
    """Recovery (max) and CHO AUC with its Monte Carlo interval against node diameter, one line per condition."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    offsets = dict(zip(CONDITIONS, (-0.15, 0.0, 0.15)))  # spread the error bars sideways
    for label, group in frame.groupby("condition", sort=False):
        style = dict(color=COLOURS[label], marker="o", label=label, ls="--" if "only" in label else "-")
        left.plot(group["node diameter (mm)"], group["recovery (max)"], **style)
        x = group["node diameter (mm)"] + offsets[label]
        interval_line(right, x, group["AUC"], group["AUC low"], group["AUC high"], **style)
    left.set(xlabel="node diameter (mm)", ylabel="recovery coefficient (max)", ylim=(0, None))
    right.set(xlabel="node diameter (mm)", ylabel=f"observer AUC (CHO), {level:.0%} MC interval", ylim=(0.45, 1.02))
    right.axhline(0.5, color="0.6", lw=0.8, ls=":")
    for ax in (left, right):
        ax.legend(fontsize=8)
    return fig
