"""Re-analysis of the accuracy, prevalence and cost figures quoted by the Medscape review
of bone-metastasis imaging (document ``medscape-bone-metastases``).

Every reported number is read from the claims registry
(``data/claims/medscape-bone-metastases.yaml``), never retyped here; this module only
adds what the registry cannot hold: which study and modality a figure belongs to, and
the denominator that the cited study's own abstract gives (``None`` when unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compendium.claims.printed import printed_number
from compendium.claims.registry import printed_text, printed_value
from compendium.stats import percent_consistent, predictive_values, proportion_ci

DOCUMENT = "medscape-bone-metastases"
MODALITIES = (
    "Bone scintigraphy",
    "Radiography",
    "CT",
    "MRI",
    "Whole-body MRI",
    "FDG-PET",
    "18F-NaF PET/CT",
    "SPECT",
)
MODALITY_COLOURS = dict(zip(MODALITIES, plt.get_cmap("tab10").colors))


@dataclass(frozen=True)
class QuotedFigure:
    """One accuracy figure the review quotes, with what the cited study says about its denominator."""

    claim: str
    modality: str
    measure: str
    study: str
    bibkey: str | None
    basis: str
    n: int | None  # denominator from the cited study, or None when the review gives too little

    def count(self, ci_method: str, level: float) -> tuple[int | None, float, float]:
        """The count behind the printed percentage and its interval: (k, low, high), or (None, NaN, NaN)
        when the cited study gives no denominator."""
        k = reconstruct_count(reported(self.claim), self.n) if self.n else None
        low, high = proportion_ci(k, self.n, ci_method, level) if k is not None else (np.nan, np.nan)
        return k, low, high


# Study sizes from the cited abstracts (the review itself gives none of them).
EUSTACE = {"patients": 25, "sites": 175, "metastatic_sites": 57}
DALDRUP = {"patients": 39, "patients_with_metastases": 21, "metastases": 51}
_EUSTACE = f"{EUSTACE['sites']} skeletal sites in {EUSTACE['patients']} patients; {EUSTACE['metastatic_sites']} metastatic"
_DALDRUP = f"{DALDRUP['metastases']} metastases in {DALDRUP['patients_with_metastases']} of {DALDRUP['patients']} young patients"
QUOTED = (
    QuotedFigure("bonemets-steinborn-mri-sensitivity", "MRI", "sensitivity", "Steinborn et al", "steinborn1999wholebody", "not stated", None),
    QuotedFigure("bonemets-steinborn-scintigraphy-sensitivity", "Bone scintigraphy", "sensitivity", "Steinborn et al", "steinborn1999wholebody", "not stated", None),
    QuotedFigure("bonemets-flickinger-mri-sensitivity", "MRI", "sensitivity", "Flickinger and Sanal", "flickinger1994bone", "not stated", None),
    QuotedFigure("bonemets-flickinger-mri-specificity", "MRI", "specificity", "Flickinger and Sanal", "flickinger1994bone", "not stated", None),
    QuotedFigure("bonemets-flickinger-scintigraphy-sensitivity", "Bone scintigraphy", "sensitivity", "Flickinger and Sanal", "flickinger1994bone", "not stated", None),
    QuotedFigure("bonemets-flickinger-scintigraphy-specificity", "Bone scintigraphy", "specificity", "Flickinger and Sanal", "flickinger1994bone", "not stated", None),
    # Eustace et al.: 57 metastatic and 118 normal sites; MRI called 55 sites positive,
    # scintigraphy 43 (the only counts that reproduce all six printed percentages).
    QuotedFigure("bonemets-eustace-mri-sensitivity", "Whole-body MRI", "sensitivity", "Eustace et al", "eustace1997comparison", _EUSTACE, 57),
    QuotedFigure("bonemets-eustace-mri-specificity", "Whole-body MRI", "specificity", "Eustace et al", "eustace1997comparison", _EUSTACE, 118),
    QuotedFigure("bonemets-eustace-mri-ppv", "Whole-body MRI", "PPV", "Eustace et al", "eustace1997comparison", _EUSTACE, 55),
    QuotedFigure("bonemets-eustace-scintigraphy-sensitivity", "Bone scintigraphy", "sensitivity", "Eustace et al", "eustace1997comparison", _EUSTACE, 57),
    QuotedFigure("bonemets-eustace-scintigraphy-specificity", "Bone scintigraphy", "specificity", "Eustace et al", "eustace1997comparison", _EUSTACE, 118),
    QuotedFigure("bonemets-eustace-scintigraphy-ppv", "Bone scintigraphy", "PPV", "Eustace et al", "eustace1997comparison", _EUSTACE, 43),
    QuotedFigure("bonemets-daldruplink-fdgpet-sensitivity", "FDG-PET", "sensitivity", "Daldrup-Link et al", "daldruplink2001wholebody", _DALDRUP, 51),
    QuotedFigure("bonemets-daldruplink-wbmri-sensitivity", "Whole-body MRI", "sensitivity", "Daldrup-Link et al", "daldruplink2001wholebody", _DALDRUP, 51),
    QuotedFigure("bonemets-daldruplink-scintigraphy-sensitivity", "Bone scintigraphy", "sensitivity", "Daldrup-Link et al", "daldruplink2001wholebody", _DALDRUP, 51),
    QuotedFigure("bonemets-naf-sensitivity", "18F-NaF PET/CT", "sensitivity", "review's ref. 42", None, "not stated", None),
    QuotedFigure("bonemets-naf-specificity", "18F-NaF PET/CT", "specificity", "review's ref. 42", None, "not stated", None),
)
QUOTED_BY_CLAIM = {q.claim: q for q in QUOTED}

# Sensitivity/specificity pairs the review quotes from one study each (for predictive values).
ACCURACY_PAIRS = {
    "eustace1997": {
        "Whole-body MRI": ("bonemets-eustace-mri-sensitivity", "bonemets-eustace-mri-specificity"),
        "Bone scintigraphy": ("bonemets-eustace-scintigraphy-sensitivity", "bonemets-eustace-scintigraphy-specificity"),
        "18F-NaF PET/CT": ("bonemets-naf-sensitivity", "bonemets-naf-specificity"),
    },
    "flickinger1994": {
        "MRI": ("bonemets-flickinger-mri-sensitivity", "bonemets-flickinger-mri-specificity"),
        "Bone scintigraphy": ("bonemets-flickinger-scintigraphy-sensitivity", "bonemets-flickinger-scintigraphy-specificity"),
        "18F-NaF PET/CT": ("bonemets-naf-sensitivity", "bonemets-naf-specificity"),
    },
}

# The one study quoted with sensitivities for all three whole-body modalities of the cost model.
COST_SENSITIVITIES = {
    "Bone scintigraphy": "bonemets-daldruplink-scintigraphy-sensitivity",
    "Whole-body MRI": "bonemets-daldruplink-wbmri-sensitivity",
    "FDG-PET": "bonemets-daldruplink-fdgpet-sensitivity",
}

CANCER_PREVALENCE_CLAIMS = {
    "Prostate or breast": "bonemets-prevalence-prostate-breast",
    "Lung": "bonemets-prevalence-lung",
    "Kidney": "bonemets-prevalence-kidney",
}


# ----------------------------------------------------------------------------- registry


def reported(claim_id: str) -> str:
    """The string the review prints for ``claim_id``."""
    return printed_text(DOCUMENT, claim_id)


def reported_fraction(claim_id: str) -> float:
    """The reported percentage of ``claim_id`` as a fraction (``"96.5%"`` -> 0.965)."""
    return printed_value(DOCUMENT, claim_id) / 100.0


def reported_range(claim_id: str) -> tuple[float, float]:
    """A reported range such as ``"65-75%"`` or ``"2-3"`` as two floats, in printed units."""
    text = reported(claim_id).replace("%", "").strip()
    low, _, high = text.partition("-")
    if not high:
        raise ValueError(f"claim_id {claim_id!r} is not a range: {reported(claim_id)!r}")
    return float(low), float(high)


# ----------------------------------------------------------------------------- counts


def reconstruct_count(reported_text: str, n: int) -> int | None:
    """The numerator ``k`` for which ``k/n`` prints as ``reported_text`` (closest one if several).

    >>> reconstruct_count("90%", 51)
    46
    >>> reconstruct_count("62%", 31) is None
    True
    """
    ks = percent_consistent(reported_text, n)
    if not ks:
        return None
    target = float(printed_number(reported_text).value) / 100.0 * n
    return min(ks, key=lambda k: abs(k - target))


def smallest_denominator(reported_texts: list[str], max_n: int = 1000) -> int | None:
    """Smallest study size at which every percentage in ``reported_texts`` is attainable as k/n.

    >>> smallest_denominator(["91.4%", "84.8%"])
    105
    """
    if max_n < 1:
        raise ValueError(f"max_n must be a positive integer, got {max_n}")
    for n in range(1, max_n + 1):
        if all(percent_consistent(text, n) for text in reported_texts):
            return n
    return None


# ----------------------------------------------------------------------------- accuracy table


def modality_table(ci_method: str = "wilson", level: float = 0.95) -> pd.DataFrame:
    """Every accuracy figure the review quotes, one row each, plus empty rows for modalities it discusses
    without a figure; counts and confidence intervals where the cited study gives the denominator."""
    rows = []
    for q in QUOTED:
        text = reported(q.claim)
        k, low, high = q.count(ci_method, level)
        rows.append(
            {
                "modality": q.modality,
                "measure": q.measure,
                "reported": text,
                "value": reported_fraction(q.claim),
                "study": q.study,
                "bibkey": q.bibkey,
                "basis": q.basis,
                "k": k,
                "n": q.n,
                "low": low,
                "high": high,
            }
        )
    quoted = {r["modality"] for r in rows}
    for modality in MODALITIES:
        if modality not in quoted:
            rows.append({"modality": modality, "measure": "none quoted", "reported": "", "value": np.nan,
                         "study": "", "bibkey": None, "basis": "", "k": None, "n": None, "low": np.nan, "high": np.nan})
    table = pd.DataFrame(rows)
    table["modality"] = pd.Categorical(table["modality"], MODALITIES, ordered=True)
    table["measure"] = pd.Categorical(table["measure"], ["sensitivity", "specificity", "PPV", "none quoted"], ordered=True)
    table = table.sort_values(["modality", "measure", "study"], kind="stable").reset_index(drop=True)
    table["k"] = table["k"].astype("Int64")
    table["n"] = table["n"].astype("Int64")
    return table


def display_table(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The modality table as the reader sees it: counts as k/n and intervals as percentages."""

    def interval(row):
        return "" if np.isnan(row["low"]) else f"{100 * row['low']:.1f}–{100 * row['high']:.1f}"

    return pd.DataFrame(
        {
            "Modality": table["modality"].astype(str),
            "Measure": table["measure"].astype(str),
            "Reported": table["reported"],
            "Study": table["study"],
            "Counts (k/n)": [f"{k}/{n}" if pd.notna(k) else "" for k, n in zip(table["k"], table["n"])],
            f"{level:.0%} CI (%)": table.apply(interval, axis=1),
            "Unit of analysis": table["basis"],
        }
    )


def forest_figure(table: pd.DataFrame, level: float = 0.95) -> plt.Figure:
    """Forest-style plot: one row per modality and study, one panel per measure; a dot for each
    quoted figure, with its interval when the counts are known."""
    shown = table[table["value"].notna()]
    groups = shown[["modality", "study"]].drop_duplicates().reset_index(drop=True)
    measures = [m for m in ("sensitivity", "specificity", "PPV") if m in set(shown["measure"].astype(str))]
    fig, axes = plt.subplots(1, len(measures), figsize=(3.3 * len(measures) + 1.5, 0.45 * len(groups) + 1.5),
                             sharey=True, squeeze=False)
    y_of = {(m, s): len(groups) - 1 - i for i, (m, s) in enumerate(zip(groups["modality"], groups["study"]))}
    for ax, measure in zip(axes[0], measures):
        for _, row in shown[shown["measure"].astype(str) == measure].iterrows():
            yi = y_of[(row["modality"], row["study"])]
            colour = MODALITY_COLOURS[str(row["modality"])]
            known = not np.isnan(row["low"])
            if known:
                ax.plot([100 * row["low"], 100 * row["high"]], [yi, yi], color=colour, lw=2)
            ax.plot(100 * row["value"], yi, "o", ms=7, color=colour, mfc=colour if known else "white", mew=1.8)
        ax.set_title(measure)
        ax.set_xlim(40, 102)
        ax.set_xlabel("%")
        ax.grid(axis="x", alpha=0.3)
    labels = [f"{m} — {s}" for m, s in zip(groups["modality"].astype(str), groups["study"])]
    axes[0][0].set_yticks([y_of[k] for k in zip(groups["modality"], groups["study"])], labels)
    axes[0][0].set_ylim(-0.6, len(groups) - 0.4)
    fig.suptitle(f"Filled: {level:.0%} CI from recovered counts; open: study size not given", fontsize=10)
    fig.tight_layout()
    return fig


def format_range(low: float, high: float, fmt: str = "{:.1%}") -> str:
    """``"low–high"`` in ``fmt``, or a single value when both ends print the same.

    >>> format_range(0.2, 0.32, "{:.0%}"), format_range(2.5, 2.5, "{:g}")
    ('20%–32%', '2.5')
    """
    a, b = fmt.format(low), fmt.format(high)
    return a if a == b else f"{a}–{b}"


# ----------------------------------------------------------------------------- predictive values


def cancer_prevalences() -> dict[str, tuple[float, float]]:
    """The review's share of patients who develop bone metastases, per primary cancer, as fractions."""
    return {cancer: tuple(v / 100 for v in reported_range(cid)) for cancer, cid in CANCER_PREVALENCE_CLAIMS.items()}


@dataclass(frozen=True)
class AccuracyInput:
    """One modality's sensitivity and specificity for the predictive values, with what they rest on.

    ``sensitivity`` and ``specificity`` are the recovered count ratios where the cited study
    gives its denominators (else the printed figure); ``*_ci`` their intervals (None without
    counts); ``level`` the unit the figures count (skeletal sites or not stated).
    """

    modality: str
    sensitivity: float
    specificity: float
    sensitivity_counts: str
    specificity_counts: str
    sensitivity_ci: tuple[float, float] | None
    specificity_ci: tuple[float, float] | None
    level: str


def _figure(claim: str, ci_method: str, level: float):
    quoted = QUOTED_BY_CLAIM[claim]
    k, low, high = quoted.count(ci_method, level)
    if k is None:
        return reported_fraction(claim), reported(claim) + " (count not given)", None, quoted.basis
    return k / quoted.n, f"{k}/{quoted.n}", (low, high), quoted.basis


def accuracy_inputs(study: str, ci_method: str = "wilson", level: float = 0.95) -> dict[str, AccuracyInput]:
    """Sensitivity and specificity per modality for ``study`` in :data:`ACCURACY_PAIRS`, from counts where known.

    >>> scint = accuracy_inputs("eustace1997")["Bone scintigraphy"]
    >>> scint.sensitivity_counts, scint.specificity_counts, scint.level
    ('41/57', '116/118', 'skeletal sites (175 in 25 patients)')
    """
    if study not in ACCURACY_PAIRS:
        raise ValueError(f"study must be one of {sorted(ACCURACY_PAIRS)}, got {study!r}")
    inputs = {}
    for modality, (sens_claim, spec_claim) in ACCURACY_PAIRS[study].items():
        sens, sens_counts, sens_ci, basis = _figure(sens_claim, ci_method, level)
        spec, spec_counts, spec_ci, _ = _figure(spec_claim, ci_method, level)
        unit = (f"skeletal sites ({EUSTACE['sites']} in {EUSTACE['patients']} patients)" if basis == _EUSTACE
                else basis)
        inputs[modality] = AccuracyInput(modality, sens, spec, sens_counts, spec_counts, sens_ci, spec_ci, unit)
    return inputs


def predictive_interval(accuracy: AccuracyInput, prevalence):
    """(PPV low, PPV high, NPV low, NPV high) at ``prevalence`` from the ends of both intervals.

    PPV and NPV both rise with sensitivity and with specificity, so their extremes over the
    box of the two intervals sit at its corners: a conservative interval (joint coverage at
    least level², e.g. 90 % for two independent 95 % intervals). NaN without counts.
    """
    if accuracy.sensitivity_ci is None or accuracy.specificity_ci is None:
        nan = np.full(np.shape(prevalence), np.nan)
        return (float(nan) if nan.ndim == 0 else nan,) * 4
    (se_low, se_high), (sp_low, sp_high) = accuracy.sensitivity_ci, accuracy.specificity_ci
    ppv_low, npv_low = predictive_values(se_low, sp_low, prevalence)
    ppv_high, npv_high = predictive_values(se_high, sp_high, prevalence)
    return ppv_low, ppv_high, npv_low, npv_high


def predictive_value_table(study: str, prevalences: dict[str, tuple[float, float]], ci_method: str = "wilson",
                           level: float = 0.95) -> pd.DataFrame:
    """PPV and NPV of each modality over each cancer's prevalence range, with the interval carried through.

    The point values use the recovered counts; ``PPV interval``/``NPV interval`` span the
    interval bounds over the whole prevalence range.
    """
    rows = []
    for modality, accuracy in accuracy_inputs(study, ci_method, level).items():
        for cancer, (low, high) in prevalences.items():
            # PPV rises and NPV falls with prevalence, so the range ends swap for NPV.
            (ppv_a, npv_a) = predictive_values(accuracy.sensitivity, accuracy.specificity, low)
            (ppv_b, npv_b) = predictive_values(accuracy.sensitivity, accuracy.specificity, high)
            ppv_lo, _, _, npv_hi = predictive_interval(accuracy, low)
            _, ppv_hi, npv_lo, _ = predictive_interval(accuracy, high)
            known = np.isfinite(ppv_lo)
            rows.append({"modality": modality, "figures per": accuracy.level,
                         "sensitivity": accuracy.sensitivity_counts, "specificity": accuracy.specificity_counts,
                         "cancer": cancer, "pre-test probability (patients)": format_range(low, high, "{:.0%}"),
                         "PPV": format_range(ppv_a, ppv_b),
                         f"PPV {level:.0%} bounds": format_range(ppv_lo, ppv_hi) if known else "not available (no counts)",
                         "NPV": format_range(npv_b, npv_a),
                         f"NPV {level:.0%} bounds": format_range(npv_lo, npv_hi) if known else "not available (no counts)",
                         "ppv_low": ppv_a, "ppv_high": ppv_b, "npv_low": npv_b, "npv_high": npv_a,
                         "ppv_bound_low": ppv_lo, "ppv_bound_high": ppv_hi,
                         "npv_bound_low": npv_lo, "npv_bound_high": npv_hi})
    return pd.DataFrame(rows)


def predictive_value_figure(study: str, prevalences: dict[str, tuple[float, float]], ci_method: str = "wilson",
                            level: float = 0.95) -> plt.Figure:
    """PPV and NPV against pre-test probability with their interval bands, and the review's ranges shaded."""
    grid = np.linspace(0.001, 0.999, 400)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharex=True)
    shades = plt.get_cmap("Greys")(np.linspace(0.25, 0.45, len(prevalences)))
    curves = {modality: (accuracy, predictive_values(accuracy.sensitivity, accuracy.specificity, grid),
                          predictive_interval(accuracy, grid))
              for modality, accuracy in accuracy_inputs(study, ci_method, level).items()}
    for index, (ax, which) in enumerate(zip(axes, ("ppv", "npv"))):
        for shade, (cancer, (low, high)) in zip(shades, prevalences.items()):
            ax.axvspan(100 * low, 100 * high, color=shade, alpha=0.45, lw=0)
            ax.text(100 * (low + high) / 2, 0.02, f"{cancer} (patients)", rotation=90, ha="center", va="bottom",
                    fontsize=8, transform=ax.get_xaxis_transform())
        for modality, (accuracy, values, bounds) in curves.items():
            colour = MODALITY_COLOURS[modality]
            lower, upper = bounds[2 * index:2 * index + 2]  # (PPV low, PPV high, NPV low, NPV high)
            if np.all(np.isfinite(lower)):
                ax.fill_between(100 * grid, lower, upper, color=colour, alpha=0.18, lw=0)
            ax.plot(100 * grid, values[index], lw=2, color=colour,
                    label=f"{modality} (sens {accuracy.sensitivity_counts}, spec {accuracy.specificity_counts})")
        ax.set_title({"ppv": "Positive predictive value", "npv": "Negative predictive value"}[which])
        ax.set_xlabel("Pre-test probability of bone metastasis (%)")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("Probability")
    fig.legend(*axes[1].get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


# ----------------------------------------------------------------------------- cost model


def cost_per_detection(cost: float, sensitivity: float, prevalence: float) -> float:
    """Expected cost per patient with metastases found: each scanned patient costs ``cost`` and
    a fraction ``prevalence * sensitivity`` of them is a true positive.

    >>> cost_per_detection(1.0, 0.5, 0.4)
    5.0
    """
    if cost < 0:
        raise ValueError(f"cost must be non-negative, got {cost}")
    if not 0 < sensitivity <= 1:
        raise ValueError(f"sensitivity must be in (0, 1], got {sensitivity}")
    if not 0 < prevalence <= 1:
        raise ValueError(f"prevalence must be in (0, 1], got {prevalence}")
    return cost / (prevalence * sensitivity)


def incremental_cost_per_detection(cost_new, sens_new, cost_ref, sens_ref, prevalence) -> float:
    """Extra cost per additional patient with metastases found when ``new`` replaces ``ref``
    (infinite when ``new`` is not more sensitive)."""
    gain = prevalence * (sens_new - sens_ref)
    return float("inf") if gain <= 0 else (cost_new - cost_ref) / gain


def relative_costs(mri_cost: list[float], fdg_cost: float) -> dict[str, tuple[float, float]]:
    """Cost per scan relative to bone scintigraphy (low, high) for the three whole-body modalities."""
    low, high = (mri_cost[0], mri_cost[-1])
    if min(low, high, fdg_cost) <= 0:
        raise ValueError(f"relative costs must be positive, got mri_cost={mri_cost}, fdg_cost={fdg_cost}")
    return {"Bone scintigraphy": (1.0, 1.0), "Whole-body MRI": (low, high), "FDG-PET": (fdg_cost, fdg_cost)}


def cost_table(costs: dict[str, tuple[float, float]], prevalences: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Cost per detected patient and incremental cost per extra detection (vs scintigraphy),
    in units of one bone scan, at the middle of each cancer's prevalence range."""
    sens = {m: reported_fraction(cid) for m, cid in COST_SENSITIVITIES.items()}
    rows = []
    for cancer, (p_low, p_high) in prevalences.items():
        p = (p_low + p_high) / 2
        for modality, (c_low, c_high) in costs.items():
            per = [cost_per_detection(c, sens[modality], p) for c in (c_low, c_high)]
            extra = [incremental_cost_per_detection(c, sens[modality], 1.0, sens["Bone scintigraphy"], p)
                     for c in (c_low, c_high)]
            rows.append({"cancer": cancer, "prevalence": p, "modality": modality, "sensitivity": sens[modality],
                         "cost_low": c_low, "cost_high": c_high, "per_detection_low": per[0],
                         "per_detection_high": per[1], "incremental_low": extra[0], "incremental_high": extra[1]})
    return pd.DataFrame(rows)


def cost_display(table: pd.DataFrame) -> pd.DataFrame:
    """The cost table with ranges printed as the reader reads them."""

    def span(a, b, fmt="{:.2f}"):
        return "—" if np.isinf(a) else format_range(a, b, fmt)

    return pd.DataFrame(
        {
            "Primary cancer": table["cancer"],
            "Pre-test probability": [f"{p:.1%}" for p in table["prevalence"]],
            "Modality": table["modality"],
            "Sensitivity": [f"{s:.0%}" for s in table["sensitivity"]],
            "Cost per scan": [span(a, b, "{:g}") for a, b in zip(table["cost_low"], table["cost_high"])],
            "Cost per detected patient": [span(a, b) for a, b in zip(table["per_detection_low"], table["per_detection_high"])],
            "Cost per extra detection vs scintigraphy": [
                span(a, b, "{:.1f}") for a, b in zip(table["incremental_low"], table["incremental_high"])],
        }
    )


def cost_figure(costs: dict[str, tuple[float, float]], prevalences: dict[str, tuple[float, float]]) -> plt.Figure:
    """Cost per detected patient against pre-test probability (bands span the cost ranges)."""
    sens = {m: reported_fraction(cid) for m, cid in COST_SENSITIVITIES.items()}
    grid = np.linspace(0.05, 0.95, 200)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for modality, (c_low, c_high) in costs.items():
        colour = MODALITY_COLOURS[modality]
        low = [cost_per_detection(c_low, sens[modality], p) for p in grid]
        high = [cost_per_detection(c_high, sens[modality], p) for p in grid]
        ax.fill_between(100 * grid, low, high, color=colour, alpha=0.3, lw=0)
        ax.plot(100 * grid, high, color=colour, lw=2, label=f"{modality} (cost ×{c_low:g}" +
                ("" if c_low == c_high else f"–{c_high:g}") + f", sens {100 * sens[modality]:g}%)")
    for cancer, (low, high) in prevalences.items():
        ax.axvspan(100 * low, 100 * high, color="grey", alpha=0.15, lw=0)
        ax.text(100 * (low + high) / 2, 0.02, cancer, rotation=90,
                ha="center", va="bottom", fontsize=8, transform=ax.get_xaxis_transform())
    ax.set_yscale("log")
    ax.set_xlabel("Pre-test probability of bone metastasis (%)")
    ax.set_ylabel("Cost per patient with metastases found\n(in bone-scan units, log scale)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- spatial distribution


SPINE_CLAIMS = {"Cervical": "bonemets-spine-cervical", "Thoracic": "bonemets-spine-thoracic",
                "Lumbar": "bonemets-spine-lumbar"}


def radiograph_rule() -> tuple[float, float]:
    """The review's radiographic visibility rule as (lesion diameter in mm, fraction of mineral lost)."""
    size_text = reported("bonemets-radiograph-size-threshold")
    number, _, unit = size_text.partition(" ")
    if unit != "cm":
        raise ValueError(f"bonemets-radiograph-size-threshold: expected a size in cm, got {size_text!r}")
    return 10 * float(number), reported_fraction("bonemets-radiograph-mineral-loss")


def spine_distribution_figure() -> plt.Figure:
    """The review's split of spinal metastases by region, as a stacked bar."""
    shares = {region: reported_fraction(cid) for region, cid in SPINE_CLAIMS.items()}
    fig, ax = plt.subplots(figsize=(7, 1.9))
    left = 0.0
    colours = plt.get_cmap("Blues")(np.linspace(0.35, 0.85, len(shares)))
    for colour, (region, share) in zip(colours, shares.items()):
        ax.barh(0, 100 * share, left=100 * left, color=colour, edgecolor="white")
        ax.text(100 * (left + share / 2), 0, f"{region}\n{share:.0%}", ha="center", va="center", fontsize=9,
                color="white" if colour[:3].mean() < 0.5 else "black")
        left += share
    ax.set_xlim(0, 100)
    ax.set_yticks([])
    ax.set_xlabel("Share of spinal metastases (%), cervical to lumbar")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- arithmetic checks


def _percent(text: str) -> float:
    return float(printed_number(text).value)


def arithmetic_checks() -> dict[str, str | int]:
    """The recounts the checks page explains, as printable values keyed by short names."""
    n = int(_percent(reported("bonemets-panagiotidis-patients")))
    concordant = int(_percent(reported("bonemets-panagiotidis-concordant")))
    naf = int(_percent(reported("bonemets-panagiotidis-naf-more")))
    mri = int(_percent(reported("bonemets-panagiotidis-mri-more")))
    naf_pct, mri_pct, conc_pct = (reported(f"bonemets-panagiotidis-{c}") for c in ("naf-more-pct", "mri-more-pct", "concordant-pct"))
    naf_k = reconstruct_count(naf_pct, n)
    ueda_n = int(_percent(reported("bonemets-ueda-patients")))
    ueda_pct = reported("bonemets-ueda-lesions-outside-mri")
    target = _percent(ueda_pct) / 100 * ueda_n
    below, above = int(np.floor(target)), int(np.ceil(target))
    spine = sum(_percent(reported(cid)) for cid in SPINE_CLAIMS.values())
    return {
        "pan-n": n,
        "pan-concordant": concordant,
        "pan-naf": naf,
        "pan-mri": mri,
        "pan-sum": concordant + naf + mri,
        "pan-naf-pct": naf_pct,
        "pan-naf-five": f"{naf_k}/{n} ({100 * naf_k / n:.2f}%)" if naf_k is not None else "no count",
        "pan-naf-four": f"{100 * naf / n:.2f}%",
        "pan-mri-pct": mri_pct,
        "pan-mri-exact": f"{100 * mri / n:.2f}%",
        "pan-pct-sum": f"{sum(_percent(p) for p in (naf_pct, mri_pct, conc_pct)):.1f}%",
        "ueda-n": ueda_n,
        "ueda-pct": ueda_pct,
        "ueda-below": f"{below}/{ueda_n} = {100 * below / ueda_n:.1f}%",
        "ueda-above": f"{above}/{ueda_n} = {100 * above / ueda_n:.1f}%",
        "ueda-min-n": smallest_denominator([ueda_pct]),
        "spine-sum": f"{spine:g}%",
    }
