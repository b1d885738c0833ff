"""Re-analysis of the UCLA PET/MR newsletter (document ``ucla-petmr-newsletter``):
survey shares, installed base per head of population, and effective dose of PET/MR
against PET/CT.

The imaging experiments of the chapter (count statistics and respiratory motion) are in
:mod:`compendium.analyses.newsletter_imaging`. Every number the newsletter prints lives in
``data/claims/ucla-petmr-newsletter.yaml``; the chapter's parameters carry them into
these functions, so nothing here retypes the document.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap
import numpy as np
import pandas as pd

from compendium.stats import percent_consistent

DOCUMENT = "ucla-petmr-newsletter"


# --- Survey shares -------------------------------------------------------------------------

# What the survey publication's abstract reports (Fendler et al. 2016, J Nucl Med 57:2016-21).
# The newsletter's shares are the "clinical" column and the clinic/research split; the
# research column and the site counts are the abstract's own and are shown for context.
FENDLER_SOURCE = "fendler2016variations"
FENDLER_SITES = 39
FENDLER_APPLICATIONS = pd.DataFrame(
    {"clinical": [88, 9, 3], "research": [76, 12, 6]}, index=["oncology", "neurology", "cardiology"]
)
FENDLER_USE = {"clinical routine": 47, "research": 45}  # "% of sites" in the abstract
# Site counts the abstract prints with their percentages (n, printed %).
FENDLER_SITE_COUNTS = {
    "public institution, academic focus": (26, 67),
    "operated by nuclear medicine": (13, 33),
    "operated jointly by nuclear medicine and radiology": (11, 28),
    "operated by radiology": (10, 26),
}


def source_site_counts(sites: int = FENDLER_SITES) -> pd.DataFrame:
    """The abstract's own n/percentage pairs, recomputed with ``sites`` as denominator.

    Examples
    --------
    >>> bool(source_site_counts()["reproduced"].all())
    True
    """
    rows = []
    for label, (k, printed) in FENDLER_SITE_COUNTS.items():
        rows.append({"group": label, "n": k, "printed %": printed, "100 n / sites": 100 * k / sites,
                     "reproduced": bool(k in percent_consistent(f"{printed}%", sites))})
    return pd.DataFrame(rows)



def _percent_text(share, decimals: int) -> str:
    """A share as the printed percentage ``percent_consistent`` reads: strings keep their own
    precision ("88.0%"); numbers are printed with ``decimals`` (88 -> "88%")."""
    if isinstance(share, str):
        return share if share.strip().endswith("%") else share.strip() + "%"
    return f"{float(share):.{decimals}f}%"


def attainable_counts(shares, denominators, decimals: int = 0) -> pd.DataFrame:
    """For every printed share and candidate denominator n, the counts k with 100 k / n rounding to it.

    Parameters
    ----------
    shares : list of str or float
        Printed percentages, e.g. ``[88, 9, 3]`` or ``["47%"]``.
    denominators : iterable of int
        Candidate denominators (positive).
    decimals : int
        Printed decimals of numeric shares (the newsletter prints whole percentages).

    Returns
    -------
    pandas.DataFrame
        One row per share (index: the printed percentage), one column per n; each cell a
        list of the attainable k (empty when the share is impossible with that n).

    Examples
    --------
    >>> attainable_counts([88, 3], [39]).loc["88%", 39], attainable_counts([88, 3], [39]).loc["3%", 39]
    ([], [1])
    """
    denominators = [int(n) for n in denominators]
    if not denominators:
        raise ValueError("denominators must not be empty")
    texts = [_percent_text(s, decimals) for s in shares]
    return pd.DataFrame(
        {n: [percent_consistent(t, n) for t in texts] for n in denominators}, index=texts
    )


def joint_denominators(shares, max_n: int, exhaustive: bool) -> pd.DataFrame:
    """Denominators n <= ``max_n`` for which all ``shares`` are attainable at once.

    With ``exhaustive`` the shares are categories that split the same total (88 + 9 + 3 =
    100), so their counts must also add up to n; otherwise the counts need only fit in n.

    Returns
    -------
    pandas.DataFrame
        Columns ``n`` and ``counts`` (the first combination of counts found, one per share).

    Examples
    --------
    >>> joint_denominators([47, 45], 40, exhaustive=False)["n"].tolist()
    [38, 40]
    """
    if int(max_n) < 1:
        raise ValueError(f"max_n must be a positive integer, got {max_n}")
    grid = attainable_counts(shares, range(1, int(max_n) + 1))
    rows = []
    for n in grid.columns:
        combos = (c for c in itertools.product(*grid[n]) if (sum(c) == n if exhaustive else sum(c) <= n))
        first = next(combos, None)
        if first is not None:
            rows.append({"n": n, "counts": list(first)})
    return pd.DataFrame(rows, columns=["n", "counts"])


def attainability_figure(shares, denominators, stated_n: int):
    """Grid of which printed shares are attainable as k/n, with the stated n marked."""
    grid = attainable_counts(shares, denominators)
    ok = grid.apply(lambda col: col.map(bool)).to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(grid) + 1.6))
    ax.imshow(ok, cmap=ListedColormap(["#f0f0f0", "#74c476"]), vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(grid.columns)), grid.columns, fontsize=8)
    ax.set_yticks(range(len(grid.index)), grid.index)
    for j, n in enumerate(grid.columns):
        for i, counts in enumerate(grid[n]):
            if counts:
                ax.text(j, i, "/".join(map(str, counts)), ha="center", va="center", fontsize=6.5)
    if stated_n in list(grid.columns):
        j = list(grid.columns).index(stated_n)
        ax.axvline(j - 0.5, color="crimson", lw=1.5)
        ax.axvline(j + 0.5, color="crimson", lw=1.5)
    ax.set_xlabel(f"denominator n (red frame: the {stated_n} surveyed sites)")
    ax.set_ylabel("printed share")
    ax.set_title("Green: a count k out of n rounds to the printed share (k in the cell); grey: none does")
    fig.tight_layout()
    return fig


# --- Installed base --------------------------------------------------------------------------


def installed_base(petmr_world: float, petmr_us: float, pet_sites_us: float,
                   us_population_million: float, world_population_billion: float) -> pd.DataFrame:
    """Ratios and per-head availability implied by the installed-base figures.

    Returns a table with one row per derived quantity (``quantity``, ``value``, ``unit``).

    Examples
    --------
    >>> t = installed_base(250, 50, 2000, 331.449281, 7.9).set_index("quantity")["value"]
    >>> round(float(t["PET/MR systems per million, US"]), 3), round(float(t["PET and PET/CT sites per PET/MR system, US"]))
    (0.151, 40)
    """
    for name, value in {"petmr_world": petmr_world, "petmr_us": petmr_us, "pet_sites_us": pet_sites_us,
                        "us_population_million": us_population_million,
                        "world_population_billion": world_population_billion}.items():
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value}")
    if petmr_us > petmr_world:
        raise ValueError(f"petmr_us ({petmr_us}) cannot exceed petmr_world ({petmr_world})")
    world_million = 1000 * world_population_billion
    if us_population_million >= world_million:
        raise ValueError("us_population_million must be below the world population")
    rows = [
        ("US share of the world's PET/MR systems", petmr_us / petmr_world, "fraction"),
        ("US share of the world population", us_population_million / world_million, "fraction"),
        ("PET/MR systems per million, US", petmr_us / us_population_million, "per million"),
        ("PET/MR systems per million, outside the US",
         (petmr_world - petmr_us) / (world_million - us_population_million), "per million"),
        ("PET/MR systems per million, world", petmr_world / world_million, "per million"),
        ("PET and PET/CT sites per million, US", pet_sites_us / us_population_million, "per million"),
        ("PET and PET/CT sites per PET/MR system, US", pet_sites_us / petmr_us, "ratio"),
        ("US residents per PET/MR system (million)", us_population_million / petmr_us, "million"),
    ]
    return pd.DataFrame(rows, columns=["quantity", "value", "unit"])


# --- Effective dose ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseFigure:
    """A literature dose value with the bibliography key of its source."""

    value: float
    unit: str
    source: str
    note: str


# Effective dose per administered activity (adult).
DOSE_COEFFICIENTS = {
    "fdg": DoseFigure(0.019, "mSv/MBq", "icrp2015publication128", "18F-FDG, ICRP 60 tissue weights"),
    "fdg-icrp103": DoseFigure(0.0159, "mSv/MBq", "andersson2014effective",
                              "18F-FDG, ICRP/ICRU voxel phantoms and ICRP 103 tissue weights"),
    "psma11": DoseFigure(0.023, "mSv/MBq", "afsharoromieh2016radiation", "68Ga-PSMA-11, mean of 4 patients"),
}
# Mean CT effective dose of whole-body 18F-FDG PET/CT (183 adult examinations, one centre).
CT_EFFECTIVE_DOSE = {
    "low-dose": DoseFigure(5.0, "mSv", "quinn2016radiation", "standard registration CT, mean 39 effective mAs"),
    "diagnostic": DoseFigure(15.4, "mSv", "quinn2016radiation", "diagnostic-quality CT, mean 120 effective mAs"),
}


def effective_dose(activity_mbq, coefficient_msv_per_mbq: float, ct_msv: float = 0.0):
    """Effective dose of a hybrid examination: activity x dose coefficient + CT effective dose.

    The linear model of ICRP Publication 128 for the tracer; the MR component adds none.

    Examples
    --------
    >>> round(effective_dose(370, 0.019, 5.0), 2)
    12.03
    """
    activity = np.asarray(activity_mbq, dtype=float)
    if np.any(activity < 0):
        raise ValueError(f"activity_mbq must be non-negative, got {activity_mbq}")
    if coefficient_msv_per_mbq <= 0:
        raise ValueError(f"coefficient_msv_per_mbq must be positive, got {coefficient_msv_per_mbq}")
    if ct_msv < 0:
        raise ValueError(f"ct_msv must be non-negative, got {ct_msv}")
    dose = activity * coefficient_msv_per_mbq + ct_msv
    return float(dose) if dose.ndim == 0 else dose


def dose_comparison(activity_mbq: float, tracer: str, ct_low_dose_msv: float, ct_diagnostic_msv: float,
                    petmr_activity_fraction: float = 1.0) -> pd.DataFrame:
    """Effective dose of PET/MR and of PET/CT with a low-dose or a diagnostic CT.

    ``petmr_activity_fraction`` scales the activity given for PET/MR (1: the same activity;
    below 1: activity saved by the longer PET acquisition the MR time allows).

    Returns one row per examination: ``examination``, ``pet_msv``, ``ct_msv``, ``total_msv``,
    ``saving_msv`` and ``saving_fraction`` of PET/MR relative to that examination.
    """
    if tracer not in DOSE_COEFFICIENTS:
        raise ValueError(f"tracer must be one of {sorted(DOSE_COEFFICIENTS)}, got {tracer!r}")
    if not 0 < petmr_activity_fraction <= 1:
        raise ValueError(f"petmr_activity_fraction must be in (0, 1], got {petmr_activity_fraction}")
    e = DOSE_COEFFICIENTS[tracer].value
    rows = [
        ("PET/MR", activity_mbq * petmr_activity_fraction, 0.0),
        ("PET/CT, low-dose CT", activity_mbq, ct_low_dose_msv),
        ("PET/CT, diagnostic CT", activity_mbq, ct_diagnostic_msv),
    ]
    frame = pd.DataFrame(
        [(name, a * e, ct, effective_dose(a, e, ct)) for name, a, ct in rows],
        columns=["examination", "pet_msv", "ct_msv", "total_msv"],
    )
    petmr = frame.loc[0, "total_msv"]
    frame["saving_msv"] = frame["total_msv"] - petmr
    frame["saving_fraction"] = frame["saving_msv"] / frame["total_msv"]
    return frame


def dose_figure(activities_mbq, tracer: str, ct_low_dose_msv: float, ct_diagnostic_msv: float,
                petmr_activity_fraction: float = 1.0):
    """Effective dose against activity (left) and the PET/MR saving in percent (right)."""
    activities = np.linspace(min(activities_mbq), max(activities_mbq), 100)
    e = DOSE_COEFFICIENTS[tracer].value
    petmr = effective_dose(activities * petmr_activity_fraction, e)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(activities, petmr, color="tab:green", lw=2, label="PET/MR")
    for label, ct, colour in (("PET/CT, low-dose CT", ct_low_dose_msv, "tab:blue"),
                              ("PET/CT, diagnostic CT", ct_diagnostic_msv, "tab:red")):
        petct = effective_dose(activities, e, ct)
        left.plot(activities, petct, color=colour, lw=2, label=label)
        right.plot(activities, 100 * (petct - petmr) / petct, color=colour, lw=2, label=f"vs {label}")
    left.set(xlabel="administered activity (MBq)", ylabel="effective dose (mSv)",
             title=f"Effective dose, {DOSE_COEFFICIENTS[tracer].note.split(',')[0]}")
    left.set_ylim(bottom=0)
    right.set(xlabel="administered activity (MBq)", ylabel="dose saved by PET/MR (%)",
              title="Saving of PET/MR over PET/CT", ylim=(0, 100))
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
