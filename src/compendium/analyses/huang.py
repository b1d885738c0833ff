"""Re-analysis of Huang et al. (2021), 18F-FDG PET/MR for liver metastases (``huang2021-liver-petmr``).

The paper prints two accuracy tables (306 lesions, 75 patients) for contrast-enhanced CT,
PET, MR and PET/MR, McNemar statistics comparing PET/MR with each single modality, and
subgroup counts by primary tumour. This module holds those printed numbers and rebuilds
everything from them: the tables with intervals, the paired 2x2 tables the statistics can
come from, a multiverse of P values, McNemar sample sizes and a Bayesian comparison.

Convention for every paired table (as in :mod:`compendium.stats`): test 1 is the single
modality, test 2 is PET/MR; for sensitivity a "positive" is a metastasis called positive,
for specificity a "positive" is a benign lesion (or patient) called negative, so ``c > b``
always means PET/MR did better.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps

from compendium.stats import (
    diagnostic_accuracy,
    feasible_paired_tables,
    mcnemar,
    mcnemar_detectable_difference,
    mcnemar_sample_size,
    parse_reported,
    pvalue_from_statistic,
    rounds_to,
)

MODALITIES = ("CT", "PET", "MR", "PET/MR")
COMPARATORS = ("CT", "PET", "MR")
MEASURES = ("sensitivity", "specificity", "ppv", "npv", "accuracy")
LEVELS = ("lesion", "patient")
VARIANTS = ("asymptotic", "corrected", "exact", "mid-p")

# (TP, FP, FN, TN) per modality, from the numerators and denominators printed in Tables 1 and 2.
COUNTS = {
    "lesion": {"CT": (134, 4, 45, 123), "PET": (108, 0, 71, 127), "MR": (177, 9, 2, 118), "PET/MR": (179, 10, 0, 117)},
    "patient": {"CT": (37, 4, 8, 26), "PET": (38, 0, 7, 30), "MR": (43, 9, 2, 21), "PET/MR": (45, 9, 0, 21)},
}

# Percentages exactly as printed (Table 1: lesions; Table 2: patients).
PRINTED = {
    "lesion": {
        "CT": ("74.9%", "96.9%", "97.1%", "73.2%", "84.0%"),
        "PET": ("60.3%", "100%", "100%", "64.1%", "76.8%"),
        "MR": ("98.9%", "92.9%", "95.2%", "98.3%", "96.4%"),
        "PET/MR": ("100%", "92.1%", "94.7%", "100%", "96.7%"),
    },
    "patient": {
        "CT": ("82.2%", "86.7%", "90.2%", "76.5%", "84.0%"),
        "PET": ("84.4%", "100%", "100%", "81.1%", "90.7%"),
        "MR": ("95.6%", "70.0%", "82.7%", "91.3%", "85.3%"),
        "PET/MR": ("100%", "70.0%", "83.3%", "100%", "88.0%"),
    },
}

# McNemar results as printed in the Results section: (level, measure, comparator) -> (chi2, P).
# "overall" is the paper's "整体诊断效能" (overall diagnostic efficacy). Garbled P values
# (printed with a chi-square sign, e.g. "均 χ²=0.001") are read as the bound they stand for.
REPORTED_TESTS = {
    ("lesion", "overall", "CT"): ("51.000", "<0.001"),
    ("lesion", "overall", "PET"): ("81.000", "<0.001"),
    ("lesion", "overall", "MR"): ("2.000", "0.368"),
    ("lesion", "sensitivity", "CT"): ("45.000", "<0.001"),
    ("lesion", "sensitivity", "PET"): ("71.000", "<0.001"),
    ("lesion", "sensitivity", "MR"): ("0.500", "0.479"),
    ("lesion", "specificity", "CT"): ("4.167", "<0.05"),
    ("lesion", "specificity", "PET"): ("8.200", "<0.05"),
    ("lesion", "specificity", "MR"): ("0.005", None),
    ("patient", "overall", "CT"): ("13.000", "0.002"),
    ("patient", "overall", "PET"): ("16.000", "<0.001"),
    ("patient", "overall", "MR"): ("2.000", "0.368"),
    ("patient", "sensitivity", "CT"): ("6.125", "<0.05"),
    ("patient", "sensitivity", "PET"): ("5.143", "<0.05"),
    ("patient", "sensitivity", "MR"): ("0.500", "0.479"),
    ("patient", "specificity", "CT"): ("3.200", ">0.05"),
    ("patient", "specificity", "PET"): ("7.111", "0.008"),
    ("patient", "specificity", "MR"): ("0.000", ">0.05"),
}

# Patient-level subgroups (Results, part 3): diseased, non-diseased, TP and TN per modality.
SUBGROUPS = {
    "PDAC": {"n_pos": 19, "n_neg": 17, "tp": (16, 18, 18, 19), "tn": (16, 17, 14, 17)},
    "NET": {"n_pos": 10, "n_neg": 5, "tp": (6, 6, 10, 10), "tn": (3, 5, 1, 1)},
    "CRC": {"n_pos": 9, "n_neg": 1, "tp": (9, 9, 9, 9), "tn": (1, 1, 1, 1)},
}
SUBGROUP_PATIENTS = {"PDAC": 36, "NET": 15, "CRC": 10, "other": 14}


def _check_level(level):
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return level


def _check_comparator(comparator):
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {', '.join(COMPARATORS)}, got {comparator!r}")
    return comparator


def accuracy_table(level="lesion", method="wilson", ci_level=0.95) -> pd.DataFrame:
    """Every accuracy measure of one table, recomputed with its interval, beside the printed value.

    Examples
    --------
    >>> t = accuracy_table("lesion")
    >>> row = t[(t.modality == "CT") & (t.measure == "sensitivity")].iloc[0]
    >>> row.counts, round(float(row.value), 4), bool(row.matches)
    ('134/179', 0.7486, True)
    """
    _check_level(level)
    rows = []
    for modality in MODALITIES:
        tp, fp, fn, tn = COUNTS[level][modality]
        acc = diagnostic_accuracy(tp, fp, fn, tn, method=method, level=ci_level)
        fractions = (f"{tp}/{tp + fn}", f"{tn}/{tn + fp}", f"{tp}/{tp + fp}", f"{tn}/{tn + fn}",
                     f"{tp + tn}/{tp + fp + fn + tn}")
        for measure, counts, printed in zip(MEASURES, fractions, PRINTED[level][modality]):
            estimate = getattr(acc, measure)
            rows.append({"modality": modality, "measure": measure, "counts": counts, "printed": printed,
                         "value": estimate.value, "low": estimate.low, "high": estimate.high,
                         "matches": bool(rounds_to(100 * estimate.value, parse_reported(printed)))})
    return pd.DataFrame(rows)


def accuracy_display(table: pd.DataFrame) -> pd.DataFrame:
    """The accuracy table laid out for reading: one row per modality and measure, percentages."""
    out = table[["modality", "measure", "counts", "printed"]].copy()
    out["recomputed (95% CI)"] = [f"{100 * v:.1f}% ({100 * lo:.1f}–{100 * hi:.1f})"
                                  for v, lo, hi in zip(table.value, table.low, table.high)]
    out["agrees"] = np.where(table.matches, "yes", "no")
    return out


def union_rule_check(level="lesion") -> pd.DataFrame:
    """Does PET/MR obey its own definition, positive if PET or MR is positive?

    Under that rule the PET/MR positives among diseased (TP) and among non-diseased (FP)
    must lie between max(PET, MR) and min(PET + MR, n); where PET has no positives at
    all they must equal MR's exactly.

    Examples
    --------
    >>> bool(union_rule_check("lesion").set_index("group").loc["non-diseased", "consistent"])
    False
    """
    _check_level(level)
    c = COUNTS[level]
    rows = []
    for group, index, n in (("diseased", 0, c["PET/MR"][0] + c["PET/MR"][2]),
                            ("non-diseased", 1, c["PET/MR"][1] + c["PET/MR"][3])):
        pet, mr, combined = c["PET"][index], c["MR"][index], c["PET/MR"][index]
        low, high = max(pet, mr), min(pet + mr, n)
        rows.append({"group": group, "PET positive": pet, "MR positive": mr, "PET/MR positive": combined,
                     "allowed": f"{low}–{high}" if low < high else str(low),
                     "consistent": bool(low <= combined <= high)})
    return pd.DataFrame(rows)


def subgroup_check() -> pd.DataFrame:
    """Patients left for the 'other tumours' group once the three named subgroups are removed.

    Each modality's remainder (TP, TN) must fit inside the remainder of diseased and
    non-diseased patients; and because PET has no false positives in any group, the
    either-positive rule requires PET/MR false positives to equal MR false positives in
    every group, the 'other' group included.
    """
    total = COUNTS["patient"]
    n_pos = sum(g["n_pos"] for g in SUBGROUPS.values())
    n_neg = sum(g["n_neg"] for g in SUBGROUPS.values())
    rest_pos, rest_neg = 45 - n_pos, 30 - n_neg
    rows = []
    for i, modality in enumerate(MODALITIES):
        tp = total[modality][0] - sum(g["tp"][i] for g in SUBGROUPS.values())
        fp_named = sum(g["n_neg"] - g["tn"][i] for g in SUBGROUPS.values())
        fp = total[modality][1] - fp_named
        rows.append({"modality": modality, "other: diseased": rest_pos, "other: TP": tp,
                     "other: non-diseased": rest_neg, "other: FP": fp,
                     "named groups: FP": fp_named,
                     "fits": bool(0 <= tp <= rest_pos and 0 <= fp <= rest_neg)})
    return pd.DataFrame(rows)


def margins(level, measure, comparator) -> tuple[int, int, int]:
    """(n, positives of the comparator, positives of PET/MR) for a sensitivity or specificity comparison.

    >>> margins("patient", "specificity", "CT")
    (30, 26, 21)
    """
    _check_level(level), _check_comparator(comparator)
    tp1, fp1, fn1, tn1 = COUNTS[level][comparator]
    tp2, fp2, fn2, tn2 = COUNTS[level]["PET/MR"]
    if measure == "sensitivity":
        return tp1 + fn1, tp1, tp2
    if measure == "specificity":
        return tn1 + fp1, tn1, tn2
    raise ValueError(f"measure must be 'sensitivity' or 'specificity', got {measure!r}")


def implied_table(level, measure, comparator) -> tuple[int, int, int, int]:
    """The paired table (a, b, c, d) with the fewest discordant pairs the margins allow.

    For PET and MR this is the table the either-positive rule forces wherever the
    printed counts obey it; for CT it is the table every printed statistic points to.

    >>> implied_table("lesion", "sensitivity", "CT")
    (134, 0, 45, 0)
    """
    n, pos1, pos2 = margins(level, measure, comparator)
    a = min(pos1, pos2)
    return a, pos1 - a, pos2 - a, n - pos1 - pos2 + a


def _matches(value, printed):
    return printed is not None and bool(rounds_to(value, parse_reported(printed)))


def trace_component(level, measure, comparator) -> pd.DataFrame:
    """Every feasible table and McNemar variant whose chi-square or P agrees with the printed value.

    Columns as :func:`compendium.stats.feasible_paired_tables`; rows where neither the
    statistic nor the P agrees are dropped.
    """
    statistic, pvalue = REPORTED_TESTS[(level, measure, comparator)]
    frame = feasible_paired_tables(*margins(level, measure, comparator), statistic, pvalue)
    agrees = frame.statistic_matches.fillna(False).astype(bool) | frame.pvalue_matches.fillna(False).astype(bool)
    return frame[agrees].reset_index(drop=True)


def trace_overall(level, comparator) -> pd.DataFrame:
    """Trace the 'overall' statistic as a Bowker test over the TP/FN/FP/TN cross-classification.

    Crossing the comparator's four outcomes with PET/MR's gives a 4x4 table whose only
    off-diagonal cells are the sensitivity and specificity discordances, so Bowker's
    statistic is the sum of the two uncorrected McNemar statistics, on 2 degrees of
    freedom (1 when one pair of cells is empty). Every combination of feasible tables is
    tried with df 1 and 2.
    """
    statistic, pvalue = REPORTED_TESTS[(level, "overall", comparator)]
    parts = []
    for measure in ("sensitivity", "specificity"):
        n, pos1, pos2 = margins(level, measure, comparator)
        a = np.arange(max(0, pos1 + pos2 - n), min(pos1, pos2) + 1)
        parts.append(pd.DataFrame({f"b_{measure[:4]}": pos1 - a, f"c_{measure[:4]}": pos2 - a}))
    grid = parts[0].merge(parts[1], how="cross")
    rows = []
    for r in grid.itertuples(index=False):
        terms = [(b - c) ** 2 / (b + c) for b, c in ((r.b_sens, r.c_sens), (r.b_spec, r.c_spec)) if b + c > 0]
        chi2 = float(sum(terms))
        for df in (1, 2):
            p = float(pvalue_from_statistic(chi2, "chi2", df)) if terms else 1.0
            rows.append({**r._asdict(), "df": df, "statistic": chi2, "pvalue": p,
                         "matches": _matches(chi2, statistic) and (pvalue is None or _matches(p, pvalue))})
    frame = pd.DataFrame(rows)
    frame["discordant"] = frame[["b_sens", "c_sens", "b_spec", "c_spec"]].sum(axis=1)
    frame = frame[frame.matches].sort_values(["discordant", "df"], ascending=[True, False], kind="stable")
    return frame.reset_index(drop=True)


def _tables_text(frame):
    tables = sorted({(int(r.b), int(r.c)) for r in frame.itertuples()})
    return "; ".join(f"b={b}, c={c}" for b, c in tables[:2]) + (" …" if len(tables) > 2 else "")


def _describe_components(level, measure, comparator):
    frame = trace_component(level, measure, comparator)
    statistic_ok = frame.statistic_matches.fillna(False).astype(bool)
    both = frame[statistic_ok & frame.matches.fillna(False).astype(bool)]
    if not both.empty:
        return f"{'/'.join(sorted(set(both.variant)))} McNemar, {_tables_text(both)}"
    if statistic_ok.any():
        hit = frame[statistic_ok].iloc[0]
        return (f"{hit.variant} McNemar, b={hit.b}, c={hit.c} gives the χ², but its P is {hit.pvalue:.4f} "
                f"(printed value truncated, not rounded)")
    if not frame.empty:
        return f"only the P of the {'/'.join(sorted(set(frame.variant)))} test ({_tables_text(frame)}); no χ² variant gives the statistic"
    return "nothing: no table with these margins gives it under any variant"


def _describe_overall(level, comparator):
    matches = trace_overall(level, comparator)
    if matches.empty:
        return "no Bowker sum with these margins, on 1 or 2 df"
    r = matches.iloc[0]
    dfs = sorted(set(matches[matches.discordant == r.discordant].df))
    return (f"Bowker (sum of uncorrected McNemar: sensitivity b={r.b_sens}, c={r.c_sens}; "
            f"specificity b={r.b_spec}, c={r.c_spec}) on {' or '.join(map(str, dfs))} df")


def statistic_variants(level, measure, comparator) -> tuple[str, ...]:
    """The McNemar variants whose χ² on some feasible table rounds to the printed statistic.

    >>> statistic_variants("lesion", "sensitivity", "MR"), statistic_variants("lesion", "sensitivity", "CT")
    (('corrected',), ('asymptotic',))
    """
    frame = trace_component(level, measure, comparator)
    return tuple(v for v in VARIANTS if v in set(frame[frame.statistic_matches.fillna(False).astype(bool)].variant))


_VARIANT_WORDS = {"asymptotic": "uncorrected", "corrected": "continuity-corrected"}


def variant_summary() -> str:
    """Which χ² variant reproduces each printed McNemar statistic, as a phrase built from the trace.

    Comparisons are grouped by the set of variants that give their χ²; a statistic no
    variant gives is left out (the trace table lists it).

    >>> variant_summary().split("; ")[0]
    'uncorrected for lesion-level sensitivity against CT and PET'
    """
    groups: dict[tuple[str, ...], dict[tuple[str, str], list[str]]] = {}
    for (level, measure, comparator) in REPORTED_TESTS:
        if measure == "overall":
            continue
        found = tuple(v for v in statistic_variants(level, measure, comparator) if v in _VARIANT_WORDS)
        if found:
            groups.setdefault(found, {}).setdefault((level, measure), []).append(comparator)

    def listing(items):
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    phrases = []
    for found, parts in sorted(groups.items(), key=lambda item: (len(item[0]), item[0] != ("asymptotic",))):
        words = "either uncorrected or continuity-corrected" if len(found) > 1 else _VARIANT_WORDS[found[0]]
        where = [f"{level}-level {measure} against {listing(comps)}" for (level, measure), comps in parts.items()]
        phrases.append(f"{words} for {listing(where)}")
    return "; ".join(phrases)


def trace_table(level="lesion") -> pd.DataFrame:
    """Per printed comparison: what reproduces it, and the values of the paper's most likely table."""
    _check_level(level)
    rows = []
    for (lvl, measure, comparator), (statistic, pvalue) in REPORTED_TESTS.items():
        if lvl != level:
            continue
        if measure == "overall":
            explained = _describe_overall(level, comparator)
            attainable = not trace_overall(level, comparator).empty
        else:
            explained = _describe_components(level, measure, comparator)
            attainable = bool(trace_component(level, measure, comparator).statistic_matches.fillna(False).any())
        rows.append({"comparison": f"PET/MR vs {comparator}", "measure": measure, "printed χ²": statistic,
                     "printed P": pvalue or "—", "attainable": "yes" if attainable else "no",
                     "reproduced by": explained})
    return pd.DataFrame(rows)


def overall_bowker(level, comparator) -> tuple[float, float]:
    """Bowker statistic and P (2 df) of the minimal-discordance tables: what 'overall' should read."""
    chi2 = 0.0
    for measure in ("sensitivity", "specificity"):
        _, b, c, _ = implied_table(level, measure, comparator)
        chi2 += (b - c) ** 2 / (b + c) if b + c else 0.0
    return chi2, float(pvalue_from_statistic(chi2, "chi2", 2))


def subgroup_tests(variant="corrected") -> pd.DataFrame:
    """McNemar of each subgroup comparison, on the minimal-discordance table the printed counts allow."""
    rows = []
    for group, g in SUBGROUPS.items():
        for measure, key, n in (("sensitivity", "tp", g["n_pos"]), ("specificity", "tn", g["n_neg"])):
            pos2 = g[key][3]
            for i, comparator in enumerate(COMPARATORS):
                pos1 = g[key][i]
                a = min(pos1, pos2)
                b, c = pos1 - a, pos2 - a
                result = mcnemar(b, c, variant)
                rows.append({"subgroup": group, "measure": measure, "comparison": f"PET/MR vs {comparator}",
                             "single": f"{pos1}/{n}", "PET/MR": f"{pos2}/{n}", "b": b, "c": c,
                             "statistic": result.statistic, "P": result.pvalue})
    return pd.DataFrame(rows)


def design_effect(level, icc) -> float:
    """Kish design effect 1 + (m - 1) ICC for lesions clustered in patients (m = mean lesions per patient).

    Lesions of one patient are not independent; dividing a lesion-level chi-square by the
    design effect is the first-order cluster adjustment (Durkalski et al. 2003 give the
    exact clustered McNemar, which needs per-patient counts the paper does not print).

    >>> round(design_effect("lesion", 0.1), 3)
    1.308
    """
    if not 0 <= icc <= 1:
        raise ValueError(f"icc must be in [0, 1], got {icc!r}")
    if level == "patient":
        return 1.0
    _check_level(level)
    # 306 lesions in 75 patients: the paper gives only these totals.
    return 1.0 + (306 / 75 - 1.0) * icc


def multiverse(icc=0.1) -> pd.DataFrame:
    """P value of every comparison under every analysis choice.

    Choices: level (lesion, patient), McNemar variant (asymptotic, corrected, exact,
    mid-p), clustering (none, or the design-effect adjustment with ``icc`` at lesion level),
    and for 'overall' the Bowker statistic on 2 df or the same statistic on 1 df.
    """
    rows = []
    for level in LEVELS:
        deff = design_effect(level, icc)
        for comparator in COMPARATORS:
            for measure in ("sensitivity", "specificity"):
                _, b, c, _ = implied_table(level, measure, comparator)
                for variant in VARIANTS:
                    p = mcnemar(b, c, variant).pvalue if b + c else 1.0
                    rows.append({"level": level, "comparator": comparator, "measure": measure,
                                 "choice": variant, "pvalue": float(p)})
                if level == "lesion" and b + c:
                    chi2 = (b - c) ** 2 / (b + c) / deff
                    rows.append({"level": level, "comparator": comparator, "measure": measure,
                                 "choice": "cluster-adjusted", "pvalue": float(pvalue_from_statistic(chi2))})
            chi2, p2 = overall_bowker(level, comparator)
            rows.append({"level": level, "comparator": comparator, "measure": "overall",
                         "choice": "Bowker 2 df", "pvalue": p2})
            rows.append({"level": level, "comparator": comparator, "measure": "overall",
                         "choice": "Bowker 1 df", "pvalue": float(pvalue_from_statistic(chi2, "chi2", 1))})
            if level == "lesion":
                rows.append({"level": level, "comparator": comparator, "measure": "overall",
                             "choice": "cluster-adjusted",
                             "pvalue": float(pvalue_from_statistic(chi2 / deff, "chi2", 2))})
    return pd.DataFrame(rows)


def multiverse_figure(frame: pd.DataFrame, alpha=0.05):
    """Dot plot: one row per comparison, one marker per analysis choice, P on a log axis against alpha."""
    choices = list(dict.fromkeys(frame.choice))
    markers = dict(zip(choices, "os^vDPXh"))
    labels = [(lv, m, cmp) for lv in LEVELS for m in ("sensitivity", "specificity", "overall") for cmp in COMPARATORS]
    fig, ax = plt.subplots(figsize=(7.5, 8))
    for y, (lv, m, cmp) in enumerate(labels):
        sub = frame[(frame.level == lv) & (frame.measure == m) & (frame.comparator == cmp)]
        for k, r in enumerate(sub.itertuples()):
            ax.scatter(max(r.pvalue, 1e-25), y + 0.08 * (k - len(sub) / 2), marker=markers[r.choice],
                       color=f"C{choices.index(r.choice)}", s=28,
                       label=r.choice if y == 0 or r.choice not in ax.get_legend_handles_labels()[1] else None)
    ax.axvline(alpha, color="k", ls="--", lw=1)
    ax.text(alpha, len(labels) - 0.3, f" α = {alpha:g}", va="bottom", fontsize=9)
    ax.set_xscale("log")
    ax.set_yticks(range(len(labels)), [f"{lv[:3]}. {m[:4]}. vs {cmp}" for lv, m, cmp in labels], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("P value (log scale; values below 1e-25 drawn at 1e-25)")
    handles, names = ax.get_legend_handles_labels()
    unique = dict(zip(names, handles))
    ax.legend(unique.values(), unique.keys(), fontsize=8, loc="lower left", title="analysis choice")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def design_table(alpha=0.05, power=0.8) -> pd.DataFrame:
    """A design analysis of each comparison, in the paper's unit of analysis (pairs).

    ``pairs needed``: McNemar pairs (Connor 1987) for a confirmatory study in which the
    discordant proportions of the minimal-discordance table are the truth; missing where
    the two discordant cells are equal (no difference to confirm). ``smallest detectable
    difference``: the difference in the measure the study's own number of pairs detects
    with ``power``, at the observed rate of pairs only the weaker test gets right. No
    post-hoc power: at the observed effect it is a function of the P value.

    >>> t = design_table().set_index(["level", "measure", "comparator"])
    >>> int(t.loc[("lesion", "sensitivity", "MR"), "pairs needed"])
    701
    """
    rows = []
    for level in LEVELS:
        for comparator in COMPARATORS:
            for measure in ("sensitivity", "specificity"):
                a, b, c, d = implied_table(level, measure, comparator)
                n = a + b + c + d
                needed = math.ceil(mcnemar_sample_size(b / n, c / n, alpha, power)) if b != c else float("nan")
                rows.append({"level": level, "comparator": comparator, "measure": measure, "b": b, "c": c,
                             "pairs in study": n, "observed difference": (c - b) / n, "pairs needed": needed,
                             "smallest detectable difference": mcnemar_detectable_difference(
                                 n, min(b, c) / n, alpha, power)})
    return pd.DataFrame(rows)


def design_figure(table: pd.DataFrame, alpha=0.05, power=0.8):
    """Smallest difference detectable with ``power`` against pairs, with each comparison's observed difference.

    The curve assumes every discordant pair favours one test (the most favourable case), so
    no difference below it is detectable at that number of pairs, whatever the discordance.
    """
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, level in zip(axes, LEVELS):
        sub = table[table.level == level]
        n = np.geomspace(15, 20 * sub["pairs in study"].max(), 200)
        ax.plot(n, [mcnemar_detectable_difference(k, 0.0, alpha, power) for k in n], color="k",
                label="detectable (one-way discordance)")
        for k, (_, r) in enumerate(sub.iterrows()):
            if r.b == r.c:  # no observed difference: nothing to place on a log axis
                continue
            ax.plot(r["pairs in study"] * (1 + 0.04 * (k - 2.5)), abs(r["observed difference"]), "o", color=f"C{k}",
                    label=f"{r.measure[:4]}. vs {r.comparator}")
        ax.set(xscale="log", yscale="log", xlabel=f"{level}s (pairs)",
               title=f"{level} level (dots: observed |difference| at the study's n)")
        ax.title.set_fontsize(10)
        ax.legend(fontsize=7, loc="upper right")  # the corner no curve or dot reaches
    axes[0].set_ylabel(f"difference detectable with {power:.0%} power")
    axes[0].yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.1%}" if v < 0.01 else f"{v:.0%}"))
    fig.tight_layout()
    return fig


def bayes_table(prior_a=1.0, prior_b=1.0) -> pd.DataFrame:
    """Posterior probability that PET/MR beats each single modality, from the paired discordances.

    Conditional on a discordant pair, PET/MR is the one that is right with probability
    theta; with a Beta(prior_a, prior_b) prior the posterior is Beta(prior_a + c, prior_b + b)
    and P(PET/MR better) = P(theta > 1/2). This uses the pairing, unlike two independent
    Beta posteriors for the two proportions.

    >>> t = bayes_table()
    >>> round(float(t.query("level == 'patient' and measure == 'sensitivity' and comparator == 'MR'")["P(PET/MR better)"].iloc[0]), 3)
    0.875
    """
    if prior_a <= 0 or prior_b <= 0:
        raise ValueError(f"prior_a and prior_b must be positive, got {prior_a!r}, {prior_b!r}")
    rows = []
    for level in LEVELS:
        for comparator in COMPARATORS:
            for measure in ("sensitivity", "specificity"):
                _, b, c, _ = implied_table(level, measure, comparator)
                rows.append({"level": level, "comparator": comparator, "measure": measure, "b": b, "c": c,
                             "P(PET/MR better)": float(sps.beta.sf(0.5, prior_a + c, prior_b + b))})
    return pd.DataFrame(rows)


def bayes_figure(table: pd.DataFrame):
    """Bars of P(PET/MR better) per comparison; 0.5 is indifference."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, level in zip(axes, LEVELS):
        sub = table[table.level == level]
        x = np.arange(len(COMPARATORS))
        for k, measure in enumerate(("sensitivity", "specificity")):
            vals = sub[sub.measure == measure].set_index("comparator").loc[list(COMPARATORS), "P(PET/MR better)"]
            ax.bar(x + (k - 0.5) * 0.38, vals, width=0.38, label=measure, color=f"C{k}")
        ax.axhline(0.5, color="k", ls="--", lw=1)
        ax.set_xticks(x, [f"vs {c}" for c in COMPARATORS])
        ax.set_title(f"{level} level", fontsize=10)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("posterior P(PET/MR better)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig
