"""Synthetic-phantom imaging: PET model and fast reconstruction, MR and X-ray contrast, metrics.

Usage summary (numpy/scipy only, CPU, nothing downloaded)::

    from compendium import phantoms as ph

    p = ph.iec_body_phantom((128, 128))                 # activity, mu (1/mm, 511 keV), labels, masks
    system = ph.PETSystem(p.shape, p.pixel_mm, n_angles=120, fwhm_mm=6.0, attenuation=p.mu)
    counts = ph.scan_counts(3.7, 75, uptake_min=60, minutes_per_bed=2, slice_fraction=0.1)
    image = ph.simulate_scan(p, system, counts, n_iter=4, n_subsets=10, seed=1)
    rc = ph.recovery_coefficients(image, p)           # {"sphere_37mm": Recovery(mean, max, peak, contrast)}
    ph.background_cov(image, p.masks["background"])

* Phantoms: ``iec_body_phantom``, ``liver_phantom``, ``vertebra_phantom``, ``pelvis_phantom``
  return a :class:`Phantom` (``activity``, ``mu``, ``labels``, ``masks``, ``pixel_mm``,
  ``lesions`` = target mask name → diameter, ``true_activity``, extra ``maps``).
* PET: ``PETSystem.forward``/``back`` (exact adjoint pair; sparse matrix cached per geometry),
  ``mlem`` (OSEM with ``n_subsets``), ``poisson_counts``, ``simulate_scan``.
* Monte Carlo: ``realisations(task, n, seed, mapper=map, batch_size=...)`` runs a task on
  ``SeedSequence(seed).spawn(n)`` (same results on any executor), ``mc_interval`` gives the
  bootstrap interval of a statistic over the realisations; ``simulate_scans`` reconstructs
  a batch of noise realisations in one pass; ``realisations_per_condition`` runs the
  conditions of a sweep on the same seeds, all in one map.
* Counts: ``scan_counts`` (= ``expected_counts``) and ``decay_factor``.
* Metrics: ``recovery_coefficients``, ``contrast_to_noise``, ``background_cov``,
  ``nema_background_variability``, ``laguerre_gauss`` + ``cho_detectability`` (d′, AUC).
* MR: ``spin_echo_signal``, ``gradient_echo_signal``, ``diffusion_signal``,
  ``add_rician_noise``, ``fit_adc``.
* Planar / X-ray: ``planar_scintigraphy``, ``radiograph``, ``lesion_contrast``.
* Constants with their bibliography keys: :mod:`compendium.phantoms.constants`.

All functions raise ``ValueError`` naming the offending argument; all random functions take
``seed`` (an int or a ``numpy.random.Generator``).
"""

from . import constants
from .counts import decay_factor, expected_counts, scan_counts
from .metrics import (
    CHOResult,
    Recovery,
    background_cov,
    cho_detectability,
    contrast_to_noise,
    laguerre_gauss,
    nema_background_variability,
    recovery_coefficients,
)
from .mr import ADCFit, add_rician_noise, diffusion_signal, fit_adc, gradient_echo_signal, spin_echo_signal
from .montecarlo import MCInterval, child_seeds, mc_interval, realisations, realisations_per_condition, substreams
from .pet import PETSystem, mlem, poisson_counts, simulate_scan, simulate_scans
from .phantoms import Phantom, iec_body_phantom, liver_phantom, pelvis_phantom, vertebra_phantom
from .planar import LesionContrast, lesion_contrast, planar_scintigraphy, radiograph

__all__ = [
    "ADCFit",
    "MCInterval",
    "CHOResult",
    "LesionContrast",
    "PETSystem",
    "Phantom",
    "Recovery",
    "add_rician_noise",
    "background_cov",
    "child_seeds",
    "cho_detectability",
    "constants",
    "contrast_to_noise",
    "decay_factor",
    "diffusion_signal",
    "expected_counts",
    "fit_adc",
    "gradient_echo_signal",
    "iec_body_phantom",
    "laguerre_gauss",
    "lesion_contrast",
    "mc_interval",
    "liver_phantom",
    "mlem",
    "nema_background_variability",
    "pelvis_phantom",
    "planar_scintigraphy",
    "poisson_counts",
    "radiograph",
    "realisations",
    "realisations_per_condition",
    "recovery_coefficients",
    "scan_counts",
    "simulate_scan",
    "simulate_scans",
    "spin_echo_signal",
    "substreams",
    "vertebra_phantom",
]
