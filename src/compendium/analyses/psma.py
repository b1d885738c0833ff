"""Re-analysis of the UCLA Health 68Ga-PSMA-11 PET page (document ``ucla-psma-pet``).

Three questions, one section each:

* burden: the page's 2020 incidence and mortality figures against the American Cancer
  Society's estimates they come from (``acs2020facts``), with the ranks and the rounding;
* timing: how much Ga-68 (and, for comparison, F-18) activity is left after the stated
  one-hour uptake and during the 30-minute scan, and the counts decay costs the scan;
* trial: the head-to-head trial behind "PSMA PET detects more than fluciclovine"
  (Calais et al. 2019, ``calais2019fluciclovine``) re-analysed as paired data.

The small-node phantom comparison of Ga-68 and F-18 lives in :mod:`compendium.analyses.psma_phantom`.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compendium.phantoms import decay_factor
from compendium.phantoms.constants import HALF_LIFE_MIN
from compendium.stats import (
    feasible_paired_tables,
    mcnemar,
    mcnemar_detectable_difference,
    mcnemar_sample_size,
    paired_difference_ci,
    paired_odds_ratio_ci,
    proportion_ci,
    rounds_to,
    sample_size_two_proportions,
)

DOCUMENT = "ucla-psma-pet"
NUCLIDES = ("Ga-68", "F-18")
COLOURS = {"Ga-68": "#c0392b", "F-18": "#2471a3"}

# American Cancer Society, Cancer Facts & Figures 2020, estimated new cases and deaths in
# US men, 2020: the three leading sites of each list (enough to rank prostate cancer).
# Basal and squamous cell skin cancers are not tallied by the ACS.
ACS_2020_MALE_NEW_CASES = {"Prostate": 191_930, "Lung & bronchus": 116_300, "Colon & rectum": 78_300}
ACS_2020_MALE_DEATHS = {"Lung & bronchus": 72_500, "Prostate": 33_330, "Colon & rectum": 28_630}
# What the page prints: "an estimated 191,000 men were diagnosed, with more than 33,000 deaths".
PAGE_NEW_CASES = 191_000
PAGE_DEATHS_BOUND = 33_000


# --------------------------------------------------------------------------- burden
def rank_of(site: str, counts: dict[str, float]) -> int:
    """1-based rank of ``site`` among ``counts`` (largest first).

    >>> rank_of("Prostate", ACS_2020_MALE_DEATHS)
    2
    """
    if site not in counts:
        raise ValueError(f"site must be one of {', '.join(counts)}, got {site!r}")
    return 1 + sum(value > counts[site] for value in counts.values())


def to_thousands(value: float) -> dict[str, int]:
    """``value`` rounded to, and truncated to, whole thousands.

    >>> to_thousands(191_930)
    {'rounded': 192000, 'truncated': 191000}
    """
    if value < 0:
        raise ValueError(f"value must be non-negative, got {value}")
    return {"rounded": int(np.floor(value / 1000 + 0.5) * 1000), "truncated": int(value // 1000 * 1000)}


def burden_table(page_new_cases: float = PAGE_NEW_CASES, page_deaths: float = PAGE_DEATHS_BOUND) -> pd.DataFrame:
    """The page's two figures beside the ACS estimates, their thousands and the ranks."""
    rows = []
    for label, page, counts in (("New cases", page_new_cases, ACS_2020_MALE_NEW_CASES),
                                ("Deaths", page_deaths, ACS_2020_MALE_DEATHS)):
        acs = counts["Prostate"]
        thousands = to_thousands(acs)
        rows.append({
            "quantity": label,
            "ACS 2020": f"{acs:,}",
            "page": f"{page:,.0f}",
            "ACS rounded to 1,000": f"{thousands['rounded']:,}",
            "ACS truncated to 1,000": f"{thousands['truncated']:,}",
            "page minus ACS": f"{page - acs:+,.0f}",
            "rank among male sites": rank_of("Prostate", counts),
        })
    return pd.DataFrame(rows)


def burden_figure() -> plt.Figure:
    """Horizontal bars of the three leading male sites for new cases and deaths, prostate highlighted."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.8), constrained_layout=True)
    for ax, (title, counts) in zip(axes, (("Estimated new cases, US men, 2020", ACS_2020_MALE_NEW_CASES),
                                          ("Estimated deaths, US men, 2020", ACS_2020_MALE_DEATHS))):
        sites = sorted(counts, key=counts.get)
        colours = ["#c0392b" if site == "Prostate" else "#95a5a6" for site in sites]
        ax.barh(sites, [counts[s] / 1000 for s in sites], color=colours)
        for y, site in enumerate(sites):
            ax.text(counts[site] / 1000, y, f" {counts[site]:,}", va="center", fontsize=8)
        ax.set_xlim(0, max(counts.values()) / 1000 * 1.3)
        ax.set_xlabel("thousands")
        ax.set_title(title, fontsize=10)
    return fig


# --------------------------------------------------------------------------- timing
def _half_life(nuclide: str) -> float:
    if nuclide not in HALF_LIFE_MIN:
        raise ValueError(f"nuclide must be one of {', '.join(HALF_LIFE_MIN)}, got {nuclide!r}")
    return HALF_LIFE_MIN[nuclide].value


def frame_decay_loss(nuclide: str, scan_min: float) -> float:
    """Share of counts a frame of ``scan_min`` loses to decay during it, against no decay.

    The mean activity over a frame of length t, relative to its start, is
    (1 − 2^(−t/T)) / (t ln2 / T); the loss is one minus that.

    >>> round(frame_decay_loss("Ga-68", 30), 4), round(frame_decay_loss("F-18", 30), 4)
    (0.139, 0.089)
    """
    if scan_min <= 0:
        raise ValueError(f"scan_min must be positive, got {scan_min}")
    rate = np.log(2) / _half_life(nuclide)
    return float(1 - (1 - np.exp(-rate * scan_min)) / (rate * scan_min))


def timing_table(uptake_min: float = 60, scan_min: float = 30) -> pd.DataFrame:
    """Per nuclide: activity left at scan start and end, mean during the scan, counts lost to decay."""
    if uptake_min < 0:
        raise ValueError(f"uptake_min must be non-negative, got {uptake_min}")
    rows = []
    for nuclide in NUCLIDES:
        start = decay_factor(nuclide, uptake_min)
        loss = frame_decay_loss(nuclide, scan_min)
        rows.append({
            "nuclide": nuclide,
            "half-life (min)": _half_life(nuclide),
            "left at scan start": start,
            "left at scan end": decay_factor(nuclide, uptake_min + scan_min),
            "mean during scan": start * (1 - loss),
            "counts lost during scan": loss,
        })
    return pd.DataFrame(rows)


def timing_figure(uptake_min: float = 60, scan_min: float = 30) -> plt.Figure:
    """Left: activity left vs time since injection, with the uptake and scan windows.
    Right: counts lost to decay during the scan vs scan length."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    end = max(180.0, 1.5 * (uptake_min + scan_min))
    minutes = np.linspace(0, end, 361)
    left.axvspan(0, uptake_min, color="#e5e7e9", label="uptake")
    left.axvspan(uptake_min, uptake_min + scan_min, color="#fdebd0", label="scan")
    for nuclide in NUCLIDES:
        left.plot(minutes, [decay_factor(nuclide, m) for m in minutes], color=COLOURS[nuclide], label=nuclide)
        for t in (uptake_min, uptake_min + scan_min):
            value = decay_factor(nuclide, t)
            left.plot(t, value, "o", color=COLOURS[nuclide], ms=4)
            left.annotate(f"{value:.0%}", (t, value), textcoords="offset points", xytext=(4, 4), fontsize=8)
    left.set(xlabel="minutes since injection", ylabel="activity left (fraction)", ylim=(0, 1.05), xlim=(0, end))
    left.legend(fontsize=8, loc="upper right")
    lengths = np.linspace(1, max(90.0, 2 * scan_min), 200)
    for nuclide in NUCLIDES:
        right.plot(lengths, [100 * frame_decay_loss(nuclide, t) for t in lengths], color=COLOURS[nuclide], label=nuclide)
        right.plot(scan_min, 100 * frame_decay_loss(nuclide, scan_min), "o", color=COLOURS[nuclide], ms=4)
    right.axvline(scan_min, color="0.6", lw=0.8, ls="--")
    right.set(xlabel="scan length (min)", ylabel="counts lost to decay during scan (%)")
    right.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------- trial
# Calais et al. (2019), Lancet Oncol 20:1286-94: 50 men, both scans within 15 days.
# Published: detection 28/50 (PSMA) vs 13/50 (fluciclovine), OR 4.8 (95% CI 1.6-19.2),
# P = 0.0026; pelvic nodes 15/50 vs 4/50, OR 12.0 (1.8-513.0), P = 0.0034; extrapelvic
# 8/50 vs 0/50, P = 0.0078. The discordant cells are not printed in the abstract; they
# follow from the margins and the printed P (see reconstruction_table).
CALAIS_2019 = {
    "patient": {"n": 50, "psma": 28, "fluciclovine": 13, "psma_ci": "41-70", "fluciclovine_ci": "15-40",
                "or": "4.8", "or_low": "1.6", "or_high": "19.2", "p": "0.0026"},
    "pelvic nodes": {"n": 50, "psma": 15, "fluciclovine": 4, "psma_ci": "18-45", "fluciclovine_ci": "2-19",
                     "or": "12.0", "or_low": "1.8", "or_high": "513.0", "p": "0.0034"},
    "extrapelvic": {"n": 50, "psma": 8, "fluciclovine": 0, "psma_ci": "7-29", "fluciclovine_ci": "0-6", "p": "0.0078"},
}


def paired_table(fluciclovine_only: int, region: str = "patient") -> dict[str, int]:
    """Paired cells a (both +), b (PSMA only), c (fluciclovine only), d (both −) of a region,
    given the assumed number of patients positive on fluciclovine only.

    >>> paired_table(4)
    {'a': 9, 'b': 19, 'c': 4, 'd': 18}
    """
    if region not in CALAIS_2019:
        raise ValueError(f"region must be one of {', '.join(CALAIS_2019)}, got {region!r}")
    margins = CALAIS_2019[region]
    n, psma, flu = margins["n"], margins["psma"], margins["fluciclovine"]
    c = int(fluciclovine_only)
    a = flu - c
    b, d = psma - a, n - psma - flu + a
    if min(a, b, c, d) < 0:
        high = min(flu, n - psma)
        raise ValueError(f"fluciclovine_only must be between 0 and {high} for region {region!r}, got {fluciclovine_only}")
    return {"a": a, "b": b, "c": c, "d": d}


def reconstruction_table(region: str = "patient") -> pd.DataFrame:
    """Every table with the published margins: exact McNemar P and b/c against the printed ones."""
    margins = CALAIS_2019[region]
    frame = feasible_paired_tables(margins["n"], margins["psma"], margins["fluciclovine"], None, margins["p"])
    frame = frame[frame.variant == "exact"].copy()
    frame["odds ratio b/c"] = frame.b / frame.c.replace(0, np.nan)
    frame["P matches"] = frame.pvalue_matches.astype(bool)
    frame["OR matches"] = (
        frame["odds ratio b/c"].apply(lambda v: bool(rounds_to(v, margins["or"]))) if "or" in margins else True
    )
    return frame[["a", "b", "c", "d", "pvalue", "P matches", "odds ratio b/c", "OR matches"]].reset_index(drop=True)


def published_check_table(level: float = 0.95) -> pd.DataFrame:
    """The trial's printed detection rates, CIs, odds ratios and P beside their recomputation
    from the reconstructed paired tables (Clopper-Pearson intervals, exact conditional tests)."""
    rows = []
    for region, margins in CALAIS_2019.items():
        n = margins["n"]
        for tracer in ("psma", "fluciclovine"):
            low, high = proportion_ci(margins[tracer], n, "clopper-pearson", level)
            rows.append({"region": region, "quantity": f"{tracer} detection rate",
                         "recomputed": f"{margins[tracer]}/{n} = {margins[tracer] / n:.0%} ({low:.1%} to {high:.1%})",
                         "published": f"{margins[tracer] / n:.0%} ({margins[tracer + '_ci']}%)"})
        table = paired_table(reconstruction_table(region).query("`P matches` and `OR matches`").c.iloc[0], region)
        test = mcnemar(table["b"], table["c"], "exact")
        text = f"P = {test.pvalue:.4f}"
        if table["c"] > 0:
            ratio = paired_odds_ratio_ci(table["b"], table["c"], level)
            text = f"OR = {ratio.value:.2f} ({ratio.low:.2f} to {ratio.high:.2f}); " + text
            published = f"OR {margins['or']} ({margins['or_low']}-{margins['or_high']}); P = {margins['p']}"
        else:
            published = f"OR not estimable; P = {margins['p']}"
        rows.append({"region": region, "quantity": f"paired table a={table['a']}, b={table['b']}, "
                     f"c={table['c']}, d={table['d']}", "recomputed": text, "published": published})
    return pd.DataFrame(rows)[["region", "quantity", "recomputed", "published"]].fillna("")


def mcnemar_table(fluciclovine_only: int = 4, region: str = "patient") -> pd.DataFrame:
    """The four McNemar variants on the paired table of ``region``."""
    cells = paired_table(fluciclovine_only, region)
    rows = []
    for method in ("exact", "mid-p", "asymptotic", "corrected"):
        result = mcnemar(cells["b"], cells["c"], method)
        rows.append({"McNemar variant": method, "statistic": result.statistic, "P": result.pvalue})
    return pd.DataFrame(rows)


def difference_table(fluciclovine_only: int = 4, level: float = 0.95) -> pd.DataFrame:
    """Patient-level detection-rate difference (PSMA − fluciclovine) with four paired intervals,
    the paired odds ratio with its exact and mid-p intervals, and (wrongly) unpaired Newcombe."""
    cells = paired_table(fluciclovine_only)
    n = sum(cells.values())
    estimate = (cells["b"] - cells["c"]) / n
    rows = []
    for method in ("newcombe", "tango", "wald", "bonett-price"):
        low, high = paired_difference_ci(*cells.values(), method=method, level=level)
        rows.append({"quantity": "difference in detection rate", "method": f"paired {method}",
                     "estimate": estimate, "low": low, "high": high})
    for method in ("clopper-pearson", "mid-p"):
        ratio = paired_odds_ratio_ci(cells["b"], cells["c"], level, method)
        rows.append({"quantity": "paired odds ratio b/c", "method": method,
                     "estimate": ratio.value, "low": ratio.low, "high": ratio.high})
    return pd.DataFrame(rows)


def sensitivity_frame(level: float = 0.95) -> pd.DataFrame:
    """Tests and intervals over every feasible number of fluciclovine-only patients (0..13)."""
    margins = CALAIS_2019["patient"]
    rows = []
    for c in range(0, min(margins["fluciclovine"], margins["n"] - margins["psma"]) + 1):
        cells = paired_table(c)
        low, high = paired_difference_ci(*cells.values(), method="newcombe", level=level)
        ratio = paired_odds_ratio_ci(cells["b"], cells["c"], level)
        rows.append({"fluciclovine only (c)": c, "PSMA only (b)": cells["b"],
                     "exact P": mcnemar(cells["b"], cells["c"], "exact").pvalue,
                     "mid-p P": mcnemar(cells["b"], cells["c"], "mid-p").pvalue,
                     "difference low": low, "difference high": high,
                     "OR": ratio.value, "OR low": ratio.low, "OR high": ratio.high})
    return pd.DataFrame(rows)


def sensitivity_figure(frame: pd.DataFrame, assumed: int, alpha: float = 0.05) -> plt.Figure:
    """Exact and mid-p P (log scale) and the paired difference interval against the assumed c."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    c = frame["fluciclovine only (c)"]
    left.semilogy(c, frame["exact P"], "o-", color="#2c3e50", label="exact")
    left.semilogy(c, frame["mid-p P"], "s--", color="#8e44ad", ms=4, label="mid-p")
    left.axhline(alpha, color="#c0392b", lw=1, label=f"α = {alpha:g}")
    left.set(xlabel="patients positive on fluciclovine only (c)", ylabel="McNemar P")
    right.fill_between(c, 100 * frame["difference low"], 100 * frame["difference high"], color="#aed6f1", label="Newcombe interval")
    margins = CALAIS_2019["patient"]
    estimate = 100 * (margins["psma"] - margins["fluciclovine"]) / margins["n"]
    right.axhline(estimate, color="#2c3e50", lw=1,
                  label=f"estimate ({margins['psma']} − {margins['fluciclovine']})/{margins['n']}")
    right.axhline(0, color="#c0392b", lw=1)
    right.set(xlabel="patients positive on fluciclovine only (c)", ylabel="PSMA − fluciclovine (percentage points)")
    for ax in (left, right):
        ax.axvline(assumed, color="0.5", ls=":", label=f"reconstructed c = {assumed}")
        ax.legend(fontsize=8)
    return fig


def sample_size_table(alpha: float = 0.05, power: float = 0.8, design_difference: float = 0.22,
                      fluciclovine_only: int = 4) -> pd.DataFrame:
    """A design analysis of the paired trial (Connor 1987), without post-hoc power.

    For the discordance the trial observed and for the 22-point design difference at
    several discordance levels: the pairs a McNemar trial needs, and the smallest
    difference the trial's own number of pairs detects with ``power`` at that rate of
    fluciclovine-only men.
    """
    observed = paired_table(fluciclovine_only)
    n = sum(observed.values())
    p01_obs, p10_obs = observed["c"] / n, observed["b"] / n
    detectable = f"smallest difference detectable with {n} pairs"
    scenarios = [("observed discordance", p10_obs, p01_obs)]
    scenarios += [(f"design: {design_difference:.0%} difference", p01 + design_difference, p01)
                  for p01 in (0.01, 0.02, 0.05, 0.1, 0.15) if 2 * p01 + design_difference < 1]
    frame = pd.DataFrame([{"scenario": label, "P(PSMA only)": p10, "P(fluciclovine only)": p01,
                           "pairs needed": math.ceil(mcnemar_sample_size(p10, p01, alpha, power)),
                           detectable: mcnemar_detectable_difference(n, p01, alpha, power)}
                          for label, p10, p01 in scenarios])
    return frame


def unpaired_sample_size(alpha: float = 0.05, power: float = 0.8, design_difference: float = 0.22) -> int:
    """Patients per arm of a two-arm trial for fluciclovine's observed 26% against 26% + the design difference."""
    p2 = CALAIS_2019["patient"]["fluciclovine"] / CALAIS_2019["patient"]["n"]
    return int(np.ceil(sample_size_two_proportions(p2 + design_difference, p2, alpha, power)))


def sample_size_figure(alpha: float = 0.05, power: float = 0.8, design_difference: float = 0.22,
                       fluciclovine_only: int = 4) -> plt.Figure:
    """Pairs needed against the fluciclovine-only discordance rate, for the design and observed differences."""
    observed = paired_table(fluciclovine_only)
    n = sum(observed.values())
    fig, ax = plt.subplots(figsize=(6.5, 3.6), constrained_layout=True)
    p01 = np.linspace(0.005, 0.3, 119)
    for difference, label, colour in ((design_difference, f"design difference {design_difference:.0%}", "#2c3e50"),
                                      ((observed["b"] - observed["c"]) / n, "observed difference", "#c0392b")):
        keep = p01 + difference + p01 <= 1
        ax.plot(p01[keep], mcnemar_sample_size(p01[keep] + difference, p01[keep], alpha, power), color=colour, label=label)
    ax.plot(observed["c"] / n, mcnemar_sample_size(observed["b"] / n, observed["c"] / n, alpha, power), "o", color="#c0392b")
    ax.axhline(n, color="0.5", ls=":", label=f"the trial's {n} pairs")
    ax.set(xlabel="share of patients positive on fluciclovine only", ylabel=f"pairs for {power:.0%} power",
           ylim=(0, None))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend(fontsize=8)
    return fig
