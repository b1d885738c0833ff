"""Count tables the checks read: ``data/tables/<name>.csv``, one row per table row.

A study's 2×2 accuracy counts live here once (columns ``row, tp, fp, fn, tn``), so that every
printed percentage is recomputed from the same cells and every printed fraction is compared
with them. The files are inputs under the data manifest; they are read, validated and cached
per process (they never change while a ledger runs).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from compendium.paths import data_dir

CELLS = ("tp", "fp", "fn", "tn")


def table_path(name: str) -> Path:
    return data_dir() / "tables" / f"{name}.csv"


@lru_cache(maxsize=None)
def _read(path: Path) -> dict[str, tuple[int, int, int, int]]:
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except OSError as exc:
        raise ValueError(f"table {path.stem!r} cannot be read ({exc.strerror}): {path}") from None
    table: dict[str, tuple[int, int, int, int]] = {}
    for line, row in enumerate(rows, start=2):
        if set(row) != {"row", *CELLS}:
            raise ValueError(f"{path.name}:{line}: columns must be row, {', '.join(CELLS)}")
        try:
            cells = tuple(int(row[name]) for name in CELLS)
        except (TypeError, ValueError):
            raise ValueError(f"{path.name}:{line}: cells must be whole numbers, got {row}") from None
        if min(cells) < 0 or row["row"] in table:
            raise ValueError(f"{path.name}:{line}: row {row['row']!r} is repeated or has a negative cell")
        table[row["row"]] = cells
    return table


def accuracy_cells(name: str, row: str) -> tuple[int, int, int, int]:
    """``(tp, fp, fn, tn)`` of ``row`` in table ``name``; ``ValueError`` naming what is missing."""
    table = _read(table_path(name))
    if row not in table:
        raise ValueError(f"row {row!r} is not in table {name!r} (rows: {', '.join(table)})")
    return table[row]


@dataclass(frozen=True)
class QuotedFigure:
    """A figure of an outside source that a document quotes: the source's value, its citation
    key in ``data/references.bib``, where in the source it stands, and the source's own counts
    when it prints them (``numerator``/``denominator``, else None)."""

    figure: str
    source: str
    locator: str
    value: float
    numerator: float | None
    denominator: float | None


@lru_cache(maxsize=None)
def _quoted(path: Path) -> dict[str, QuotedFigure]:
    columns = ["figure", "source", "locator", "value", "numerator", "denominator"]
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except OSError as exc:
        raise ValueError(f"quoted figures cannot be read ({exc.strerror}): {path}") from None
    figures: dict[str, QuotedFigure] = {}
    for line, row in enumerate(rows, start=2):
        if list(row) != columns or not all(row[name] for name in columns[:4]) or row["figure"] in figures:
            raise ValueError(f"{path.name}:{line}: needs a new figure id, source, locator and value (columns: "
                             f"{', '.join(columns)})")
        try:
            counts = [float(row[name]) if row[name] else None for name in ("numerator", "denominator")]
            figures[row["figure"]] = QuotedFigure(row["figure"], row["source"], row["locator"], float(row["value"]), *counts)
        except ValueError:
            raise ValueError(f"{path.name}:{line}: value, numerator and denominator must be numbers") from None
        if (counts[0] is None) != (counts[1] is None) or counts[1] == 0:
            raise ValueError(f"{path.name}:{line}: give both numerator and denominator (non-zero), or neither")
    return figures


def quoted_figure(figure: str) -> QuotedFigure:
    """The stored outside figure ``figure`` of ``data/tables/quoted-figures.csv``."""
    figures = _quoted(data_dir() / "tables" / "quoted-figures.csv")
    if figure not in figures:
        raise ValueError(f"figure {figure!r} is not in quoted-figures.csv")
    return figures[figure]
