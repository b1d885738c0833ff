"""What the chapters' sweep pages share: a figure of curves with their Monte Carlo intervals, one
panel per level of a second swept parameter, and where those intervals separate the curves.

The sweeps themselves are the phantom studies' own functions
(:func:`compendium.analyses.huang_phantom.pet_sweep`,
:func:`compendium.analyses.psma_phantom.nuclide_sweep`), whose realisations run as tasks on
whatever ``mapper`` the page passes: on the book's build, a local Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import pandas as pd

from compendium.report import interval_line


def separated_points(frame: pd.DataFrame, x: str, y: str, hue: str, col: str, decimals: int = 3) -> pd.DataFrame:
    """For each panel (``col``) and ``x``: whether the intervals (``y low``, ``y high``) of every
    pair of lines (``hue``) are disjoint, so that their order is more than Monte Carlo noise.

    The bounds are compared as the sweep pages print them, rounded to ``decimals``: two AUC
    intervals that both print as 1.000 to 1.000 are not called apart. Sorted by their lower
    ends, intervals are pairwise disjoint exactly when each one ends before the next begins.

    >>> f = pd.DataFrame({"panel": [1, 1, 1, 1], "size": [4, 4, 8, 8], "line": ["a", "b", "a", "b"],
    ...                   "AUC low": [0.5, 0.6, 0.7, 0.9], "AUC high": [0.65, 0.8, 0.85, 0.95]})
    >>> separated_points(f, "size", "AUC", "line", "panel").to_dict("list")
    {'panel': [1, 1], 'size': [4, 8], 'separated': [False, True]}
    """
    rows = []
    for (panel, at), group in frame.groupby([col, x], sort=False):
        ordered = group[[f"{y} low", f"{y} high"]].round(decimals).sort_values([f"{y} low", f"{y} high"])
        lows, highs = ordered[f"{y} low"].to_numpy(), ordered[f"{y} high"].to_numpy()
        rows.append({col: panel, x: at, "separated": bool((highs[:-1] < lows[1:]).all())})
    return pd.DataFrame(rows)


def interval_figure(frame: pd.DataFrame, x: str, y: str, hue: str, col: str, *, xlabel: str, ylabel: str,
                    hue_label: Callable[[object], str] = str, col_label: Callable[[object], str] = str,
                    threshold: float | None = None):
    """``y`` with its interval (``y low`` to ``y high``) against ``x``, a line per ``hue``, a panel per
    ``col``; points where :func:`separated_points` finds every interval disjoint are filled."""
    panels = list(dict.fromkeys(frame[col]))
    levels = list(dict.fromkeys(frame[hue]))
    separated = separated_points(frame, x, y, hue, col).set_index([col, x])["separated"]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels) + 0.6, 3.4), sharey=True, squeeze=False)
    step = 0.012 * (frame[x].max() - frame[x].min())  # spread the error bars sideways
    for ax, panel in zip(axes[0], panels):
        for i, level in enumerate(levels):
            part = frame[(frame[col] == panel) & (frame[hue] == level)]
            shift = (i - (len(levels) - 1) / 2) * step
            interval_line(ax, part[x] + shift, part[y], part[f"{y} low"], part[f"{y} high"], color=f"C{i}",
                          capsize=2, lw=1.2, label=hue_label(level))
            filled = separated.loc[[(panel, v) for v in part[x]]].to_numpy()
            ax.scatter(part[x] + shift, part[y], s=18, zorder=3, color=f"C{i}",
                       facecolors=[f"C{i}" if f else "white" for f in filled])
        if threshold is not None:
            ax.axhline(threshold, color="k", ls=":", lw=1)
        ax.set_title(col_label(panel), fontsize=10)
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(ylabel)
    axes[0][-1].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
