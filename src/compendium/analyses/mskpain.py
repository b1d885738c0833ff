"""Re-analysis of the AuntMinnie.com report on FDG-PET/MRI-guided treatment of
musculoskeletal pain (document ``auntminnie-msk-pain-petmr``).

The report gives success counts for PET/MRI-guided treatment and for controls in two
pain groups (chronic low back pain; pain after total hip replacement) but tests
nothing. This module puts intervals on every proportion, runs the comparisons the
report implies (exact tests, a Bayesian posterior, power), and asks which printed
percentages the stated group sizes can produce. Every count is read from the claims
registry (``data/claims/auntminnie-msk-pain-petmr.yaml``), never retyped here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps

from compendium.claims.printed import printed_number
from compendium.claims.registry import document_claims, printed_text, printed_value
from compendium.stats import (
    beta_binomial_difference,
    boschloo,
    fisher_exact,
    independent_difference_ci,
    percent_consistent,
    proportion_ci,
    sample_size_two_proportions,
)

DOCUMENT = "auntminnie-msk-pain-petmr"
PETMR_COLOUR, CONTROL_COLOUR, OTHER_COLOUR = "#1f77b4", "#d62728", "#7f7f7f"


# ----------------------------------------------------------------------------- registry
def reported(claim_id: str) -> str:
    """The printed text of one claim of this document."""
    return printed_text(DOCUMENT, claim_id)


def count(claim_id: str) -> int:
    """A count printed by the report, as an int (from its registry claim)."""
    value = printed_value(DOCUMENT, claim_id)
    if value != int(value):
        raise ValueError(f"claim_id {claim_id!r} is not a count: {reported(claim_id)!r}")
    return int(value)


def _resolve(value):
    """An ``"@claim"`` registry argument as the number that claim prints; numbers pass through."""
    if isinstance(value, str) and value.startswith("@"):
        return printed_value(DOCUMENT, value[1:])
    return value


# ----------------------------------------------------------------------------- proportions
@dataclass(frozen=True)
class Proportion:
    """One proportion of the report: numerator and denominator claims, and its printed percentage.

    ``numerator`` is ``None`` when the report prints only the percentage; the count is
    then the unique k whose k/n rounds to it (an error if it is not unique).
    """

    label: str
    group: str  # "PET/MRI", "Control" or "Cohort"
    numerator: str | None
    denominator: str
    printed: str | None = None

    @property
    def n(self) -> int:
        return count(self.denominator)

    @property
    def x(self) -> int:
        if self.numerator is not None:
            return count(self.numerator)
        candidates = percent_consistent(reported(self.printed), self.n)
        if len(candidates) != 1:
            raise ValueError(f"{self.printed!r} does not fix one count out of {self.n}: {candidates}")
        return candidates[0]


GENERATORS = Proportion("Pain generator found on PET/MRI", "Cohort", "mskpain-generators-n", "mskpain-recruited-n", "mskpain-generators-pct")
TREATED = Proportion("Treated, of those with a pain generator", "Cohort", "mskpain-treated-n", "mskpain-generators-n")
CLBP_PETMR = Proportion("Back pain: success, PET/MRI-guided", "PET/MRI", "mskpain-clbp-petmr-success-n", "mskpain-clbp-petmr-n", "mskpain-clbp-petmr-success-pct")
CLBP_CONTROL = Proportion("Back pain: success, control", "Control", "mskpain-clbp-control-success-n", "mskpain-clbp-control-n", "mskpain-clbp-control-success-pct")
CLBP_RELIEF = Proportion("Back pain: pain relief, PET/MRI-guided", "PET/MRI", None, "mskpain-clbp-petmr-n", "mskpain-pain-relief-petmr-pct")
THR_PETMR = Proportion("Hip replacement: success, PET/MRI-guided", "PET/MRI", "mskpain-thr-petmr-success-n", "mskpain-thr-petmr-n", "mskpain-thr-petmr-success-pct")
THR_CONTROL = Proportion("Hip replacement: success, control", "Control", "mskpain-thr-control-success-n", "mskpain-thr-control-n", "mskpain-thr-control-success-pct")
PROPORTIONS = (GENERATORS, TREATED, CLBP_PETMR, CLBP_CONTROL, CLBP_RELIEF, THR_PETMR, THR_CONTROL)


def proportion_table(ci_method: str = "wilson", level: float = 0.95) -> pd.DataFrame:
    """Every proportion of the report with its confidence interval.

    Examples
    --------
    >>> table = proportion_table()
    >>> row = table.set_index("Proportion").loc["Back pain: success, PET/MRI-guided"]
    >>> int(row["x"]), int(row["n"]), round(float(row["Low"]), 3), round(float(row["High"]), 3)
    (10, 14, 0.454, 0.883)
    """
    rows = []
    for p in PROPORTIONS:
        low, high = proportion_ci(p.x, p.n, method=ci_method, level=level)
        rows.append(
            {
                "Proportion": p.label,
                "Group": p.group,
                "x": p.x,
                "n": p.n,
                "Printed": reported(p.printed) if p.printed else "(not printed)",
                "Estimate": p.x / p.n,
                "Low": low,
                "High": high,
            }
        )
    return pd.DataFrame(rows)


def proportion_figure(table: pd.DataFrame, level: float = 0.95) -> plt.Figure:
    """Forest plot of the proportions in ``table`` (from :func:`proportion_table`)."""
    colours = {"PET/MRI": PETMR_COLOUR, "Control": CONTROL_COLOUR, "Cohort": OTHER_COLOUR}
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    for yi, (_, row) in zip(y, table.iterrows()):
        colour = colours[row["Group"]]
        ax.plot([row["Low"], row["High"]], [yi, yi], color=colour, lw=2.5)
        ax.plot(row["Estimate"], yi, "o", color=colour, ms=7)
        ax.text(1.02, yi, f"{row['x']}/{row['n']}", va="center", fontsize=9, transform=ax.get_yaxis_transform())
    ax.set_yticks(y, table["Proportion"])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel(f"Proportion with {level:.0%} confidence interval")
    ax.grid(axis="x", alpha=0.3)
    handles = [plt.Line2D([], [], color=c, marker="o", lw=2.5, label=g) for g, c in colours.items()]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- comparisons
@dataclass(frozen=True)
class Comparison:
    """A between-group comparison the report implies: PET/MRI-guided vs control success."""

    label: str
    petmr: Proportion
    control: Proportion

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return self.petmr.x, self.petmr.n, self.control.x, self.control.n


COMPARISONS = (
    Comparison("Chronic low back pain", CLBP_PETMR, CLBP_CONTROL),
    Comparison("Total hip replacement", THR_PETMR, THR_CONTROL),
)


def comparison_table(difference_method: str = "newcombe", level: float = 0.95) -> pd.DataFrame:
    """Difference in success rate (PET/MRI minus control) with its interval, and exact tests.

    Two-sided and one-sided (PET/MRI better) P values of Fisher's and Boschloo's tests.
    scipy's two-sided Boschloo P is twice the smaller one-sided P, so it can exceed
    Fisher's two-sided P, which sums the tables no more probable than the observed one.

    Examples
    --------
    >>> row = comparison_table().iloc[0]
    >>> round(float(row["Difference"]), 3), round(float(row["Fisher P (two-sided)"]), 3)
    (0.253, 0.252)
    """
    rows = []
    for comp in COMPARISONS:
        x1, n1, x2, n2 = comp.counts
        low, high = independent_difference_ci(x1, n1, x2, n2, method=difference_method, level=level)
        rows.append(
            {
                "Comparison": comp.label,
                "PET/MRI": f"{x1}/{n1}",
                "Control": f"{x2}/{n2}",
                "Difference": x1 / n1 - x2 / n2,
                "Low": low,
                "High": high,
                "Fisher P (two-sided)": fisher_exact(x1, n1, x2, n2).pvalue,
                "Fisher P (one-sided)": fisher_exact(x1, n1, x2, n2, alternative="greater").pvalue,
                "Boschloo P (two-sided)": boschloo(x1, n1, x2, n2).pvalue,
                "Boschloo P (one-sided)": boschloo(x1, n1, x2, n2, alternative="greater").pvalue,
            }
        )
    return pd.DataFrame(rows)


def posteriors(prior=(1.0, 1.0), draws: int = 100_000, seed=0) -> dict:
    """Posterior of p(PET/MRI) - p(control) for each comparison, one seeded stream for all."""
    rng = np.random.default_rng(seed)
    return {comp.label: beta_binomial_difference(*comp.counts, prior=tuple(prior), draws=draws, seed=rng) for comp in COMPARISONS}


def posterior_table(results: dict, level: float = 0.95) -> pd.DataFrame:
    """Posterior mean, equal-tailed credible interval and P(PET/MRI better) per comparison."""
    rows = []
    for label, res in results.items():
        low, high = res.interval(level)
        rows.append(
            {
                "Comparison": label,
                "Posterior mean": res.mean,
                "Low": low,
                "High": high,
                "P(PET/MRI better)": res.prob_greater,
                "P(difference > 0.2)": res.prob_exceeds(0.2),
            }
        )
    return pd.DataFrame(rows)


def posterior_figure(results: dict, level: float = 0.95) -> plt.Figure:
    """Posterior densities of the difference in success rate, one panel per comparison."""
    fig, axes = plt.subplots(1, len(results), figsize=(9, 3.6), sharey=True)
    grid = np.linspace(-1, 1, 401)
    densities = {label: sps.gaussian_kde(res.draws[:20_000], bw_method=0.08)(grid) for label, res in results.items()}
    top = max(d.max() for d in densities.values())
    for ax, (label, res) in zip(np.atleast_1d(axes), results.items()):
        density = densities[label]
        ax.plot(grid, density, color="black", lw=1.5)
        ax.fill_between(grid, density, where=grid > 0, color=PETMR_COLOUR, alpha=0.35, label="PET/MRI better")
        ax.fill_between(grid, density, where=grid <= 0, color=CONTROL_COLOUR, alpha=0.35, label="Control better")
        low, high = res.interval(level)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"{label}\nP(PET/MRI better) = {res.prob_greater:.2f}", fontsize=10)
        ax.plot([low, high], [1.1 * top, 1.1 * top], color="black", lw=2)
        ax.text((low + high) / 2, 1.1 * top, f"{level:.0%} credible interval", ha="center", va="bottom", fontsize=8)
        ax.set_ylim(0, 1.3 * top)
        ax.set_xlabel("Difference in success rate, PET/MRI minus control")
        ax.set_xlim(-1, 1)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:+.0%}" if v else "0%"))
    np.atleast_1d(axes)[0].set_ylabel("Posterior density")
    np.atleast_1d(axes)[0].legend(loc="center left", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- power
@lru_cache(maxsize=32)
def _rejection_region(n1: int, n2: int, alpha: float, test: str) -> np.ndarray:
    """Boolean (n1 + 1) x (n2 + 1) array: which outcomes (x1, x2) the two-sided test rejects."""
    test_fn = {"fisher": fisher_exact, "boschloo": boschloo}[test]
    return np.array([[test_fn(x1, n1, x2, n2).pvalue <= alpha for x2 in range(n2 + 1)] for x1 in range(n1 + 1)])


def exact_power(p1: float, p2: float, n1: int, n2: int, alpha: float = 0.05, test: str = "fisher") -> float:
    """Exact power of the two-sided Fisher or Boschloo test with unequal group sizes.

    Sums the binomial probabilities of every outcome (x1, x2) that the test rejects
    at level ``alpha`` (enumeration, as in Suissa & Shuster 1985). Written here
    because ``compendium.stats`` has only the normal-approximation power for equal
    groups, which is far off with groups of 5 to 14.

    Examples
    --------
    Under the null hypothesis the power is the actual size, which is below alpha:

    >>> exact_power(0.5, 0.5, 10, 10) < 0.05
    True
    """
    for name, value in (("p1", p1), ("p2", p2)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    for name, value in (("n1", n1), ("n2", n2)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if test not in ("fisher", "boschloo"):
        raise ValueError(f"test must be 'fisher' or 'boschloo', got {test!r}")
    region = _rejection_region(int(n1), int(n2), float(alpha), test)
    probability = np.outer(sps.binom.pmf(np.arange(n1 + 1), n1, p1), sps.binom.pmf(np.arange(n2 + 1), n2, p2))
    return float(probability[region].sum())


def detectable_rate(p_control: float, n1: int, n2: int, alpha: float = 0.05, power: float = 0.8,
                    test: str = "fisher", step: float = 0.001) -> float:
    """Smallest PET/MRI success rate the exact test detects with ``power`` against ``p_control``.

    The design (sensitivity) analysis of a finished study: with its group sizes fixed and
    the control rate as observed, scan the PET/MRI rate upwards on a grid of ``step`` and
    return the first at which :func:`exact_power` reaches ``power``; NaN when even a rate
    of 1 falls short.

    >>> rate = detectable_rate(0.5, 20, 20)
    >>> exact_power(rate, 0.5, 20, 20) >= 0.8 > exact_power(rate - 0.001, 0.5, 20, 20)
    True
    """
    for rate in np.arange(p_control, 1.0 + step / 2, step):
        if exact_power(min(float(rate), 1.0), p_control, n1, n2, alpha, test) >= power:
            return round(min(float(rate), 1.0), 6)
    return float("nan")


def design_table(alpha: float = 0.05, target_powers=(0.8, 0.9)) -> pd.DataFrame:
    """What a confirmatory trial needs and what this study could have detected; no post-hoc power.

    ``n per group``: equal groups for the observed success rates to be detected with each
    target power (normal approximation of R's ``power.prop.test``, rounded up). ``smallest
    detectable rate``: the PET/MRI success rate Fisher's exact test detects with the first
    target power at the study's own group sizes and observed control rate (NaN: none).
    """
    rows = []
    for comp in COMPARISONS:
        x1, n1, x2, n2 = comp.counts
        p1, p2 = x1 / n1, x2 / n2
        row = {"Comparison": comp.label, "Observed rates": f"{p1:.0%} vs {p2:.0%}", "Groups": f"{n1} + {n2}"}
        for target in target_powers:
            row[f"n per group for {target:.0%}"] = math.ceil(sample_size_two_proportions(p1, p2, alpha, target))
        row["Smallest detectable PET/MRI rate"] = detectable_rate(p2, n1, n2, alpha, min(target_powers))
        rows.append(row)
    return pd.DataFrame(rows)


def design_figure(alpha: float = 0.05, power: float = 0.8) -> plt.Figure:
    """Exact Fisher power at the study's group sizes against the true PET/MRI success rate.

    The control rate is held at its observed value; where a curve crosses the target power is
    the smallest effect the study could detect.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4))
    for comp, colour in zip(COMPARISONS, ("#1f77b4", "#ff7f0e")):
        _, n1, x2, n2 = comp.counts
        p2 = x2 / n2
        rates = np.linspace(p2, 1.0, 121)
        ax.plot(rates, [exact_power(r, p2, n1, n2, alpha) for r in rates], color=colour,
                label=f"{comp.label} ({n1} + {n2}; control {p2:.0%})")
        smallest = detectable_rate(p2, n1, n2, alpha, power)
        if np.isfinite(smallest):
            ax.plot([smallest, smallest], [0, power], ls=":", color=colour, lw=1)
    ax.axhline(power, color="grey", ls="--", lw=0.8)
    ax.text(0.0, power, f"{power:.0%} ", va="center", ha="right", fontsize=8, color="grey")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="True success rate with PET/MRI guidance",
           ylabel=f"Power of Fisher's test (two-sided, α = {alpha:g})")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- attainability
def printed_percentages() -> list[tuple[str, str, int]]:
    """(claim id, printed text, stated group size) for every percentage claim of the report."""
    rows = []
    for claim in document_claims(DOCUMENT).values():
        if claim.unit != "%":
            continue
        args = claim.args or {}
        stated = args.get("denominator", args.get("stated"))
        rows.append((claim.id, claim.reported, int(_resolve(stated))))
    return rows


def fitting_denominators(printed: str, max_denominator: int = 40) -> list[int]:
    """Every denominator n <= ``max_denominator`` for which some k/n rounds to ``printed``.

    Examples
    --------
    >>> fitting_denominators("52%", 30)
    [21, 23, 25, 27, 29]
    """
    return [n for n in range(1, max_denominator + 1) if percent_consistent(printed, n)]


def attainability_table(max_denominator: int = 40) -> pd.DataFrame:
    """For each printed percentage: attainable with its stated group? and which denominators fit."""
    rows = []
    for claim_id, printed, n in printed_percentages():
        ks = percent_consistent(printed, n)
        near = [f"{k}/{n} = {100 * k / n:.1f}%" for k in _neighbours(printed, n)]
        rows.append(
            {
                "Claim": claim_id,
                "Printed": printed,
                "Stated n": n,
                "Attainable": "yes" if ks else "no",
                "k / n": ", ".join(f"{k}/{n}" for k in ks) if ks else "nearest: " + ", ".join(near),
                f"Denominators up to {max_denominator} that fit": ", ".join(map(str, fitting_denominators(printed, max_denominator))),
            }
        )
    return pd.DataFrame(rows)


def _neighbours(printed: str, n: int) -> list[int]:
    """The counts just below and above the printed percentage of n."""
    value = printed_number(printed).value * n / 100
    return sorted({max(0, math.floor(value)), min(n, math.ceil(value))})


def attainability_figure(max_denominator: int = 40) -> plt.Figure:
    """Grid of printed percentages (rows) by denominators (columns): filled where some k/n fits."""
    rows = printed_percentages()
    denominators = np.arange(1, max_denominator + 1)
    grid = np.array([[bool(percent_consistent(printed, n)) for n in denominators] for _, printed, _ in rows])
    fig, ax = plt.subplots(figsize=(max(7.5, 0.2 * max_denominator + 3), 0.42 * len(rows) + 1.4))
    ax.imshow(grid, cmap=plt.matplotlib.colors.ListedColormap(["white", "#9ecae1"]), aspect="auto",
              extent=(0.5, max_denominator + 0.5, len(rows) - 0.5, -0.5))
    for i, (_, printed, n) in enumerate(rows):
        if n <= max_denominator:
            fits = grid[i, n - 1]
            ax.add_patch(plt.Rectangle((n - 0.5, i - 0.5), 1, 1, fill=False, lw=2,
                                       edgecolor=PETMR_COLOUR if fits else CONTROL_COLOUR))
            ax.text(n, i, "✓" if fits else "✗", ha="center", va="center", fontsize=12, fontweight="bold",
                    color=PETMR_COLOUR if fits else CONTROL_COLOUR)
    ax.set_yticks(range(len(rows)), [f"{printed}  ({cid.removeprefix('mskpain-')})" for cid, printed, _ in rows], fontsize=8)
    ax.set_xticks(denominators[denominators % 5 == 0])
    ax.set_xticks(denominators, minor=True)
    ax.grid(which="minor", axis="x", color="#dddddd", lw=0.5)
    ax.set_xlabel("Denominator n (shaded: some k/n rounds to the printed percentage; box: the group size the report states)")
    fig.tight_layout()
    return fig
