"""Every physical constant and tissue value the phantom library uses, each with its source.

A value is a :class:`Constant` (``value``, ``unit``, ``source``, ``note``); ``source`` is a
BibTeX key in ``data/references.bib``. Values marked ``source=None`` are modelling
assumptions of this library (said so in ``note``), not literature values; change them
freely in a chapter and say so.

Lookup tables are plain dicts so a chapter can print or tabulate them:

>>> from compendium.phantoms import constants
>>> constants.HALF_LIFE_MIN["F-18"].value
109.77
>>> round(constants.MU_511_PER_MM["water"].value, 5)
0.00969
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Constant:
    """A number with its unit and the bibliography key of the publication it comes from."""

    value: float
    unit: str
    source: str | None
    note: str = ""


_NUDAT = "nndc2024nudat"
_XCOM = "hubbell2004xray"
_CONTI = "conti2016physics"
_BAZELAIRE = "debazelaire2004mr"

# Radionuclide half-lives (ENSDF evaluations as served by NuDat).
HALF_LIFE_MIN = {
    "F-18": Constant(109.77, "min", _NUDAT, "ENSDF ground-state half-life"),
    "Ga-68": Constant(67.71, "min", _NUDAT, "ENSDF ground-state half-life"),
}

# Positron range in water: mean and maximum (Conti & Eriksson 2016, table 1); FWHM of the
# 1D annihilation-point distribution for F-18 (Levin & Hoffman 1999). No FWHM is listed for
# Ga-68 here: use the mean range when a blur is needed.
POSITRON_RANGE_MEAN_MM = {
    "F-18": Constant(0.6, "mm", _CONTI, "mean range in water"),
    "Ga-68": Constant(2.9, "mm", _CONTI, "mean range in water"),
}
POSITRON_RANGE_MAX_MM = {
    "F-18": Constant(2.4, "mm", _CONTI, "maximum range in water"),
    "Ga-68": Constant(10.3, "mm", _CONTI, "maximum range in water"),
}
POSITRON_RANGE_FWHM_MM = {
    "F-18": Constant(0.102, "mm", "levin1999calculation", "FWHM of the 1D range distribution in water"),
}
# Shape of the 1D (projected) annihilation-point distribution of F-18 in water, fitted by Levin &
# Hoffman (1999) with Derenzo's bi-exponential C exp(-k1 |x|) + (1 - C) exp(-k2 |x|): a sharp cusp
# (k1) and a long tail (k2); the fit's FWHM, 0.096 mm, is close to their tabulated 0.102 mm.
POSITRON_RANGE_BIEXPONENTIAL_F18 = {
    "C": Constant(0.516, "1", "levin1999calculation", "weight of the cusp, F-18 in water"),
    "k1": Constant(37.9, "1/mm", "levin1999calculation", "cusp decay constant, F-18 in water"),
    "k2": Constant(3.10, "1/mm", "levin1999calculation", "tail decay constant, F-18 in water"),
}

# Linear attenuation coefficients at 511 keV: mass attenuation coefficient at 0.5 MeV
# (nearest tabulated energy) times a nominal density. Lung uses inflated-lung density.
MU_511_PER_MM = {
    "water": Constant(0.09687 * 1.00 / 10, "1/mm", _XCOM, "mu/rho 0.09687 cm2/g x 1.00 g/cm3"),
    "soft_tissue": Constant(0.0960 * 1.06 / 10, "1/mm", _XCOM, "mu/rho 0.0960 cm2/g x 1.06 g/cm3 (ICRU-44)"),
    "lung": Constant(0.0960 * 0.30 / 10, "1/mm", _XCOM, "mu/rho 0.0960 cm2/g x 0.30 g/cm3 (inflated lung)"),
    "bone": Constant(0.0903 * 1.92 / 10, "1/mm", _XCOM, "mu/rho 0.0903 cm2/g x 1.92 g/cm3 (ICRU-44 cortical)"),
}

# Radiography: linear attenuation at an effective energy of 60 keV (a typical filtered
# 80-120 kVp spectrum), same tables. Trabecular bone = marrow plus a mineral volume fraction.
MU_60KEV_PER_MM = {
    "soft_tissue": Constant(0.2059 * 1.00 / 10, "1/mm", _XCOM, "water mu/rho 0.2059 cm2/g at 60 keV"),
    "cortical_bone": Constant(0.3148 * 1.92 / 10, "1/mm", _XCOM, "ICRU-44 cortical bone mu/rho 0.3148 cm2/g x 1.92"),
}
TRABECULAR_BONE_VOLUME_FRACTION = Constant(
    0.15, "1", None, "assumption: typical adult vertebral trabecular bone volume fraction"
)

# MR relaxation times in vivo, mean of six volunteers (de Bazelaire et al. 2004). The 3.0 T
# values are those of the paper's abstract; the 1.5 T column is from its table 1 and
# skeletal muscle at 1.5 T from Stanisz et al. 2005 (ex vivo, 37 °C): check before quoting.
_STANISZ = "stanisz2005t1"
_BAZ_15 = "1.5 T column of table 1"
T1_MS = {
    1.5: {
        "liver": Constant(586, "ms", _BAZELAIRE, _BAZ_15),
        "marrow": Constant(549, "ms", _BAZELAIRE, "L4 vertebral marrow; " + _BAZ_15),
        "muscle": Constant(1008, "ms", _STANISZ, "skeletal muscle, ex vivo"),
        "prostate": Constant(1317, "ms", _BAZELAIRE, _BAZ_15),
    },
    3.0: {
        "liver": Constant(809, "ms", _BAZELAIRE),
        "marrow": Constant(586, "ms", _BAZELAIRE, "L4 vertebral marrow"),
        "muscle": Constant(898, "ms", _BAZELAIRE, "paravertebral muscle"),
        "prostate": Constant(1597, "ms", _BAZELAIRE),
    },
}
T2_MS = {
    1.5: {
        "liver": Constant(46, "ms", _BAZELAIRE, _BAZ_15),
        "marrow": Constant(49, "ms", _BAZELAIRE, "L4 vertebral marrow; " + _BAZ_15),
        "muscle": Constant(44, "ms", _STANISZ, "skeletal muscle, ex vivo"),
        "prostate": Constant(88, "ms", _BAZELAIRE, _BAZ_15),
    },
    3.0: {
        "liver": Constant(34, "ms", _BAZELAIRE),
        "marrow": Constant(49, "ms", _BAZELAIRE, "L4 vertebral marrow"),
        "muscle": Constant(29, "ms", _BAZELAIRE, "paravertebral muscle"),
        "prostate": Constant(74, "ms", _BAZELAIRE),
    },
}
# Metastasis relaxation times vary widely with primary and treatment; these are assumptions
# (longer T1 and T2 than the host tissue, the usual appearance) for contrast demonstrations.
for _field, _t1, _t2 in ((1.5, 1100, 80), (3.0, 1400, 70)):
    T1_MS[_field]["metastasis"] = Constant(_t1, "ms", None, "assumption: metastasis, T1 above host tissue")
    T2_MS[_field]["metastasis"] = Constant(_t2, "ms", None, "assumption: metastasis, T2 above host tissue")

# Relative proton density (water = 1): assumptions, field independent.
PROTON_DENSITY = {
    name: Constant(value, "1", None, "assumption: relative proton density")
    for name, value in {"liver": 0.70, "metastasis": 0.80, "marrow": 0.65, "muscle": 0.70, "prostate": 0.80}.items()
}

# Apparent diffusion coefficients (mm^2/s): assumptions in the ranges reported in
# liver / prostate DWI reviews; replace with a chapter's own source when a number matters.
ADC_MM2_PER_S = {
    name: Constant(value, "mm2/s", None, "assumption: representative ADC")
    for name, value in {
        "liver": 1.2e-3,
        "metastasis": 0.9e-3,
        "marrow": 0.5e-3,
        "muscle": 1.4e-3,
        "prostate": 1.5e-3,
    }.items()
}

# Count-model defaults for scan_counts (assumptions of this library, to be overridden).
EFFECTIVE_SENSITIVITY_CPS_PER_MBQ = Constant(
    1000.0, "cps/MBq", None, "assumption: true coincidences per MBq in the axial FOV of a patient, after attenuation"
)
FOV_ACTIVITY_FRACTION = Constant(
    0.12, "1", None, "assumption: fraction of the body's activity inside one bed's axial field of view"
)

# Planar gamma camera (Tc-99m, low-energy high-resolution collimator): system FWHM grows
# linearly with source-to-collimator distance. Assumption: 3.5 mm at the face, 7.5 mm at 100 mm.
COLLIMATOR_FWHM_AT_0_MM = Constant(3.5, "mm", None, "assumption: LEHR system FWHM at the collimator face")
COLLIMATOR_FWHM_SLOPE = Constant(0.04, "mm/mm", None, "assumption: LEHR FWHM increase per mm of distance")
MU_140KEV_PER_MM = {
    "water": Constant(0.1505 / 10, "1/mm", _XCOM, "water mu/rho 0.1505 cm2/g at 150 keV (Tc-99m 140 keV)"),
}
# Rose criterion: a uniform disc is detected reliably when its SNR k = C·sqrt(N) >= 5.
ROSE_THRESHOLD = Constant(5.0, "1", "rose1948sensitivity", "Rose model detectability threshold")
