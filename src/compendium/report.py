"""What notebooks call to show results: figures saved with stable bytes, and glued values.

``publish(fig, key)`` writes ``figures/<key>.png`` and ``.svg`` into the notebook's
working directory (the run folder), and glues the figure under ``key`` so the page
places it with a ``{glue:figure}`` block and its caption. The SVG's date and
random ids are fixed, so the same parameters give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import matplotlib.pyplot as plt

FIGURE_DIR = Path("figures")

matplotlib.rcParams["svg.hashsalt"] = "compendium"


def publish(fig: matplotlib.figure.Figure, key: str) -> Path:
    """Save ``fig`` as PNG and SVG under ``figures/`` and glue it as ``key``; returns the PNG path."""
    from myst_nb import glue  # imported here: only notebooks need myst_nb at run time

    FIGURE_DIR.mkdir(exist_ok=True)
    png = FIGURE_DIR / f"{key}.png"
    fig.savefig(png, dpi=150, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(FIGURE_DIR / f"{key}.svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    glue(key, fig, display=False)
    plt.close(fig)
    return png


def interval_line(ax, x, estimate, low, high, *, color, capsize=3, **line):
    """Estimates as a line (``line``: matplotlib line style, label…) with interval bars from ``low``
    to ``high``, drawn where they are even when they do not contain the estimate.

    A bias-corrected (BCa) bootstrap interval may lie wholly on one side of its estimate when the
    realisations are few; ``errorbar``'s distances from the estimate cannot show that.

    >>> fig, ax = plt.subplots()
    >>> _ = interval_line(ax, [1, 2], [0.8, 0.9], [0.82, 0.7], [0.95, 0.95], color="C0", marker="o")
    >>> [segment[:, 1].round(6).tolist() for segment in ax.collections[0].get_segments()]
    [[0.82, 0.95], [0.7, 0.95]]
    >>> plt.close(fig)
    """
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    ax.errorbar(x, (low + high) / 2, yerr=(high - low) / 2, fmt="none", ecolor=color, capsize=capsize)
    return ax.plot(x, estimate, color=color, **line)


def glue_values(values: dict[str, Any]) -> None:
    """Glue several prose numbers at once, without displaying them.

    numpy scalars are glued as plain Python numbers: their repr (``np.float64(0.5)``)
    would defeat ``{glue:text}`key:.1f``` formatting in the book.
    """
    from myst_nb import glue

    for key, value in values.items():
        glue(key, value.item() if isinstance(value, np.generic) else value, display=False)


def round_for_prose(value: float, significant: int = 2) -> str:
    """A large number as a reader wants it in a sentence: rounded, digits grouped, no exponent.

    >>> round_for_prose(123_456.7), round_for_prose(98_765, 3), round_for_prose(0.0123)
    ('120,000', '98,800', '0.012')
    """
    rounded = float(f"{float(value):.{significant}g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 10 ** (significant - 1) else f"{rounded:.{significant}g}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` followed by the noun phrase that agrees with it.

    >>> plural(1, "comparison"), plural(3, "comparison"), plural(1, "comparison changes", "comparisons change")
    ('1 comparison', '3 comparisons', '1 comparison changes')
    """
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"
