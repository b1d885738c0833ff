"""Liver-metastasis detectability phantom for the Huang et al. (2021) chapter.

One abdominal slice (:func:`compendium.phantoms.liver_phantom`) with metastases of chosen
diameters is imaged two ways, many times over with fresh noise:

* PET: FDG counts from the paper's protocol (MBq/kg, uptake time, minutes per bed) through
  :func:`~compendium.phantoms.simulate_scan` (OSEM);
* MR: a diffusion-weighted image at one b value, S0·exp(−b·ADC) with Rician noise, the
  lesions hyperintense because their ADC is lower and their T2 longer than liver.

A channelized Hotelling observer (CHO) gives the AUC for each lesion size in each modality;
the either-positive rule of the paper (PET/MR positive when PET or MR is) is scored by the
AUC of the larger of the two standardised observer outputs.
"""

from __future__ import annotations

from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import special, stats

from compendium import phantoms as ph
from compendium.phantoms.blur import gaussian_blur
from compendium.phantoms.metrics import hotelling_auc, hotelling_d_prime
from compendium.report import interval_line

# Lesion centres (mm) inside the liver ellipse of liver_phantom (centre (-55, 15), 190 x 150 mm),
# spaced 55-60 mm apart so that crops around them do not overlap.
_POSITIONS = [(-110.0, -15.0), (-55.0, -15.0), (0.0, -15.0), (-110.0, 45.0), (-55.0, 45.0), (0.0, 45.0)]
_CROP = 16  # pixels on each side of a crop around a lesion centre

# Diffusion properties (assumptions from typical 1.5-3 T liver values): ADC in mm²/s, S0 relative to liver.
ADC_LIVER, ADC_METASTASIS, ADC_BODY = 1.2e-3, 1.0e-3, 1.6e-3
S0_METASTASIS, S0_BODY = 1.3, 0.7


def _centre_px(phantom, x_mm, y_mm):
    rows, cols = phantom.shape
    col = x_mm / phantom.pixel_mm + (cols - 1) / 2
    row = (rows - 1) / 2 - y_mm / phantom.pixel_mm
    return int(round(row)), int(round(col))


def _crops(image, centres):
    return [image[r - _CROP:r + _CROP, c - _CROP:c + _CROP] for r, c in centres]


def _phantoms(shape, diameters, uptake_ratio):
    if len(diameters) > len(_POSITIONS):
        raise ValueError(f"lesion_diameters_mm must list at most {len(_POSITIONS)} diameters, got {len(diameters)}")
    positions = _POSITIONS[: len(diameters)]
    present = ph.liver_phantom(shape, lesion_diameters_mm=diameters, lesion_to_liver=uptake_ratio, positions=positions)
    absent = ph.liver_phantom(shape, lesion_diameters_mm=diameters, lesion_to_liver=1.0, positions=positions)
    return present, absent, [_centre_px(present, x, y) for x, y in positions]


def _dwi_image(phantom, lesion_fraction, b_value, snr, fwhm_mm, rng):
    """Diffusion-weighted magnitude image; lesion_fraction carries the partial volume of each pixel."""
    liver = phantom.masks["liver"] | (lesion_fraction > 0)
    body = phantom.masks["body"] & ~liver
    s0 = np.where(liver, 1.0 + (S0_METASTASIS - 1.0) * lesion_fraction, 0.0) + np.where(body, S0_BODY, 0.0)
    adc = np.where(liver, ADC_LIVER + (ADC_METASTASIS - ADC_LIVER) * lesion_fraction, ADC_BODY)
    signal = ph.diffusion_signal(s0, adc, b_value)
    signal = gaussian_blur(signal, fwhm_mm, phantom.pixel_mm)
    return ph.add_rician_noise(signal, 1.0 / snr, rng)


# Probabilists' Gauss-Hermite rule for E[g(Z)], Z ~ N(0, 1): 48 nodes reproduce adaptive
# quadrature of either_positive_auc to 1e-10 for detectabilities up to 8.
_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(48)
_GH_WEIGHTS = _GH_WEIGHTS / np.sqrt(2 * np.pi)


def either_positive_auc(d_pet, d_mr):
    """AUC of max(X1, X2) for two independent unit-variance observers with detectabilities d_pet, d_mr.

    Lesion-absent: both N(0, 1); present: N(d_pet, 1) and N(d_mr, 1). The OR rule at a
    common threshold is the maximum, so AUC = P(max present > max absent) = ∫ Φ(t)² dF(t) with
    F(t) = Φ(t − d_pet) Φ(t − d_mr). Differentiating F splits it into two normal expectations,
    E[Φ(Z + a)² Φ(Z + a − b)] for (a, b) = (d_pet, d_mr) and (d_mr, d_pet), each a Gauss-Hermite
    sum (no library gives this AUC; it is the integral written out). Vectorised: arrays of d′
    (e.g. bootstrap resamples) give an array of AUCs.

    >>> round(either_positive_auc(0.0, 0.0), 6), round(either_positive_auc(0.0, 3.0), 3) > round(float(stats.norm.cdf(3 / np.sqrt(2))), 3) - 0.1
    (0.5, True)
    """
    d_pet, d_mr = np.broadcast_arrays(np.asarray(d_pet, dtype=float), np.asarray(d_mr, dtype=float))

    def term(a, b):  # E[Φ(Z + a)² Φ(Z + a − b)]; special.ndtr is Φ without stats.norm's overhead
        shifted = _GH_NODES + a[..., None]
        return (special.ndtr(shifted) ** 2 * special.ndtr(shifted - b[..., None])) @ _GH_WEIGHTS

    auc = term(d_pet, d_mr) + term(d_mr, d_pet)
    return float(auc) if auc.ndim == 0 else auc


def _lesion_fraction(present, absent, uptake_ratio):
    liver_level = present.true_activity["background"]
    if uptake_ratio == 1.0:
        return np.zeros(present.shape)
    return np.clip((present.activity - absent.activity) / ((uptake_ratio - 1.0) * liver_level), 0, 1)


def _pet_crops(present, absent, centres, streams, counts, pet_fwhm_mm, n_iter, n_subsets):
    """PET crops of each realisation with lesions and without, from its first two substreams."""
    system = ph.PETSystem(present.shape, present.pixel_mm, n_angles=96, fwhm_mm=pet_fwhm_mm,
                          attenuation=present.mu, circle=True)
    return [[_crops(image, centres) for image in ph.simulate_scans(phantom, system, counts, [s[k] for s in streams],
                                                                   n_iter, n_subsets)]
            for k, phantom in enumerate((present, absent))]


def lesion_crops(seeds, diameters, uptake_ratio, counts, image_size, pet_fwhm_mm, n_iter, n_subsets, dwi_b,
                 dwi_snr, dwi_fwhm_mm):
    """One batch of realisations: per seed, crops (4, n_lesions, 2 CROP, 2 CROP) of PET present, PET
    absent, DWI present, DWI absent. A picklable task for :func:`compendium.phantoms.realisations`."""
    present, absent, centres = _phantoms((image_size, image_size), list(diameters), uptake_ratio)
    fraction = _lesion_fraction(present, absent, uptake_ratio)
    streams = [ph.substreams(seed, 4) for seed in seeds]
    pet = _pet_crops(present, absent, centres, streams, counts, pet_fwhm_mm, n_iter, n_subsets)
    out = []
    for i, s in enumerate(streams):
        mr = [_dwi_image(present, fraction, dwi_b, dwi_snr, dwi_fwhm_mm, np.random.default_rng(s[2])),
              _dwi_image(absent, np.zeros(present.shape), dwi_b, dwi_snr, dwi_fwhm_mm, np.random.default_rng(s[3]))]
        out.append(np.array([pet[0][i], pet[1][i], *(_crops(image, centres) for image in mr)]))
    return out


def pet_lesion_crops(seeds, diameters, uptake_ratio, counts, image_size, pet_fwhm_mm, n_iter, n_subsets):
    """The PET half of :func:`lesion_crops` alone, per seed (2, n_lesions, 2 CROP, 2 CROP): the same
    images, since each realisation's PET uses the same substreams of its seed."""
    present, absent, centres = _phantoms((image_size, image_size), list(diameters), uptake_ratio)
    streams = [ph.substreams(seed, 4) for seed in seeds]
    pet = _pet_crops(present, absent, centres, streams, counts, pet_fwhm_mm, n_iter, n_subsets)
    return [np.array([pet[0][i], pet[1][i]]) for i in range(len(seeds))]


def _either_statistic(pet_present, pet_absent, mr_present, mr_absent):
    return either_positive_auc(hotelling_d_prime(pet_present, pet_absent), hotelling_d_prime(mr_present, mr_absent))


def _channel_outputs(crops, lesion):
    """Laguerre-Gauss channel outputs of every image kind (axis 1 of ``crops``) around one lesion."""
    u = ph.laguerre_gauss((2 * _CROP, 2 * _CROP), 2 * _CROP / 8, n_channels=4).reshape(4, -1)
    return [crops[:, j, lesion].reshape(len(crops), -1) @ u.T for j in range(crops.shape[1])]


def detectability(lesion_diameters_mm=(4.0, 6.0, 8.0, 10.0, 15.0, 20.0), uptake_ratio=2.0, mbq_per_kg=3.0,
                  weight_kg=65.0, uptake_min=50.0, minutes_per_bed=5.0, n_iter=3, n_subsets=8,
                  n_realisations=24, image_size=128, slice_fraction=0.02, pet_fwhm_mm=5.0,
                  dwi_b=800.0, dwi_snr=8.0, dwi_fwhm_mm=5.0, seed=2021, level=0.95, mapper=map) -> pd.DataFrame:
    """CHO AUC per lesion diameter for PET, DWI and their either-positive combination, with MC intervals.

    Returns one row per diameter with the AUC of PET, MR (DWI) and the combination, each with
    a bootstrap interval over the realisations (``... low``/``... high``), and the expected
    true counts of the simulated PET slice in ``attrs``. Realisations run through
    :func:`compendium.phantoms.realisations` with ``mapper``.
    """
    if n_realisations < 8:
        raise ValueError(f"n_realisations must be at least 8 (the observer has 4 channels), got {n_realisations}")
    diameters = tuple(float(d) for d in lesion_diameters_mm)
    _phantoms((image_size, image_size), list(diameters), uptake_ratio)  # validate before simulating
    counts = ph.scan_counts(mbq_per_kg, weight_kg, uptake_min, minutes_per_bed, slice_fraction=slice_fraction)
    task = partial(lesion_crops, diameters=diameters, uptake_ratio=uptake_ratio, counts=counts,
                   image_size=image_size, pet_fwhm_mm=pet_fwhm_mm, n_iter=n_iter, n_subsets=n_subsets, dwi_b=dwi_b,
                   dwi_snr=dwi_snr, dwi_fwhm_mm=dwi_fwhm_mm)
    crops = np.stack(ph.realisations(task, int(n_realisations), seed=int(seed), mapper=mapper,
                                     batch_size=int(n_realisations)))  # (n, 4, lesions, 2C, 2C)
    rows = []
    for k, diameter in enumerate(diameters):
        v = _channel_outputs(crops, k)  # PET+, PET-, MR+, MR-
        row = {"diameter_mm": diameter}
        for name, samples, statistic in (("PET AUC", v[:2], hotelling_auc), ("MR AUC", v[2:], hotelling_auc),
                                         ("PET/MR AUC", v, _either_statistic)):
            result = ph.mc_interval(*samples, statistic=statistic, vectorized=True, level=level, seed=int(seed))
            row.update({name: result.estimate, f"{name} low": result.low, f"{name} high": result.high})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["slice_counts"] = counts
    return frame


def pet_sweep(uptake_ratios=(1.5, 2.0, 3.0), minutes_per_bed=(2.5, 5.0, 10.0),
              lesion_diameters_mm=(4.0, 6.0, 8.0, 10.0, 12.0, 15.0), mbq_per_kg=3.0, weight_kg=65.0,
              uptake_min=50.0, n_iter=3, n_subsets=8, n_realisations=48, image_size=128, slice_fraction=0.02,
              pet_fwhm_mm=5.0, seed=2021, level=0.95, mapper=map, batch_size=None) -> pd.DataFrame:
    """PET CHO AUC per lesion diameter at every uptake ratio and acquisition time of a grid.

    Only PET is swept: neither the uptake ratio nor the counts change the DWI images. Every
    condition uses the same seeds (:func:`compendium.phantoms.realisations_per_condition`), and a
    realisation's PET images are those :func:`detectability` draws from the same seed, so the
    grid point with the chapter's settings repeats the chapter's PET column. One row per
    condition and diameter: ``uptake_ratio``, ``minutes_per_bed``, ``slice_counts``,
    ``diameter_mm``, ``PET AUC`` and its Monte Carlo interval.
    """
    if n_realisations < 8:
        raise ValueError(f"n_realisations must be at least 8 (the observer has 4 channels), got {n_realisations}")
    diameters = tuple(float(d) for d in lesion_diameters_mm)
    conditions = [(float(r), float(m)) for r in uptake_ratios for m in minutes_per_bed]
    for ratio, _ in conditions:
        _phantoms((image_size, image_size), list(diameters), ratio)  # validate before simulating
    counts = {m: ph.scan_counts(mbq_per_kg, weight_kg, uptake_min, m, slice_fraction=slice_fraction)
              for m in dict.fromkeys(m for _, m in conditions)}
    tasks = [partial(pet_lesion_crops, diameters=diameters, uptake_ratio=ratio, counts=counts[minutes],
                     image_size=image_size, pet_fwhm_mm=pet_fwhm_mm, n_iter=n_iter, n_subsets=n_subsets)
             for ratio, minutes in conditions]
    results = ph.realisations_per_condition(tasks, int(n_realisations), int(seed), mapper=mapper,
                                            batch_size=batch_size)
    rows = []
    for (ratio, minutes), crops in zip(conditions, results):
        crops = np.stack(crops)  # (n, 2, lesions, 2C, 2C)
        for k, diameter in enumerate(diameters):
            auc = ph.mc_interval(*_channel_outputs(crops, k), statistic=hotelling_auc, vectorized=True,
                                 level=level, seed=int(seed))
            rows.append({"uptake_ratio": ratio, "minutes_per_bed": minutes, "slice_counts": counts[minutes],
                         "diameter_mm": diameter, "PET AUC": auc.estimate, "PET AUC low": auc.low,
                         "PET AUC high": auc.high})
    return pd.DataFrame(rows)


def smallest_detectable(frame: pd.DataFrame, column: str, threshold=0.8) -> float:
    """Smallest simulated diameter from which the whole MC interval of ``column`` stays at or above
    ``threshold`` (NaN if never).

    >>> f = pd.DataFrame({"diameter_mm": [4.0, 8.0, 12.0], "PET AUC low": [0.6, 0.82, 0.9]})
    >>> smallest_detectable(f, "PET AUC", 0.8)
    8.0
    """
    ok = (frame[f"{column} low"] >= threshold).to_numpy()
    for i in range(len(ok)):
        if ok[i:].all():
            return float(frame.diameter_mm.iloc[i])
    return float("nan")


def detectability_figure(frame: pd.DataFrame, threshold=0.8, level=0.95):
    """AUC with its Monte Carlo interval against lesion diameter for PET, DWI and the either-positive combination."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for k, (column, marker, ls, label) in enumerate((("PET AUC", "o", "-", "PET"), ("MR AUC", "s", "-", "MR (DWI)"),
                                                     ("PET/MR AUC", "^", "--", "PET/MR"))):
        x = frame.diameter_mm + 0.25 * (k - 1)  # spread the error bars sideways
        interval_line(ax, x, frame[column], frame[f"{column} low"], frame[f"{column} high"], color=f"C{k}",
                      marker=marker, ls=ls, label=label)
    ax.axhline(threshold, color="k", ls=":", lw=1)
    ax.text(frame.diameter_mm.max(), threshold + 0.01, f"AUC = {threshold:g}", fontsize=8, ha="right")
    ax.set_xlabel("metastasis diameter (mm)")
    ax.set_ylabel(f"CHO AUC, {level:.0%} MC interval")
    ax.set_ylim(0.45, 1.02)
    ax.legend(fontsize=9, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def example_images(lesion_diameters_mm=(4.0, 6.0, 8.0, 10.0, 15.0, 20.0), uptake_ratio=2.0, mbq_per_kg=3.0,
                   weight_kg=65.0, uptake_min=50.0, minutes_per_bed=5.0, n_iter=3, n_subsets=8, image_size=128,
                   slice_fraction=0.02, pet_fwhm_mm=5.0, dwi_b=800.0, dwi_snr=8.0, dwi_fwhm_mm=5.0, seed=2021,
                   n_average=8):
    """PET and DWI slices side by side, each the mean of ``n_average`` noise realisations.

    Averaging stands in for what the observer does with many images: single realisations at
    these count levels hide even the larger lesions from the eye.
    """
    diameters = [float(d) for d in lesion_diameters_mm]
    present, absent, _ = _phantoms((image_size, image_size), diameters, uptake_ratio)
    system = ph.PETSystem(present.shape, present.pixel_mm, n_angles=96, fwhm_mm=pet_fwhm_mm,
                          attenuation=present.mu, circle=True)
    counts = ph.scan_counts(mbq_per_kg, weight_kg, uptake_min, minutes_per_bed, slice_fraction=slice_fraction)
    rng = np.random.default_rng(seed)
    fraction = _lesion_fraction(present, absent, uptake_ratio)
    pet = np.mean([ph.simulate_scan(present, system, counts, n_iter=n_iter, n_subsets=n_subsets, seed=rng)
                   for _ in range(n_average)], axis=0)
    mr = np.mean([_dwi_image(present, fraction, dwi_b, dwi_snr, dwi_fwhm_mm, rng) for _ in range(n_average)], axis=0)
    # Crop to the liver (x from -150 to 40 mm, y from -60 to 100 mm) so the lesions are large enough to see.
    (r0, c0), (r1, c1) = _centre_px(present, -150.0, 100.0), _centre_px(present, 40.0, -60.0)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.8))
    for ax, image, title in ((axes[0], pet, "FDG PET (OSEM)"), (axes[1], mr, f"DWI, b = {dwi_b:g} s/mm²")):
        crop = image[r0:r1, c0:c1]
        ax.imshow(crop, cmap="gray", vmin=0, vmax=np.percentile(crop, 99.5))
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    bottom, top = diameters[:3], diameters[3:]
    rows = f"lower row, left to right: {', '.join(f'{d:g}' for d in bottom)} mm"
    if top:
        rows += f"; upper row: {', '.join(f'{d:g}' for d in top)} mm"
    fig.suptitle(f"mean of {n_average} noise realisations; liver metastases, " + rows, fontsize=9)
    fig.tight_layout()
    return fig
