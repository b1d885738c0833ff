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


def glue_values(values: dict[str, Any]) -> None:
    """Glue several prose numbers at once, without displaying them.

    numpy scalars are glued as plain Python numbers: their repr (``np.float64(0.5)``)
    would defeat ``{glue:text}`key:.1f``` formatting in the book.
    """
    from myst_nb import glue

    for key, value in values.items():
        glue(key, value.item() if isinstance(value, np.generic) else value, display=False)
