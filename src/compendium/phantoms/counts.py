"""Counts model: injected activity, decay to scan time, minutes per bed, system sensitivity.

The number of true coincidences collected in one bed position is

    N = a · W · f_FOV · S · 2^(−t_u/T½) · (T½/ln 2) · (1 − 2^(−t_b/T½)) · 60 · g

with a the injected activity (MBq/kg), W the weight (kg), f_FOV the fraction of the body's
activity inside the axial field of view, S the effective sensitivity (true counts per second
per MBq in the field of view), t_u the uptake time, t_b the minutes per bed (decay during the
frame integrated exactly) and g the fraction of the bed's counts that fall in the simulated
slice. Half-lives are in :mod:`compendium.phantoms.constants`. Since Poisson noise in the
image scales as 1/√N, a chapter can change "minutes per bed" and see the noise change.
"""

from __future__ import annotations

import numpy as np

from . import _checks
from .constants import EFFECTIVE_SENSITIVITY_CPS_PER_MBQ, FOV_ACTIVITY_FRACTION, HALF_LIFE_MIN


def _half_life(nuclide: str) -> float:
    if nuclide not in HALF_LIFE_MIN:
        raise ValueError(f"nuclide must be one of {', '.join(HALF_LIFE_MIN)}, got {nuclide!r}")
    return HALF_LIFE_MIN[nuclide].value


def decay_factor(nuclide, minutes) -> float:
    """Fraction of activity left after ``minutes``: ``2 ** (-minutes / half-life)``.

    >>> round(decay_factor("F-18", 109.77), 6), round(decay_factor("Ga-68", 60), 4)
    (0.5, 0.5411)
    """
    half_life = _half_life(nuclide)
    return float(2.0 ** (-_checks.positive("minutes", minutes, allow_zero=True) / half_life))


def scan_counts(
    activity_mbq_per_kg,
    weight_kg,
    uptake_min,
    minutes_per_bed,
    nuclide="F-18",
    sensitivity_cps_per_mbq=EFFECTIVE_SENSITIVITY_CPS_PER_MBQ.value,
    fov_fraction=FOV_ACTIVITY_FRACTION.value,
    slice_fraction=1.0,
) -> float:
    """Expected true counts of one bed position (or of one slice with ``slice_fraction``).

    Defaults for sensitivity and field-of-view fraction are assumptions of this library
    (see :mod:`compendium.phantoms.constants`); pass a scanner's own values when known.

    Examples
    --------
    A 75 kg patient, 3.7 MBq/kg FDG, 60 min uptake, 2 vs 4 min per bed:

    >>> two = scan_counts(3.7, 75, 60, 2)
    >>> four = scan_counts(3.7, 75, 60, 4)
    >>> f"{two:.3e}", round(four / two, 3)
    ('2.719e+06', 1.987)
    """
    activity = _checks.positive("activity_mbq_per_kg", activity_mbq_per_kg)
    weight = _checks.positive("weight_kg", weight_kg)
    uptake = _checks.positive("uptake_min", uptake_min, allow_zero=True)
    frame = _checks.positive("minutes_per_bed", minutes_per_bed)
    sensitivity = _checks.positive("sensitivity_cps_per_mbq", sensitivity_cps_per_mbq)
    for name, value in (("fov_fraction", fov_fraction), ("slice_fraction", slice_fraction)):
        if not 0 < _checks.positive(name, value) <= 1:
            raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    half_life = _half_life(nuclide)
    at_scan = activity * weight * fov_fraction * decay_factor(nuclide, uptake)
    # Activity integrated over the frame, in MBq·s: exact decay during acquisition.
    mbq_seconds = at_scan * half_life / np.log(2) * (1 - 2.0 ** (-frame / half_life)) * 60.0
    return float(mbq_seconds * sensitivity * slice_fraction)


expected_counts = scan_counts  # the name issue 6 also uses
