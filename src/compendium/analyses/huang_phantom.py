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

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from compendium import phantoms as ph
from compendium.phantoms.blur import gaussian_blur

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


def either_positive_auc(d_pet, d_mr):
    """AUC of max(X1, X2) for two independent unit-variance observers with detectabilities d_pet, d_mr.

    Lesion-absent: both N(0, 1); present: N(d_pet, 1) and N(d_mr, 1). The OR rule at a
    common threshold is the maximum; AUC = P(max present > max absent), integrated on a grid.

    >>> round(either_positive_auc(0.0, 0.0), 3), round(either_positive_auc(0.0, 3.0), 3) > round(float(stats.norm.cdf(3 / np.sqrt(2))), 3) - 0.1
    (0.5, True)
    """
    t = np.linspace(-10, 10 + max(d_pet, d_mr), 4001)
    cdf_absent = stats.norm.cdf(t) ** 2
    cdf_present = stats.norm.cdf(t - d_pet) * stats.norm.cdf(t - d_mr)
    return float(np.trapezoid(cdf_absent, cdf_present))


def detectability(lesion_diameters_mm=(4.0, 6.0, 8.0, 10.0, 15.0, 20.0), uptake_ratio=2.0, mbq_per_kg=3.0,
                  weight_kg=65.0, uptake_min=50.0, minutes_per_bed=5.0, n_iter=3, n_subsets=8,
                  n_realisations=24, image_size=128, slice_fraction=0.02, pet_fwhm_mm=5.0,
                  dwi_b=800.0, dwi_snr=8.0, dwi_fwhm_mm=5.0, seed=2021) -> pd.DataFrame:
    """CHO AUC per lesion diameter for PET, DWI and their either-positive combination.

    Returns one row per diameter with d′ and AUC for PET and MR (DWI) and the AUC of the
    combination, and the expected true counts of the simulated PET slice.
    """
    if n_realisations < 8:
        raise ValueError(f"n_realisations must be at least 8 (the observer has 6 channels), got {n_realisations}")
    diameters = [float(d) for d in lesion_diameters_mm]
    present, absent, centres = _phantoms((image_size, image_size), diameters, uptake_ratio)
    system = ph.PETSystem(present.shape, present.pixel_mm, n_angles=96, fwhm_mm=pet_fwhm_mm,
                          attenuation=present.mu, circle=True)
    counts = ph.scan_counts(mbq_per_kg, weight_kg, uptake_min, minutes_per_bed, slice_fraction=slice_fraction)
    liver_level = present.true_activity["background"]
    lesion_fraction = np.clip((present.activity - absent.activity) / ((uptake_ratio - 1.0) * liver_level), 0, 1) \
        if uptake_ratio != 1.0 else np.zeros(present.shape)
    rng = np.random.default_rng(seed)
    stacks = {key: [[] for _ in diameters] for key in ("pet+", "pet-", "mr+", "mr-")}
    for _ in range(n_realisations):
        for key, phantom, fraction in (("+", present, lesion_fraction), ("-", absent, np.zeros(present.shape))):
            pet = ph.simulate_scan(phantom, system, counts, n_iter=n_iter, n_subsets=n_subsets, seed=rng)
            mr = _dwi_image(phantom, fraction, dwi_b, dwi_snr, dwi_fwhm_mm, rng)
            for k, (p_crop, m_crop) in enumerate(zip(_crops(pet, centres), _crops(mr, centres))):
                stacks["pet" + key][k].append(p_crop)
                stacks["mr" + key][k].append(m_crop)
    channels = ph.laguerre_gauss((2 * _CROP, 2 * _CROP), 2 * _CROP / 8, n_channels=4)
    rows = []
    for k, diameter in enumerate(diameters):
        pet = ph.cho_detectability(np.array(stacks["pet+"][k]), np.array(stacks["pet-"][k]), channels)
        mr = ph.cho_detectability(np.array(stacks["mr+"][k]), np.array(stacks["mr-"][k]), channels)
        rows.append({"diameter_mm": diameter, "PET d'": pet.d_prime, "PET AUC": pet.auc, "MR d'": mr.d_prime,
                     "MR AUC": mr.auc, "PET/MR AUC": either_positive_auc(pet.d_prime, mr.d_prime)})
    frame = pd.DataFrame(rows)
    frame.attrs["slice_counts"] = counts
    return frame


def smallest_detectable(frame: pd.DataFrame, column: str, threshold=0.8) -> float:
    """Smallest simulated diameter from which the AUC stays at or above ``threshold`` (NaN if never)."""
    ok = (frame[column] >= threshold).to_numpy()
    for i in range(len(ok)):
        if ok[i:].all():
            return float(frame.diameter_mm.iloc[i])
    return float("nan")


def detectability_figure(frame: pd.DataFrame, threshold=0.8):
    """AUC against lesion diameter for PET, DWI and the either-positive combination."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for column, style in (("PET AUC", "o-"), ("MR AUC", "s-"), ("PET/MR AUC", "^--")):
        ax.plot(frame.diameter_mm, frame[column], style, label=column.replace(" AUC", "").replace("MR", "MR (DWI)", 1)
                if column == "MR AUC" else column.replace(" AUC", ""))
    ax.axhline(threshold, color="k", ls=":", lw=1)
    ax.text(frame.diameter_mm.max(), threshold + 0.01, f"AUC = {threshold:g}", fontsize=8, ha="right")
    ax.set_xlabel("metastasis diameter (mm)")
    ax.set_ylabel("CHO AUC (lesion present vs absent)")
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
    liver_level = present.true_activity["background"]
    fraction = np.clip((present.activity - absent.activity) / ((uptake_ratio - 1.0) * liver_level), 0, 1) \
        if uptake_ratio != 1.0 else np.zeros(present.shape)
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
