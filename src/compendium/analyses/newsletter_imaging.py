"""Phantom experiments for the PET/MR newsletter (document ``ucla-petmr-newsletter``):
what a longer acquisition per bed buys in image noise, and what respiratory motion costs a
small lesion with and without motion correction.

Both run on the 2D IEC body phantom of :mod:`compendium.phantoms` with its PET model
(attenuated, blurred projections, Poisson counts, OSEM). Count levels come from
:func:`compendium.phantoms.scan_counts`, so "minutes per bed" enters exactly as on a scanner.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import ndimage, stats

from compendium.phantoms import (
    PETSystem,
    background_cov,
    child_seeds,
    iec_body_phantom,
    mc_interval,
    recovery_coefficients,
    scan_counts,
    simulate_scan,
    simulate_scans,
)
from compendium.phantoms.blur import gaussian_blur

IMAGE_SHAPE = (128, 128)  # 2.5 mm pixels over the 320 mm field of view
N_ANGLES = 120


def slice_counts(minutes_per_bed: float, activity_mbq: float, weight_kg: float, uptake_min: float,
                 axial_fov_mm: float, slice_mm: float) -> float:
    """Expected true counts in one transverse slice of ``slice_mm`` of a bed of ``axial_fov_mm``.

    Examples
    --------
    >>> round(slice_counts(4, 370, 75, 60, 258, 2.5) / slice_counts(2, 370, 75, 60, 258, 2.5), 3)
    1.987
    """
    if not 0 < slice_mm <= axial_fov_mm:
        raise ValueError(f"slice_mm must be in (0, axial_fov_mm], got {slice_mm}")
    return scan_counts(activity_mbq / weight_kg, weight_kg, uptake_min, minutes_per_bed,
                       slice_fraction=slice_mm / axial_fov_mm)


def post_filter(image, fwhm_mm: float, pixel_mm: float) -> np.ndarray:
    """Gaussian post-reconstruction filter of ``fwhm_mm`` (0: none), as clinical protocols apply.

    >>> import numpy as np
    >>> img = np.zeros((9, 9)); img[4, 4] = 1.0
    >>> round(float(post_filter(img, 0.0, 2.5).max()), 1), round(float(post_filter(img, 5.0, 2.5).sum()), 6)
    (1.0, 1.0)
    """
    return gaussian_blur(image, fwhm_mm, pixel_mm)


# Counts high enough that Poisson noise is negligible (relative SD ~1e-4 per sinogram bin):
# the motion experiment isolates blur from noise.
NOISE_FREE_COUNTS = 1e12


# --- Acquisition time and count statistics -----------------------------------------------


@dataclass(frozen=True)
class CountStudy:
    """Per-realisation metrics (``table``), one image per acquisition time, and the noise law fit."""

    table: pd.DataFrame
    images: dict
    slope: float        # d log(CoV) / d log(counts); Poisson statistics predict -1/2
    slope_low: float
    slope_high: float


def count_statistics_study(minutes_per_bed, *, activity_mbq, weight_kg, uptake_min, axial_fov_mm, fwhm_mm,
                           n_realizations, seed, n_iter, n_subsets, filter_fwhm_mm) -> CountStudy:
    """Background CoV and sphere recovery of the IEC phantom against minutes per bed.

    Each acquisition time is simulated ``n_realizations`` times with independent Poisson
    noise, each realisation with its own child of ``SeedSequence(seed)``, reconstructed as one
    batch per time. The noise law is the
    least-squares slope of log CoV on log counts with its 95% interval.
    """
    minutes = sorted({float(m) for m in minutes_per_bed})
    if len(minutes) < 2 or minutes[0] <= 0:
        raise ValueError(f"minutes_per_bed needs at least two positive values, got {minutes_per_bed}")
    if int(n_realizations) < 1:
        raise ValueError(f"n_realizations must be a positive integer, got {n_realizations}")
    phantom = iec_body_phantom(IMAGE_SHAPE)
    system = PETSystem(phantom.shape, phantom.pixel_mm, N_ANGLES, fwhm_mm, attenuation=phantom.mu)
    n = int(n_realizations)
    seeds = child_seeds(int(seed), n * len(minutes))  # realisation r of time i: seeds[i * n + r]
    rows, images = [], {}
    for i, t in enumerate(minutes):
        counts = slice_counts(t, activity_mbq, weight_kg, uptake_min, axial_fov_mm, phantom.pixel_mm)
        stack = simulate_scans(phantom, system, counts, seeds[i * n:(i + 1) * n], n_iter, n_subsets)
        for r, reconstruction in enumerate(stack):
            image = post_filter(reconstruction, filter_fwhm_mm, phantom.pixel_mm)
            images.setdefault(t, image)
            row = {"minutes_per_bed": t, "counts": counts, "realization": r,
                   "background_cov": background_cov(image, phantom.masks["background"])}
            for name, rc in recovery_coefficients(image, phantom).items():
                row[f"rc_mean_{rc.diameter_mm:g}mm"] = rc.mean
                row[f"rc_max_{rc.diameter_mm:g}mm"] = rc.max
            rows.append(row)
    table = pd.DataFrame(rows)
    fit = stats.linregress(np.log(table["counts"]), np.log(table["background_cov"]))
    half = stats.t.ppf(0.975, len(table) - 2) * fit.stderr
    return CountStudy(table, images, fit.slope, fit.slope - half, fit.slope + half)


def summarise(study: CountStudy) -> pd.DataFrame:
    """Mean over realisations of every metric, one row per acquisition time."""
    return study.table.drop(columns="realization").groupby("minutes_per_bed", as_index=False).mean()


def cov_interval(study: CountStudy, minutes: float, reference: float | None = None, level: float = 0.95):
    """Mean background CoV at ``minutes`` per bed with its bootstrap Monte Carlo interval; with
    ``reference``, the ratio of that mean to the mean at ``reference`` minutes instead.

    Realisations of the two times are independent, so resampling them in pairs by index is a
    valid bootstrap of the ratio.
    """
    def values(t):
        picked = study.table.loc[study.table["minutes_per_bed"] == float(t), "background_cov"].to_numpy()
        if len(picked) == 0:
            raise ValueError(f"the study has no acquisition of {t} minutes per bed")
        return picked

    if reference is None:
        return mc_interval(values(minutes), level=level)
    return mc_interval(values(minutes), values(reference), statistic=lambda a, b: a.mean(axis=-1) / b.mean(axis=-1),
                       vectorized=True, level=level)


def cov_at(study: CountStudy, minutes: float) -> float:
    """Background CoV predicted by the fitted power law at ``minutes`` per bed."""
    summary = summarise(study)
    ref = summary.iloc[0]
    return float(ref["background_cov"] * (minutes / ref["minutes_per_bed"]) ** study.slope)


def count_figure(study: CountStudy, petct_minutes: float, petmr_minutes: float, spheres_mm=(10.0, 17.0, 37.0)):
    """Images at the PET/CT and PET/MR times; CoV against counts (log-log) and sphere recovery."""
    for t in (petct_minutes, petmr_minutes):
        if float(t) not in study.images:
            raise ValueError(f"the study has no acquisition of {t} minutes per bed; include it in minutes_per_bed")
    summary = summarise(study)
    spread = study.table.drop(columns="realization").groupby("minutes_per_bed").sem()
    fig = plt.figure(figsize=(11, 8))
    grid = fig.add_gridspec(2, 2, height_ratios=[1.1, 1])
    vmax = 1.25 * float(np.percentile(study.images[float(petmr_minutes)], 99.9))
    for k, (t, label) in enumerate(((petct_minutes, "PET/CT"), (petmr_minutes, "PET/MR"))):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(study.images[float(t)], cmap="gray_r", vmin=0, vmax=vmax)
        ax.set_title(f"{label}: {t:g} min per bed")
        ax.axis("off")
    cov_ax = fig.add_subplot(grid[1, 0])
    cov_ax.loglog(study.table["counts"], study.table["background_cov"], "o", color="tab:blue", alpha=0.4,
                  label="one realisation")
    c = np.geomspace(summary["counts"].min(), summary["counts"].max(), 50)
    ref = summary.iloc[0]
    cov_ax.loglog(c, ref["background_cov"] * (c / ref["counts"]) ** study.slope, color="tab:blue",
                  label=f"fitted power law, exponent {study.slope:.2f}")
    cov_ax.loglog(c, ref["background_cov"] * (c / ref["counts"]) ** -0.5, "k--", label="1/\u221acounts")
    for t, colour, label in ((petct_minutes, "tab:red", "PET/CT"), (petmr_minutes, "tab:green", "PET/MR")):
        cov_ax.axvline(ref["counts"] * t / ref["minutes_per_bed"], color=colour, ls=":",
                       label=f"{label}: {t:g} min per bed")
    cov_ax.set(xlabel="true counts in the slice", ylabel="background coefficient of variation",
               title="Background noise against counts")
    cov_ax.legend(fontsize=8)
    rc_ax = fig.add_subplot(grid[1, 1])
    for d in spheres_mm:
        col = f"rc_mean_{d:g}mm"
        rc_ax.errorbar(summary["minutes_per_bed"], summary[col], yerr=spread[col].to_numpy(), fmt="o-", capsize=3,
                       label=f"{d:g} mm sphere, mean")
    col = f"rc_max_{min(spheres_mm):g}mm"
    rc_ax.errorbar(summary["minutes_per_bed"], summary[col], yerr=spread[col].to_numpy(), fmt="k^--", capsize=3,
                   label=f"{min(spheres_mm):g} mm sphere, max")
    for t, colour in ((petct_minutes, "tab:red"), (petmr_minutes, "tab:green")):
        rc_ax.axvline(t, color=colour, ls=":")
    rc_ax.set(xlabel="minutes per bed", ylabel="recovery coefficient (mean \u00b1 SE)",
              title="Sphere recovery against acquisition time")
    rc_ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- Respiratory motion ----------------------------------------------------------------------


def moving_lesion(phantom, lesion: str, amplitude_mm: float, n_phases: int = 32) -> np.ndarray:
    """Time-averaged activity when the lesion moves sinusoidally along y with peak-to-peak ``amplitude_mm``.

    Only the lesion's excess over background moves (a liver lesion in a still body); the
    position ``(A/2) cos(2 pi t)`` is sampled at ``n_phases`` equally spaced times, so the
    lesion dwells longer at the ends of the breath, as in free breathing.
    """
    if amplitude_mm < 0:
        raise ValueError(f"amplitude_mm must be non-negative, got {amplitude_mm}")
    mask = phantom.labels == [k for k, v in phantom.label_names.items() if v == lesion][0]
    background = phantom.activity.copy()
    background[mask] = phantom.activity[phantom.masks["background"]].mean()
    excess = phantom.activity - background
    phases = (np.arange(n_phases) + 0.5) / n_phases
    shifts = 0.5 * amplitude_mm * np.cos(2 * np.pi * phases) / phantom.pixel_mm
    moved = np.mean([ndimage.shift(excess, (s, 0), order=1) for s in shifts], axis=0)
    return background + moved


def motion_study(amplitudes_mm, *, lesion_diameter_mm, n_gates, fwhm_mm, n_iter, n_subsets, filter_fwhm_mm,
                 seed) -> pd.DataFrame:
    """Recovery of one small sphere against motion amplitude: uncorrected, gated, motion corrected.

    Near noise-free data (:data:`NOISE_FREE_COUNTS`) isolate the blur. Gating keeps
    1/``n_gates`` of the breath, leaving a residual amplitude of about ``A / n_gates``; motion correction (as MR-derived motion fields
    allow on a simultaneous PET/MR) is modelled as perfect, i.e. no residual motion.
    """
    if int(n_gates) < 1:
        raise ValueError(f"n_gates must be a positive integer, got {n_gates}")
    phantom = iec_body_phantom(IMAGE_SHAPE, sphere_diameters_mm=(lesion_diameter_mm,), lung_insert=False)
    lesion = next(iter(phantom.lesions))
    system = PETSystem(phantom.shape, phantom.pixel_mm, N_ANGLES, fwhm_mm, attenuation=phantom.mu)
    rows = []
    for amplitude in amplitudes_mm:
        for method, residual in (("no correction", amplitude), (f"gated, {int(n_gates)} gates", amplitude / n_gates),
                                 ("motion corrected", 0.0)):
            moved = dataclasses.replace(phantom, activity=moving_lesion(phantom, lesion, residual))
            image = post_filter(simulate_scan(moved, system, NOISE_FREE_COUNTS, n_iter, n_subsets, seed=seed),
                                filter_fwhm_mm, phantom.pixel_mm)
            rc = recovery_coefficients(image, phantom)[lesion]
            rows.append({"amplitude_mm": float(amplitude), "method": method, "rc_mean": rc.mean, "rc_max": rc.max})
    return pd.DataFrame(rows)


def motion_figure(table: pd.DataFrame, lesion_diameter_mm: float):
    """Mean and maximum recovery of the lesion against motion amplitude, one line per method."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    colours = {"no correction": "tab:red", "motion corrected": "tab:green"}
    for method, group in table.groupby("method", sort=False):
        colour = colours.get(method, "tab:orange")
        axes[0].plot(group["amplitude_mm"], group["rc_mean"], "o-", color=colour, label=method)
        axes[1].plot(group["amplitude_mm"], group["rc_max"], "o-", color=colour, label=method)
    for ax, what in zip(axes, ("mean", "maximum")):
        ax.set(xlabel="peak-to-peak respiratory amplitude (mm)",
               title=f"{lesion_diameter_mm:g} mm lesion, {what} recovery")
        ax.grid(alpha=0.3)
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel("recovery coefficient")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig
